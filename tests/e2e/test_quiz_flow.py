"""In a real browser: a learner reads a module, fails its quiz, reads the explanations,
passes on the second attempt and sees the module marked done."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from elearn.content import load_course
from elearn.content.loader import DEFAULT_CONTENT_DIR
from tests.e2e.test_course_pages import log_in

pytestmark = pytest.mark.e2e
COURSE = load_course(DEFAULT_CONTENT_DIR)


def answer(page: Page, module, correct: bool) -> None:
    for q in module.quiz.questions:
        picks = [o.key for o in q.options if o.correct == correct]
        if q.type != "multiple" or not correct:
            picks = picks[:1]
        for key in picks:
            page.check(f"#q-{q.key}-{key}")


def test_fail_read_explanations_pass_and_module_done(page: Page, live_server):
    module = COURSE.modules[2]
    log_in(page, live_server)
    page.goto(f"/modules/{module.key}/{module.sections[0].key}")
    for _ in module.sections:
        page.get_by_role("button", name="Merkitse luetuksi").click()
    page.wait_for_url(f"**/modules/{module.key}")
    page.get_by_role("link", name="Tee tietovisa").click()

    answer(page, module, correct=False)
    page.get_by_role("button", name="Lähetä vastaukset").click()
    expect(page.get_by_role("status")).to_contain_text("Et läpäissyt tällä kertaa")
    wrong_q = module.quiz.questions[0]
    chosen = next(o for o in wrong_q.options if not o.correct)
    right = next(o for o in wrong_q.options if o.correct)
    expect(page.get_by_text(chosen.text("fi").explanation, exact=True)).to_be_visible()
    expect(page.get_by_text(right.text("fi").explanation, exact=True)).to_be_visible()

    page.get_by_role("link", name="Yritä uudelleen").click()
    answer(page, module, correct=True)
    page.get_by_role("button", name="Lähetä vastaukset").click()
    expect(page.get_by_role("status")).to_contain_text("Läpäisit tietovisan")
    expect(page.get_by_role("status")).to_contain_text("Opintojakso on valmis.")

    page.goto("/modules/")
    card = page.locator(".module-card").nth(2)
    expect(card).to_contain_text("Valmis")
    expect(card).to_contain_text("paras tietovisan tulos 100 %")


def test_quiz_by_keyboard_only(page: Page, live_server):
    """Radio buttons and checkboxes answer with Space and arrow keys; Enter sends."""
    module = COURSE.modules[3]
    log_in(page, live_server, email="kouluttaja@example.fi")
    page.goto(f"/modules/{module.key}/quiz")
    first = page.locator("fieldset.question input").first
    first.focus()
    page.keyboard.press("Space")
    assert first.is_checked()
    name = first.get_attribute("name")
    if first.get_attribute("type") == "radio":
        page.keyboard.press("ArrowDown")  # moves the choice within the same question
        checked = page.locator(f"input[name='{name}']:checked")
        expect(checked).to_have_count(1)
        assert not first.is_checked()
    for _ in range(80):  # Tab through the remaining questions to the send button
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.textContent.trim()") == "Lähetä vastaukset":
            break
    else:
        raise AssertionError("the send button was not reachable by Tab")
    page.keyboard.press("Enter")
    # Unanswered questions: the page says so, and keeps the answer given.
    expect(page.get_by_role("alert")).to_contain_text("Vastaa jokaiseen kysymykseen")
    expect(page.locator(f"input[name='{name}']:checked")).to_have_count(1)
