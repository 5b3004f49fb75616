"""The course editor in Chromium, on two gunicorn servers sharing one database:

- a trainer edits a section and a quiz question, previews the section at phone width and
  publishes; a learner on the other server sees the change within seconds; the trainer
  restores the previous version and the learner sees that too;
- a second trainer's save of the same section is refused, and both texts are kept;
- every editor page passes axe (WCAG 2.1 A/AA) in Finnish, Swedish and English at 320 px
  without sideways scrolling (the pages that need a published history are checked here,
  not in test_accessibility.py, whose shared database must stay unpublished);
- the XSS corpus saved and published through the editor runs nowhere: not in the preview,
  the differences, the history, nor on the learners' pages.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from flask_migrate import upgrade
from playwright.sync_api import Browser, BrowserContext, Page, expect

from elearn import create_app
from elearn.accounts.models import Cohort, Role, User, UserRole
from elearn.accounts.passwords import hash_password
from elearn.content.loader import DEFAULT_CONTENT_DIR, load_course
from elearn.contentstore import services as store
from elearn.core.time import utcnow
from elearn.extensions import db as _db
from tests.conftest import free_port
from tests.dbutil import drop_database, fresh_database
from tests.e2e.conftest import start_gunicorn

pytestmark = pytest.mark.e2e

PASSWORD = "muokkaus selaimessa 2026"
COURSE = load_course(DEFAULT_CONTENT_DIR)
MODULE = COURSE.modules[0]
SECTION = MODULE.sections[0]
QUESTION = MODULE.quiz.questions[0]
EDITOR = f"/authoring/modules/{MODULE.key}"
MARK = "Tämä lause kirjoitettiin kurssin muokkaimessa."
OPTION = "Eeva itse päättää (muokattu selaimessa)"
WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
FITS = "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
PEOPLE = {
    "anna": ("anna.kouluttaja@example.fi", "Anna Kouluttaja", Role.TRAINER),
    "bertta": ("bertta.kouluttaja@example.fi", "Bertta Kouluttaja", Role.TRAINER),
    "learner": ("oppija.muokkaus@example.fi", "Olli Oppija", Role.ASSISTANT),
}
PAYLOADS = [
    line
    for line in (Path(__file__).parents[1] / "security" / "xss_payloads.txt")
    .read_text(encoding="utf-8")
    .splitlines()
    if line.strip()
]


@pytest.fixture(scope="module")
def servers(tmp_path_factory) -> Iterator[dict]:
    """Two app servers (two workers each) on a database of their own, with the shipped
    course published as version 1, two trainers and a learner."""
    tmp = tmp_path_factory.mktemp("authoring")
    url = fresh_database("authoring", tmp)
    app = create_app(
        {"DATABASE_URL": url, "TESTING": True, "ELEARN_CONTENT_CACHE": str(tmp / "cache")}
    )
    test_session = _db.session
    _db.session = _db._make_scoped_session({})
    running = []
    try:
        with app.app_context():
            upgrade()
            cohort = Cohort(name="Muokkausryhmä", employment_model="employer_model")
            for key, (email, name, role) in PEOPLE.items():
                person = User(
                    email=email,
                    name=name,
                    session_nonce=key,
                    password_hash=hash_password(PASSWORD),
                    cohort=cohort if role is Role.ASSISTANT else None,
                )
                person.role_rows = [UserRole(role=role.value)]
                _db.session.add(person)
            _db.session.commit()
            store.import_tree(
                DEFAULT_CONTENT_DIR.parent, note="Shipped", author_id=None, now=utcnow()
            )
            _db.session.commit()
            _db.session.remove()
    finally:
        _db.session = test_session
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "ELEARN_ENV": "development",
        "SECRET_KEY": "authoring-secret-key-that-is-long-enough",
        "MAIL_BACKEND": "log",
        "ELEARN_CONTENT_CACHE": str(tmp / "cache"),
        "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0",
        "RATELIMIT_KEY_PREFIX": f"elearn-authoring-{free_port()}",
    }
    try:
        for n in range(2):
            port = free_port()
            process, log = start_gunicorn(env, port, tmp / f"server{n}.log")
            running.append((process, log, f"http://127.0.0.1:{port}"))
        yield {"trainers": running[0][2], "learners": running[1][2]}
    finally:
        for process, log, _base in running:
            process.terminate()
            process.wait(timeout=10)
            log.close()
        with app.app_context():
            _db.engine.dispose()
        drop_database(url)


def signed_in(browser: Browser, base: str, who: str, **options) -> tuple[BrowserContext, Page]:
    context = browser.new_context(base_url=base, locale="fi-FI", **options)
    page = context.new_page()
    page.goto("/login")
    page.get_by_label("Sähköpostiosoite").fill(PEOPLE[who][0])
    page.get_by_label("Salasana").fill(PASSWORD)
    page.get_by_role("button", name="Kirjaudu sisään").click()
    page.wait_for_url("**/")
    with page.expect_navigation():  # an earlier test may have changed the language
        page.get_by_role("button", name="Suomeksi").click()
    return context, page


def save_by_keyboard(page: Page) -> None:
    page.locator("input#save").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")


def publish(page: Page, note: str) -> None:
    page.goto(f"{EDITOR}/publish")
    page.get_by_label("Mitä muuttui ja miksi").fill(note)
    confirm = page.get_by_label("Olen lukenut laatuongelmat ja julkaisen silti")
    if confirm.count():
        confirm.check()
    page.get_by_role("button", name="Julkaise").click()
    expect(page.get_by_role("status")).to_contain_text("Julkaistu versiona")


def seen_within(page: Page, path: str, text: str, *, present: bool, seconds: float = 15) -> float:
    """Reload ``path`` until ``text`` is there (or gone); how long it took."""
    start = time.monotonic()
    while True:
        page.goto(path)
        if (text in page.inner_text("main")) == present:
            return time.monotonic() - start
        assert time.monotonic() - start < seconds, f"{text!r} not {'shown' if present else 'gone'}"
        time.sleep(0.2)


def test_edit_preview_publish_and_restore_reach_a_learner_on_the_other_server(
    browser: Browser, servers
):
    trainer_context, page = signed_in(browser, servers["trainers"], "anna")
    learner_context, learner = signed_in(browser, servers["learners"], "learner")
    section_url = f"/modules/{MODULE.key}/{SECTION.key}"
    learner.goto(section_url)
    assert MARK not in learner.inner_text("main")

    # The editor: the module list, the module, its first section.
    page.goto("/authoring/")
    page.get_by_role("link", name=MODULE.texts["fi"].title, exact=True).click()
    page.get_by_role("link", name=SECTION.texts["fi"].title, exact=True).click()
    body = page.locator("#body_fi")
    body.focus()
    page.keyboard.press("Control+Home")
    page.keyboard.type(MARK + "\n\n")
    save_by_keyboard(page)
    expect(page.get_by_role("status")).to_contain_text("Tallennettu luonnokseen")
    expect(page.locator("#body_fi")).to_have_value(re.compile("^" + re.escape(MARK)))

    # A quiz question: one option's Finnish text.
    page.get_by_role("navigation", name=re.compile("Muokattavana")).get_by_role(
        "link", name="Tietovisa"
    ).click()
    page.locator(f"#question-{QUESTION.key} a").first.click()
    page.locator("#options-0-text_fi").fill(OPTION)
    save_by_keyboard(page)
    expect(page.locator("#options-0-text_fi")).to_have_value(OPTION)

    # The preview of the section, at phone width.
    page.goto(f"{EDITOR}/preview/{SECTION.key}")
    page.get_by_role("link", name="Puhelimen leveys (375 px)").click()
    frame = page.locator(".preview-frame")
    expect(frame).to_have_class(re.compile(r"\bphone\b"))
    expect(frame).to_contain_text(MARK)
    assert frame.bounding_box()["width"] <= 375
    assert MARK not in learner.inner_text("main")  # not published yet

    # Publish; the learner on the other server sees it within seconds.
    publish(page, "Lause ja vaihtoehto selaimesta")
    took = seen_within(learner, section_url, MARK, present=True)
    learner.goto(f"/modules/{MODULE.key}/quiz")
    expect(learner.get_by_text(OPTION)).to_be_visible()
    print(f"published change visible on the other server after {took:.1f} s")  # noqa: T201

    # The history; version 1 back as a draft, published again.
    page.goto(f"{EDITOR}/history")
    expect(page.locator(".history-item").first).to_contain_text("Anna Kouluttaja")
    expect(page.locator(".history-item").first).to_contain_text("Lause ja vaihtoehto selaimesta")
    page.get_by_role("button", name=re.compile("Palauta luonnokseksi versio 1$")).click()
    expect(page.get_by_role("status")).to_contain_text("Versio 1 on nyt luonnos")
    publish(page, "Takaisin versioon 1")
    seen_within(learner, section_url, MARK, present=False)
    trainer_context.close()
    learner_context.close()


def test_a_second_trainers_save_is_refused_and_both_texts_are_kept(browser: Browser, servers):
    anna_context, anna = signed_in(browser, servers["trainers"], "anna")
    bertta_context, bertta = signed_in(browser, servers["learners"], "bertta")
    url = f"{EDITOR}/sections/{SECTION.key}"
    anna.goto(url)
    bertta.goto(url)
    bertta.locator("#body_fi").fill("Bertan versio tekstistä.")
    save_by_keyboard(bertta)
    expect(bertta.get_by_role("status")).to_contain_text("Tallennettu luonnokseen")

    anna.locator("#body_fi").fill("Annan versio tekstistä.")
    save_by_keyboard(anna)
    conflict = anna.get_by_role("alert")
    expect(conflict).to_contain_text("Toinen kouluttaja tallensi muutoksia")
    expect(conflict).to_contain_text("Bertta Kouluttaja")
    expect(anna.locator("#body_fi")).to_have_value("Annan versio tekstistä.")  # hers, kept
    expect(anna.locator(".diff del").filter(has_text="Bertan versio tekstistä.")).to_have_count(1)
    expect(anna.locator(".diff ins").filter(has_text="Annan versio tekstistä.")).to_have_count(1)
    axe = Axe().run(anna, options=WCAG).response
    assert not axe["violations"], [v["id"] for v in axe["violations"]]
    bertta.reload()
    expect(bertta.locator("#body_fi")).to_have_value("Bertan versio tekstistä.")  # theirs, kept

    # Anna merges and saves again, knowingly: now it goes through.
    anna.locator("#body_fi").fill("Annan ja Bertan yhteinen versio.")
    save_by_keyboard(anna)
    expect(anna.get_by_role("status")).to_contain_text("Tallennettu luonnokseen")
    anna_context.close()
    bertta_context.close()


def editor_pages() -> list[str]:
    m, s, q = MODULE.key, SECTION.key, QUESTION.key
    return [
        "/authoring/",
        f"/authoring/modules/{m}",
        f"/authoring/modules/{m}/texts",
        f"/authoring/modules/{m}/sections/{s}",
        f"/authoring/modules/{m}/quiz",
        f"/authoring/modules/{m}/quiz/questions/{q}",
        f"/authoring/modules/{m}/glossary",
        f"/authoring/modules/{m}/media",
        f"/authoring/modules/{m}/preview",
        f"/authoring/modules/{m}/preview/{s}?width=phone",
        f"/authoring/modules/{m}/preview/quiz?lang=sv",
        f"/authoring/modules/{m}/changes",
        f"/authoring/modules/{m}/publish",
        f"/authoring/modules/{m}/history",
        f"/authoring/modules/{m}/history/1",
        "/authoring/pages/kun-tarvitset-apua",
        "/authoring/pages/kun-tarvitset-apua/preview",
        "/authoring/surveys/discussion",
    ]


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_editor_pages_pass_axe_at_320_px(browser: Browser, servers, lang):
    """With a draft that has findings and a missing translation, and a history."""
    context, page = signed_in(browser, servers["trainers"], "anna")
    page.goto(f"{EDITOR}/texts")
    page.locator("#title_sv").fill("")
    save_by_keyboard(page)
    with page.expect_navigation():
        page.get_by_role(
            "button", name={"fi": "Suomeksi", "sv": "På svenska", "en": "In English"}[lang]
        ).click()
    page.set_viewport_size({"width": 320, "height": 700})
    axe = Axe()
    failures = []
    for path in editor_pages():
        response = page.goto(path)
        assert response.status == 200, (path, response.status)
        assert page.get_attribute("html", "lang") == lang
        result = axe.run(page, options=WCAG).response
        assert result["passes"], "axe did not run"
        for violation in result["violations"]:
            targets = [n["target"] for n in violation["nodes"]][:3]
            failures.append(f"{lang} {path}: {violation['id']} {violation['help']} {targets}")
        if not page.evaluate(FITS):
            failures.append(f"{lang} {path}: sideways scrolling at 320 px")
    context.close()
    assert not failures, "\n".join(failures)


SHOWN_TEXT = """() => [document.body.textContent,
    ...[...document.querySelectorAll('input, textarea')].map(e => e.value)].join('\\n')"""


def test_the_xss_corpus_runs_nowhere(browser: Browser, servers):
    """Saved into a section, a question's option and explanation, a source and the change
    note by one trainer; opened by the other trainer and by a learner, with the
    Content-Security-Policy off so that escaping alone is tested."""
    corpus = "\n".join(PAYLOADS)
    context, page = signed_in(browser, servers["trainers"], "anna")
    page.goto(f"{EDITOR}/sections/{SECTION.key}")
    page.locator("#title_sv").fill(PAYLOADS[2])
    page.locator("#body_fi").fill(f"Alku.\n\n{corpus}\n")
    save_by_keyboard(page)
    page.goto(f"{EDITOR}/quiz/questions/{QUESTION.key}")
    page.locator("#options-1-text_fi").fill(" ".join(PAYLOADS[:6]))
    page.locator("#options-1-explanation_fi").fill(corpus)
    save_by_keyboard(page)
    page.goto(f"{EDITOR}/texts")
    page.locator("#sources-0-publisher").fill(corpus)
    page.locator("#title_sv").fill("Personlig assistans")
    save_by_keyboard(page)
    publish(page, corpus)
    context.close()

    checks = {
        ("bertta", "trainers"): [
            f"{EDITOR}/history",
            f"{EDITOR}/preview/{SECTION.key}",
            f"{EDITOR}/preview/quiz",
            f"{EDITOR}/sections/{SECTION.key}",
            f"{EDITOR}/quiz/questions/{QUESTION.key}",
        ],
        ("learner", "learners"): [
            f"/modules/{MODULE.key}/{SECTION.key}",
            f"/modules/{MODULE.key}",
            f"/modules/{MODULE.key}/print",
        ],
    }
    problems = []
    for (who, server), paths in checks.items():
        context, page = signed_in(browser, servers[server], who, bypass_csp=True)
        dialogs: list[str] = []
        page.on("dialog", lambda d, seen=dialogs: (seen.append(d.message), d.dismiss()))
        if who == "bertta":  # what the newest version changed
            page.goto(f"{EDITOR}/history")
            paths = [*paths, page.locator(".history-item a").first.get_attribute("href")]
        for path in paths:
            if who == "learner" and path.endswith(SECTION.key):  # served within seconds
                seen_within(page, path, "Alku.", present=True)
            else:
                page.goto(path)
            page.wait_for_load_state("load")
            page.mouse.move(5, 5)
            page.keyboard.press("Tab")
            if page.evaluate("() => window.__xss") is not None:
                problems.append(f"{who} {path}: window.__xss was set")
            if not any(p in page.evaluate(SHOWN_TEXT) for p in PAYLOADS):
                problems.append(f"{who} {path}: no payload shown as text")
        if dialogs:
            problems.append(f"{who}: dialogs opened: {dialogs}")
        context.close()
    assert not problems, "\n".join(problems)
