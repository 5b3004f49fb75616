"""Course pages: overview with progress, module, section, marking read, print view, media."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from elearn.content.loader import load_course
from elearn.core.fragments import FRAGMENTS_KEY
from elearn.courses.services import EXTENSION_KEY, get_course
from elearn.progress.models import SectionRead
from tests.conftest import CSRF_RE, PASSWORD

FIXTURE = Path(__file__).resolve().parents[1] / "content" / "fixtures" / "content-1.0"


def first_module(app):
    with app.app_context():
        return get_course().modules[0]


def test_overview_lists_six_modules_with_progress_and_next_step(app, client, make_user, login_as):
    login_as(make_user())
    page = client.get("/modules/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert html.count('class="module-card"') == 6
    assert f"0/{len(first_module(app).sections)} osiota luettu" in html
    assert "Jatka tästä" in html
    module = first_module(app)
    assert f"/modules/{module.key}/{module.sections[0].key}" in html


def test_module_page_has_objectives_sections_quiz_reflection_and_sources(
    app, client, make_user, login_as
):
    login_as(make_user())
    module = first_module(app)
    html = client.get(f"/modules/{module.key}").get_data(as_text=True)
    finnish = module.text("fi")[0]
    assert finnish.title in html
    for objective in finnish.objectives:
        assert objective in html
    # Reflection has a page of its own, linked after the sections; no long form here.
    questions = len(finnish.reflection)
    link = f'href="/journal/{module.key}">Pohdi: {questions} kysymystä</a>'
    assert link in html and f"0/{questions} vastattu" in html
    assert html.index('id="sections-h"') < html.index(link) < html.index('id="quiz-h"')
    assert "<textarea" not in html
    for question in finnish.reflection:
        assert question not in html
    assert f"Tietovisassa on {len(module.quiz.questions)} kysymystä" in html
    assert "Lähteet" in html and module.sources[0].title in html
    assert f"/modules/{module.key}/print" in html


def test_section_page_navigation_and_video(app, client, make_user, login_as):
    login_as(make_user())
    module = first_module(app)
    video_section = next(s for s in module.sections if s.videos)
    html = client.get(f"/modules/{module.key}/{video_section.key}").get_data(as_text=True)
    video = video_section.videos[0]
    assert "<video controls" in html and '<track kind="captions"' in html
    assert f"/modules/{module.key}/media/{video.captions}" in html
    assert "Videon tekstiversio" in html
    assert 'rel="prev"' in html and 'rel="next"' in html
    first = client.get(f"/modules/{module.key}/{module.sections[0].key}").get_data(as_text=True)
    assert 'rel="prev"' not in first


def test_section_text_is_shared_but_the_form_token_is_each_persons_own(app, client, make_user):
    # The section's text and navigation are rendered once per language and shared; the
    # "mark as read" form must still carry the token of the person viewing the page.
    module = first_module(app)
    url = f"/modules/{module.key}/{module.sections[1].key}"
    pages = []
    for n in range(2):
        browser = app.test_client()
        make_user(email=f"lukija{n}@example.fi")
        browser.post_form("/login", {"email": f"lukija{n}@example.fi", "password": PASSWORD})
        html = browser.get(url).get_data(as_text=True)
        assert "Merkitse luetuksi" in html
        form = html.split('<div class="mark-read">')[1]
        pages.append((html.split('<div class="mark-read">')[0], CSRF_RE.search(form).group(1)))
        assert browser.post_form(url + "/read").status_code == 302  # the token is accepted
    (head_a, token_a), (head_b, token_b) = pages
    assert token_a != token_b
    # The shared part is the same for both, and holds no token at all.
    shared = head_a.split('<main id="main" tabindex="-1">')[1]
    assert shared == head_b.split('<main id="main" tabindex="-1">')[1]
    assert "csrf_token" not in shared and module.sections[1].text("fi")[0].title in shared


def test_section_text_follows_the_language(app, client, make_user, login_as):
    module = first_module(app)
    url = f"/modules/{module.key}/{module.sections[1].key}"
    login_as(make_user())
    assert "Osio 2/" in client.get(url).get_data(as_text=True)
    client.post_form("/language", {"language": "en", "next": url})
    english = client.get(url).get_data(as_text=True)
    assert "Section 2 of" in english and module.sections[1].text("en")[0].title in english
    client.post_form("/language", {"language": "sv", "next": url})
    swedish = client.get(url).get_data(as_text=True)
    assert module.sections[1].text("sv")[0].title in swedish
    assert "har ännu inte översatts" not in swedish  # the whole course is in Swedish


def test_mark_read_is_idempotent_and_moves_on(app, client, make_user, login_as, db):
    user = make_user()
    login_as(user)
    module = first_module(app)
    url = f"/modules/{module.key}/{module.sections[0].key}/read"
    first = client.post_form(url)
    assert first.location == f"/modules/{module.key}/{module.sections[1].key}"
    client.post_form(url)  # a double click
    count = db.session.scalar(
        sa.select(sa.func.count()).select_from(SectionRead).where(SectionRead.user_id == user.id)
    )
    assert count == 1
    html = client.get("/modules/").get_data(as_text=True)
    assert f"1/{len(module.sections)} osiota luettu" in html
    assert "Olet merkinnyt tämän osion luetuksi" in client.get(
        f"/modules/{module.key}/{module.sections[0].key}"
    ).get_data(as_text=True)


def test_mark_read_without_csrf_records_nothing(app, client, make_user, login_as, db):
    user = make_user()
    login_as(user)
    module = first_module(app)
    response = client.post(f"/modules/{module.key}/{module.sections[0].key}/read")
    assert response.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SectionRead)) == 0


def test_progress_is_the_learners_own(app, client, make_user, login_as):
    other = make_user()
    login_as(other)
    module = first_module(app)
    client.post_form(f"/modules/{module.key}/{module.sections[0].key}/read")
    client.post_form("/logout")
    login_as(make_user())
    assert "0/5 osiota luettu" in client.get("/modules/").get_data(as_text=True)


def test_unknown_module_or_section_is_404(client, make_user, login_as, app):
    login_as(make_user())
    module = first_module(app)
    assert client.get("/modules/ei-ole").status_code == 404
    assert client.get(f"/modules/{module.key}/ei-ole").status_code == 404
    assert client.post_form(f"/modules/{module.key}/ei-ole/read").status_code == 404


def test_media_serves_only_declared_files(app, client, make_user, login_as):
    login_as(make_user())
    module = first_module(app)
    video = module.videos[0]
    captions = client.get(f"/modules/{module.key}/media/{video.captions}")
    assert captions.status_code == 200 and captions.get_data(as_text=True).startswith("WEBVTT")
    clip = client.get(f"/modules/{module.key}/media/{video.src}", headers={"Range": "bytes=0-99"})
    assert clip.status_code == 206 and len(clip.data) == 100
    script = video.src.replace(".webm", ".slides.toml")
    assert client.get(f"/modules/{module.key}/media/{script}").status_code == 404
    assert client.get(f"/modules/{module.key}/media/../module.toml").status_code == 404


def test_course_needs_login(client, app):
    module = first_module(app)
    assert client.get("/modules/").status_code == 302
    assert client.get(f"/modules/{module.key}/media/{module.videos[0].captions}").status_code == 302


@pytest.fixture
def partly_translated(app):
    """The course as it was before its Swedish translation (tests/content/fixtures):
    only module 1 in English, nothing in Swedish."""
    old = load_course(FIXTURE / "modules", pages_dir=FIXTURE / "pages")
    saved = app.extensions.get(EXTENSION_KEY)
    app.extensions[EXTENSION_KEY] = old
    app.extensions.pop(FRAGMENTS_KEY, None)
    yield old
    if saved is None:
        app.extensions.pop(EXTENSION_KEY, None)
    else:
        app.extensions[EXTENSION_KEY] = saved
    app.extensions.pop(FRAGMENTS_KEY, None)


def test_swedish_falls_back_to_finnish_with_a_note(partly_translated, client, make_user, login_as):
    login_as(make_user(language="sv"))
    module = partly_translated.modules[0]
    html = client.get(f"/modules/{module.key}/{module.sections[0].key}").get_data(as_text=True)
    assert '<html lang="sv">' in html
    assert "har ännu inte översatts" in html
    assert '<article class="section-text" lang="fi">' in html


def test_english_module_one_does_not_fall_back(partly_translated, client, make_user, login_as):
    login_as(make_user(language="en"))
    module = partly_translated.modules[0]
    html = client.get(f"/modules/{module.key}/{module.sections[0].key}").get_data(as_text=True)
    assert "has not been translated" not in html
    assert module.sections[0].text("en")[0].title in html
    other = partly_translated.modules[1]
    html = client.get(f"/modules/{other.key}/{other.sections[0].key}").get_data(as_text=True)
    assert "has not been translated into your language yet" in html


def test_every_module_is_complete_in_three_languages(app):
    # The shipped course: no page falls back to Finnish in Swedish or English.
    with app.app_context():
        for module in get_course().modules:
            for language in ("sv", "en"):
                assert not module.text(language)[1], (module.key, language)
                for section in module.sections:
                    assert not section.text(language)[1], (module.key, section.key, language)


def get_course_module(app, index):
    with app.app_context():
        return get_course().modules[index]


def test_print_view_has_every_section_and_transcripts(app, client, make_user, login_as):
    login_as(make_user())
    module = first_module(app)
    html = client.get(f"/modules/{module.key}/print").get_data(as_text=True)
    for section in module.sections:
        assert section.text("fi")[0].title in html
    assert "<video" not in html
    assert "Videon tekstiversio" in html


def test_pages_carry_no_correct_answers(app, client, make_user, login_as):
    login_as(make_user())
    module = first_module(app)
    html = client.get(f"/modules/{module.key}").get_data(as_text=True)
    for question in module.quiz.questions:
        for option in question.options:
            assert option.text("fi").explanation not in html


def test_glossary_links_lead_to_a_term_on_the_glossary_page(app, client, make_user, login_as):
    import re

    login_as(make_user())
    with app.app_context():
        course = get_course()
    assert course.glossary, "the shipped modules define their terms"
    linked = set()
    for module in course.modules:
        for section in module.sections:
            html = client.get(f"/modules/{module.key}/{section.key}").get_data(as_text=True)
            linked |= set(re.findall(r'href="/modules/glossary#(term-[a-z0-9_-]+)"', html))
    assert linked
    page = client.get("/modules/glossary").get_data(as_text=True)
    anchors = set(re.findall(r'<div id="(term-[a-z0-9_-]+)"', page))
    assert linked <= anchors  # every link lands on its term
    assert len(anchors) == len(course.glossary)
    swedish = course.glossary[0].text("sv")[0].term
    client.post_form("/language", {"language": "sv"})
    assert swedish in client.get("/modules/glossary").get_data(as_text=True)


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_the_help_page_gives_emergency_numbers_in_each_language(
    app, client, make_user, login_as, language
):
    login_as(make_user(language=language))
    response = client.get("/modules/pages/kun-tarvitset-apua")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and f'<html lang="{language}">' in html
    assert 'href="tel:112"' in html
    assert "has not been translated" not in html and "har ännu inte" not in html
    assert client.get("/modules/pages/ei-ole").status_code == 404


def test_a_video_offers_captions_in_every_language(app, client, make_user, login_as):
    import re

    login_as(make_user(language="sv"))
    with app.app_context():
        module = get_course().modules[0]
    section = next(s for s in module.sections if s.videos)
    html = client.get(f"/modules/{module.key}/{section.key}").get_data(as_text=True)
    tracks = re.findall(r'<track kind="captions" src="[^"]+" srclang="([a-z]{2})"[^>]*>', html)
    assert sorted(tracks) == ["en", "fi", "sv"]
    default = re.search(r'<track[^>]*srclang="([a-z]{2})"[^>]* default>', html)
    assert default and default.group(1) == "sv"  # the Swedish page shows Swedish captions
