"""What publishing changes to a module does to learners, through real publishes:

- a section added to a module a learner has completed re-opens the module until the learner
  has read it (completion counts the sections of the version being served);
- a removed section no longer counts (reading it is not needed, and a reading of it does not
  count either);
- a passed quiz stays passed, and an issued certificate is never withdrawn;
- a quiz changed while a learner is answering it: the learner is told and gets a fresh
  attempt with the new questions (a change only to a translation does not start one).
"""

from __future__ import annotations

import re
from datetime import date

import sqlalchemy as sa

from elearn.accounts.models import Role
from elearn.authoring import documents as docs
from elearn.authoring import services
from elearn.certificates import services as certificates
from elearn.core.time import utcnow
from elearn.courses import services as courses
from elearn.quizzes.models import QuizAttempt
from tests.authoring.conftest import MODULE, PART
from tests.conftest import PASSWORD, Client
from tests.feedback.test_services import quiz_done

TODAY = date(2026, 12, 1)


def learner_client(app, learner) -> Client:
    app.test_client_class = Client
    client = app.test_client()
    assert (
        client.post_form("/login", {"email": learner.email, "password": PASSWORD}).status_code
        == 302
    )
    return client


def publish(trainer, changes: docs.Changes, scope: docs.Scope, note: str) -> int:
    """Save changes of the module into its draft and publish them, as the editor does."""
    files = services.current_files(PART)
    draft = services.save(
        PART, changes, scope=scope, seen=services.digest(files, scope),
        actor_id=trainer.id, now=utcnow(),
    )  # fmt: skip
    version = services.publish(
        PART, note=note, revision=draft.revision, confirmed=True, actor_id=trainer.id,
        now=utcnow(), today=TODAY,
    )  # fmt: skip
    return version.number


def served_module(app, published):
    published()
    with app.test_request_context():
        return courses.get_course().module(MODULE)


def progress_of(app, learner):
    with app.test_request_context():
        return courses.learner_progress(learner.id)


def read(client, module, keys) -> None:
    for key in keys:
        response = client.post_form(f"/modules/{module.key}/{key}/read")
        assert response.status_code == 302


def test_an_added_section_reopens_a_completed_module_and_the_certificate_stays(
    app, published, make_user, monkeypatch
):
    monkeypatch.setitem(app.config, "ELEARN_REQUIRE_DISCUSSION", False)
    trainer, learner = make_user(Role.TRAINER), make_user(Role.ASSISTANT)
    client = learner_client(app, learner)
    published()
    with app.test_request_context():
        course = courses.get_course()
    for module in course.modules:
        read(client, module, [s.key for s in module.sections])
        quiz_done(learner, module)
    page = client.get("/certificate").get_data(as_text=True)
    code = certificates.certificate_for(learner.id).code
    assert certificates.format_code(code) in page
    assert progress_of(app, learner).for_module(MODULE).complete

    files = services.current_files(PART)
    sections = docs.read_sections(files, PART)
    added = docs.add_section(sections, "uusi-osio", "Uusi osio", PART)
    assert publish(trainer, added, docs.sections_scope(PART), "Uusi osio") == 2
    module = served_module(app, published)
    assert module.sections[-1].key == "uusi-osio"
    progress = progress_of(app, learner)
    mine = progress.for_module(MODULE)
    assert not mine.complete and mine.status == "in_progress"
    assert mine.next_section.key == "uusi-osio" and mine.quiz_passed  # still passed
    assert not progress.complete
    # The certificate issued earlier stays valid and is still shown.
    assert certificates.format_code(code) in client.get("/certificate").get_data(as_text=True)
    assert certificates.verify(code)
    # Reading the new section completes the module again.
    read(client, module, ["uusi-osio"])
    assert progress_of(app, learner).for_module(MODULE).complete


