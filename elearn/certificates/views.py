"""The learner's certificate and the public verification page."""

from __future__ import annotations

from typing import Any

from flask import current_app, render_template, request
from flask_babel import get_locale
from flask_login import current_user, login_required

from elearn.certificates import bp
from elearn.certificates import services as certificates
from elearn.core.lifecycle import writes
from elearn.core.time import utcnow
from elearn.courses.services import get_course, learner_progress
from elearn.extensions import limiter


@bp.get("/certificate")
@login_required
@writes
def certificate() -> Any:
    """The learner's certificate, or what is still missing."""
    progress = learner_progress(current_user.id)
    course = get_course()
    try:
        issued = certificates.issue(
            current_user.id, progress, course_version=course.version, now=utcnow()
        )
    except certificates.NotComplete:
        return render_template(
            "certificates/missing.html", progress=progress, lang=str(get_locale())
        )
    minutes = sum(m.minutes for m in course.modules)
    return render_template(
        "certificates/certificate.html",
        certificate=issued,
        code=certificates.format_code(issued.code),
        course=course,
        hours=round(minutes / 30) / 2,  # to the nearest half hour
        organisation=current_app.config["ELEARN_ORGANISATION"],
        verify_url=current_app.config["ELEARN_BASE_URL"] + "/verify",
        lang=str(get_locale()),
    )


@bp.get("/verify")
@limiter.limit("30 per minute", scope="verify")
def verify() -> Any:
    """Anyone may check a code; the answer is only whether it is valid."""
    code = request.args.get("code", "")[:64]
    checked = bool(code.strip())
    valid = certificates.verify(code) if checked else False
    return render_template("certificates/verify.html", code=code, checked=checked, valid=valid)
