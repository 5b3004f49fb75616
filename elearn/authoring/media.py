"""A module's videos, captions and transcripts in the editor (issue 16).

The media page lists the video blocks of the module's sections (with what the content check
says about each), the uploaded videos with their captions per language, and every file of
the module's ``media/`` folder with its size and the sections that use it. Its forms upload
a video, captions, a transcript, replace or remove a file, and add a video (an uploaded one,
or a YouTube or Vimeo address) to a section. Everything goes into the module's draft
(``elearn.authoring.mediafiles``); a file is judged by its bytes, never by its name.

Uploads may be as large as ``ELEARN_MEDIA_MAX_BYTES``: the upload addresses raise the
request's size limit for a signed-in person (every other address keeps the app's
``MAX_CONTENT_LENGTH``); a larger request is answered with the media page and the limit at
the field, not a bare error.

``media_file`` serves the files of the draft (with range requests) to the editor's pages,
so the preview plays a video that is not published yet; in the editor, the learners' video
template takes its addresses from there (``g.elearn_media_endpoint``).
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

from flask import (
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import FileStorage
from werkzeug.exceptions import RequestEntityTooLarge

from elearn.authoring import bp, mediafiles, services
from elearn.authoring import documents as docs
from elearn.authoring.mediaforms import (
    InsertVideoForm,
    RemoveForm,
    ReplaceForm,
    UploadCaptionsForm,
    UploadTranscriptForm,
    UploadVideoForm,
)
from elearn.authoring.views import find_or_404, today
from elearn.content.media import captions_name
from elearn.content.model import LANGUAGES
from elearn.contentstore import services as store
from elearn.core.errors import form_error, render_error
from elearn.core.forms import choice_list
from elearn.core.time import utcnow

# The upload addresses: the form each one answers for (its name on the page, its class and
# its file field).
UPLOADS: dict[str, tuple[str, Any, str]] = {
    "authoring.media_upload_video": ("upload", UploadVideoForm, "video_file"),
    "authoring.media_upload_captions": ("captions", UploadCaptionsForm, "captions_file"),
    "authoring.media_upload_transcript": ("transcript", UploadTranscriptForm, "transcript_file"),
    "authoring.media_replace": ("replace", ReplaceForm, "replacement_file"),
}
FORM_ROOM = 64 * 1024  # the form's other fields and the multipart framing around the file


def media_limit() -> int:
    """The largest file a trainer may upload (``ELEARN_MEDIA_MAX_BYTES``)."""
    return int(current_app.config["ELEARN_MEDIA_MAX_BYTES"])


@bp.url_value_preprocessor
def _room_for_uploads(endpoint: str | None, _values: dict[str, Any] | None) -> None:
    """Let an upload be as large as the media limit. This runs before any hook reads the
    body (the CSRF check does); it reads only the session cookie, not the database (the
    request's transaction has not begun), so the limit is raised for anyone signed in, and
    the editors-only check then answers everyone else with 404."""
    if endpoint in UPLOADS and request.method == "POST" and session.get("_user_id"):
        request.max_content_length = media_limit() + FORM_ROOM


@bp.before_request
def _videos_from_the_draft() -> None:
    """The editor's pages (the previews) play videos from the draft, not the published
    course (``courses/_content.html`` reads this)."""
    g.elearn_media_endpoint = "authoring.media_file"


def _upload(storage: FileStorage) -> mediafiles.Upload:
    data, size = mediafiles.read_upload(storage.stream, media_limit())
    return mediafiles.Upload(data=data, size=size, client_name=storage.filename)


def _page(info: services.PartInfo, *, status: int = 200, **forms: Any) -> Any:
    """The media page, with the forms given (shown again with their errors) or fresh ones."""
    files = services.current_files(info.part)
    found = mediafiles.overview(files, info.part)
    sections = docs.read_sections(files, info.part)
    args = request.args if request.method == "GET" else {}
    videos = [v.file.name for v in found.videos]
    upload = forms.get("upload") or UploadVideoForm(formdata=None)
    captions = forms.get("captions") or UploadCaptionsForm(
        formdata=None,
        data={"captions_video": args.get("video", ""), "captions_language": args.get("lang", "fi")},
    )
    captions.captions_video.choices = choice_list((name, name) for name in videos)
    transcript = forms.get("transcript") or UploadTranscriptForm(formdata=None)
    replaceable = [f for f in found.files if f.kind in ("video", "captions", "transcript")]
    replace = forms.get("replace") or ReplaceForm(formdata=None)
    replace.replace.choices = choice_list((f"{f.name}@{f.sha}", f.name) for f in replaceable)
    if request.method == "GET" and args.get("replace"):
        chosen = found.file(args["replace"])
        replace.replace.data = f"{chosen.name}@{chosen.sha}" if chosen else None
    insert = forms.get("insert") or InsertVideoForm(
        formdata=None, data={"section": args.get("section", ""), "source": "file"}
    )
    insert.section.choices = choice_list((s.key, f"{s.number}. {s.title()}") for s in sections)
    insert.video.choices = choice_list([("", _("Choose a video")), *((n, n) for n in videos)])
    insert.transcript.choices = choice_list(
        [("", _("No transcript"))]
        + [(f.name, f.name) for f in found.transcripts if f.language in (None, "fi")]
    )
    removes = {}
    for f in found.files:
        remove = RemoveForm(formdata=None)
        remove.base.data = mediafiles.digest_of(files, f.path)
        removes[f.name] = remove
    check = services.check(info.part, today=today())
    at_block = {
        (b.path, b.line): [
            f for f in check.findings if f.path == b.path and b.line <= (f.line or 0) <= b.end
        ]
        for b in found.blocks
    }
    at_file = {f.path: [x for x in check.findings if x.path == f.path] for f in found.files}
    missing_files = [
        x
        for x in check.findings
        if x.path.startswith(mediafiles.media_dir(info.part)) and x.path not in at_file
    ]
    return render_template(
        "authoring/media.html",
        info=info,
        draft=services.draft_state(info.part),
        check=check,
        found=found,
        at_block=at_block,
        at_file=at_file,
        missing_files=missing_files,
        upload=upload,
        captions=captions,
        transcript=transcript,
        replace=replace,
        insert=insert,
        removes=removes,
        limit=mediafiles.size_text(media_limit()),
        text_limit=mediafiles.size_text(min(media_limit(), mediafiles.TEXT_MAX_BYTES)),
        size_text=mediafiles.size_text,
        languages=LANGUAGES,
    ), status


def _back(module_key: str, anchor: str = "") -> Any:
    return redirect(url_for(".media", module_key=module_key) + (f"#{anchor}" if anchor else ""))


def _flash_long_cues(count: int) -> None:
    """Tell the trainer that uploaded captions have cues the check lists as too long."""
    if count:
        flash(
            _(
                "%(num)s cues are longer than two lines of 42 characters: the check "
                "lists them as a quality problem. Shorter cues are easier to read.",
                num=count,
            ),
            "info",
        )


@bp.get("/modules/<module_key>/media")
def media(module_key: str) -> Any:
    """The module's videos, captions and transcripts, and the forms that change them."""
    return _page(find_or_404("modules", module_key))


@bp.post("/modules/<module_key>/media/videos")
def media_upload_video(module_key: str) -> Any:
    """Upload a WebM or MP4 video into the draft."""
    info = find_or_404("modules", module_key)
    form = UploadVideoForm()
    if form.validate_on_submit():
        try:
            name = mediafiles.upload_video(
                info.part, services.current_files(info.part), _upload(form.video_file.data),
                limit=media_limit(), actor_id=current_user.id, now=utcnow(),
            )  # fmt: skip
        except mediafiles.MediaRefused as refused:
            form_error(form.video_file, refused)
        else:
            flash(
                _(
                    "The video was saved in the draft as media/%(name)s. Upload its Finnish "
                    "captions next: a video cannot be published without them.",
                    name=name,
                ),
                "success",
            )
            return redirect(
                url_for(".media", module_key=module_key, video=name, lang="fi") + "#media-captions"
            )
    return _page(info, status=422, upload=form)


@bp.post("/modules/<module_key>/media/captions")
def media_upload_captions(module_key: str) -> Any:
    """Upload a video's WebVTT captions in one language (replacing that language's)."""
    info = find_or_404("modules", module_key)
    files = services.current_files(info.part)
    form = UploadCaptionsForm()
    if form.validate_on_submit():
        try:
            name, long_cues = mediafiles.upload_captions(
                info.part, files, form.captions_video.data or "", form.captions_language.data or "",
                _upload(form.captions_file.data), limit=media_limit(), actor_id=current_user.id,
                now=utcnow(),
            )  # fmt: skip
        except LookupError:
            form_error(form.captions_video, _("Choose one of this module's videos."))
        except mediafiles.MediaRefused as refused:
            form_error(form.captions_file, refused)
        else:
            flash(
                _("The captions were saved in the draft as media/%(name)s.", name=name), "success"
            )
            _flash_long_cues(long_cues)
            return _back(module_key, "media-videos")
    return _page(info, status=422, captions=form)


@bp.post("/modules/<module_key>/media/transcripts")
def media_upload_transcript(module_key: str) -> Any:
    """Upload a transcript (Markdown) into the draft."""
    info = find_or_404("modules", module_key)
    form = UploadTranscriptForm()
    if form.validate_on_submit():
        try:
            name = mediafiles.upload_transcript(
                info.part, services.current_files(info.part), form.transcript_language.data or "",
                _upload(form.transcript_file.data), limit=media_limit(),
                actor_id=current_user.id, now=utcnow(),
            )  # fmt: skip
        except mediafiles.MediaRefused as refused:
            form_error(form.transcript_file, refused)
        else:
            flash(
                _("The transcript was saved in the draft as media/%(name)s.", name=name), "success"
            )
            return _back(module_key, "media-files")
    return _page(info, status=422, transcript=form)


@bp.post("/modules/<module_key>/media/replace")
def media_replace(module_key: str) -> Any:
    """Replace a video, captions or a transcript with a new file of the same kind."""
    info = find_or_404("modules", module_key)
    files = services.current_files(info.part)
    form = ReplaceForm()
    if form.validate_on_submit():
        name, _sep, seen = (form.replace.data or "").partition("@")
        current = mediafiles.media_dir(info.part) + name
        if current not in files:
            form_error(form.replace, _("Choose one of this module's files."))
            return _page(info, status=422, replace=form)
        try:
            long_cues = mediafiles.replace_file(
                info.part, files, name, _upload(form.replacement_file.data),
                seen=mediafiles.digest_of(files, current) if seen == files.shas[current] else "",
                limit=media_limit(), actor_id=current_user.id, now=utcnow(),
            )  # fmt: skip
        except LookupError:
            form_error(
                form.replace, _("Only a video, captions or a transcript can be replaced here.")
            )
        except mediafiles.MediaRefused as refused:
            form_error(form.replacement_file, refused)
        except mediafiles.MediaChanged as changed:
            form_error(form.replace, changed)
        else:
            flash(_("media/%(name)s was replaced in the draft.", name=name), "success")
            _flash_long_cues(long_cues)
            return _back(module_key, "media-files")
    return _page(info, status=422, replace=form)


@bp.post("/modules/<module_key>/media/files/<name>/remove")
def media_remove(module_key: str, name: str) -> Any:
    """Remove a file from the draft, unless a section still uses it."""
    info = find_or_404("modules", module_key)
    files = services.current_files(info.part)
    form = RemoveForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        mediafiles.remove_file(
            info.part, files, name, seen=form.base.data or "", actor_id=current_user.id,
            now=utcnow(),
        )  # fmt: skip
    except LookupError:
        abort(404)
    except (mediafiles.FileInUse, mediafiles.MediaChanged) as refused:
        flash(refused.describe(), "error")
        g.elearn_rollback = True
        return _back(module_key, "media-files")
    flash(_("media/%(name)s was removed from the draft.", name=name), "success")
    return _back(module_key, "media-files")


@bp.post("/modules/<module_key>/media/insert")
def media_insert(module_key: str) -> Any:
    """Add a video block (an uploaded video, or a YouTube or Vimeo address) at the end of a
    section, in each of its languages."""
    info = find_or_404("modules", module_key)
    files = services.current_files(info.part)
    form = InsertVideoForm()
    if form.validate_on_submit():
        link = form.source.data == "link"
        new = mediafiles.NewVideo(
            titles={lang: form[f"title_{lang}"].data or "" for lang in LANGUAGES},
            duration=form.duration.data or "",
            video="" if link else form.video.data or "",
            address=(form.address.data or "") if link else "",
            transcript=form.transcript.data or "",
        )
        if link and not new.address.strip():
            form_error(form.address, _("Paste the address of the YouTube or Vimeo video."))
            return _page(info, status=422, insert=form)
        try:
            languages = mediafiles.insert_video(
                info.part, files, form.section.data or "", new, actor_id=current_user.id,
                now=utcnow(),
            )  # fmt: skip
        except LookupError:
            form_error(form.section, _("Choose one of this module's sections."))
        except mediafiles.VideoNeeded as refused:
            form_error(form.video, refused)
        except mediafiles.BadVideoAddress as refused:
            form_error(form.address, refused)
        except mediafiles.TranscriptNeeded as refused:
            form_error(form.transcript, refused)
        except mediafiles.MediaChanged as refused:
            form_error(form.section, refused)
        else:
            flash(
                _(
                    "The video was added at the end of the section in: %(languages)s. Preview "
                    "the section to check it, and move it in the section's text if needed.",
                    languages=", ".join(languages),
                ),
                "success",
            )
            if (
                not link
                and mediafiles.media_dir(info.part) + captions_name(new.video, "fi") not in files
            ):
                flash(
                    _("The video has no Finnish captions yet: upload them before publishing."),
                    "info",
                )
            return _back(module_key, "media-blocks")
    return _page(info, status=422, insert=form)


@bp.get("/modules/<module_key>/files/<path:filename>")
def media_file(module_key: str, filename: str) -> Any:
    """A video or captions file of the module's draft (else of what is published), with
    range requests, for the editor's previews."""
    info = find_or_404("modules", module_key)
    files = services.current_files(info.part)
    path = f"{info.part}/{filename}"
    name = filename.removeprefix("media/")
    mime = mediafiles.SERVED_TYPES.get(PurePosixPath(name).suffix.lower())
    if not filename.startswith("media/") or "/" in name or mime is None or path not in files:
        abort(404)
    disk = files.disk.get(path)
    target = disk if disk is not None else store.blob_file(files.shas[path])
    return send_file(
        target, mimetype=mime, conditional=True, etag=files.shas[path], max_age=0,
        download_name=name,
    )  # fmt: skip


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(_error: RequestEntityTooLarge) -> Any:
    """An upload larger than the limit: the media page with the limit at the file field."""
    from elearn.accounts.models import Role

    upload = UPLOADS.get(request.endpoint or "")
    signed_in = current_user.is_authenticated
    info = services.find_part("modules", (request.view_args or {}).get("module_key", ""))
    if (
        upload is None
        or info is None
        or not (signed_in and current_user.has_role(Role.TRAINER, Role.ADMIN))
    ):
        return render_error(413)
    form_name, form_class, field = upload
    form = form_class(formdata=None)
    form[field].errors = []  # the form was not validated: its body was never read
    form_error(
        form[field],
        _(
            "The file is larger than the limit of %(limit)s. Make it smaller (shorter, or at a "
            "lower resolution) and upload it again. Nothing was saved.",
            limit=mediafiles.size_text(media_limit()),
        ),
    )
    return _page(info, status=413, **{form_name: form})