def unlinked(module) -> list[str]:
    """The module's sections no other page links to (removing them breaks no link)."""
    from elearn.contentstore import services as store

    manifest = store.latest().manifest
    text = b"".join(store.blob(sha) for path, sha in manifest.items() if path.endswith(".md"))
    return [s.key for s in module.sections if f"section:{MODULE}/{s.key})".encode() not in text]


def test_a_removed_section_no_longer_counts(app, published, make_user):
    trainer, learner = make_user(Role.TRAINER), make_user(Role.ASSISTANT)
    client = learner_client(app, learner)
    module = served_module(app, published)
    unread, was_read = unlinked(module)[-1], unlinked(module)[0]
    keys = [s.key for s in module.sections]
    read(client, module, [k for k in keys if k != unread])
    quiz_done(learner, module)
    mine = progress_of(app, learner).for_module(MODULE)
    assert not mine.complete and mine.next_section.key == unread

    files = services.current_files(PART)
    removed = docs.remove_section(docs.read_sections(files, PART), unread, files, PART)
    publish(trainer, removed, docs.sections_scope(PART), "Poistettu osio")
    module = served_module(app, published)
    assert unread not in [s.key for s in module.sections]
    mine = progress_of(app, learner).for_module(MODULE)
    assert mine.complete and mine.sections_total == len(keys) - 1
    # A reading of a removed section does not count for the sections left.
    files = services.current_files(PART)
    gone = docs.remove_section(docs.read_sections(files, PART), was_read, files, PART)
    publish(trainer, gone, docs.sections_scope(PART), "Toinen poisto")
    served_module(app, published)
    mine = progress_of(app, learner).for_module(MODULE)
    assert mine.complete and mine.sections_read == mine.sections_total == len(keys) - 2


def test_a_quiz_changed_mid_attempt_gives_a_fresh_attempt(app, published, make_user):
    trainer, learner = make_user(Role.TRAINER), make_user(Role.ASSISTANT)
    client = learner_client(app, learner)
    module = served_module(app, published)
    page = client.get(f"/modules/{MODULE}/quiz").get_data(as_text=True)
    attempt = re.search(r'name="attempt" value="(\d+)"', page).group(1)
    answers = {f"q-{q.key}": [o.key for o in q.options if o.correct] for q in module.quiz.questions}

    # A translation changes: the quiz learners answer is the same, the attempt goes on.
    files = services.current_files(PART)
    quiz = docs.read_quiz(files, PART)
    quiz.questions[0].texts["sv"] = "En ny formulering på svenska?"
    publish(trainer, docs.write_quiz(quiz, files, PART), docs.quiz_scope(PART), "Svenska")
    served_module(app, published)
    # The Finnish text changes while the learner answers.
    files = services.current_files(PART)
    quiz = docs.read_quiz(files, PART)
    quiz.questions[0].texts["fi"] = "Uusi muotoilu kysymykselle?"
    publish(trainer, docs.write_quiz(quiz, files, PART), docs.quiz_scope(PART), "Kysymys")
    module = served_module(app, published)
    response = client.post_form(f"/modules/{MODULE}/quiz", {"attempt": attempt, **answers})
    assert response.status_code == 302 and response.headers["Location"].endswith("/quiz")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Tietovisaa muutettiin sen jälkeen, kun aloitit sen." in page
    assert "Uusi muotoilu kysymykselle?" in page
    rows = dict(
        app.extensions["sqlalchemy"]
        .session.execute(
            sa.select(QuizAttempt.id, QuizAttempt.status).where(QuizAttempt.user_id == learner.id)
        )
        .all()
    )
    assert rows[int(attempt)] == "abandoned"
    fresh = re.search(r'name="attempt" value="(\d+)"', page).group(1)
    assert rows[int(fresh)] == "open" and fresh != attempt
    # The fresh attempt is on the new quiz and is graded.
    response = client.post_form(f"/modules/{MODULE}/quiz", {"attempt": fresh, **answers})
    assert "/quiz/attempts/" in response.headers["Location"]
