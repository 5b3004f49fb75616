"""In a real browser: a trainer filters the reports by group, opens a question's analysis and
downloads it as CSV for Excel."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from elearn.accounts.models import Cohort, Role, User, UserRole
from elearn.courses.services import get_course
from elearn.extensions import db
from tests.e2e.test_course_pages import log_in
from tests.reports.util import DAY1, attempt, correct, wrong_option

pytestmark = pytest.mark.e2e


def test_trainer_filters_opens_a_question_and_downloads_csv(page: Page, live_server, e2e_app):
    with e2e_app.test_request_context():
        module = get_course().modules[0]
        question = module.quiz.questions[0]
        pilot = Cohort(name="Raporttipilotti", employment_model="employer_model")
        other = Cohort(name="Raporttimuut", employment_model="own_service")
        people = []
        for i, cohort in enumerate([pilot, pilot, pilot, other]):
            person = User(email=f"raportti{i}@example.fi", session_nonce=f"r{i}", cohort=cohort)
            person.role_rows = [UserRole(role=Role.ASSISTANT.value)]
            people.append(person)
        db.session.add_all([pilot, other, *people])
        db.session.commit()
        for i, person in enumerate(people):
            answers = correct(module)
            if i in (0, 3):  # one pilot learner and the other group's learner miss question 1
                answers[question.key] = [wrong_option(question)]
            attempt(person, module, DAY1, answers=answers)
        pilot_id = pilot.id

    log_in(page, live_server, email="kouluttaja@example.fi")
    page.get_by_role("link", name="Raportit").click()  # the dashboard, then the overview
    page.get_by_role("navigation", name="Raportit").get_by_role("link", name="Yleiskuva").click()
    page.get_by_label("Ryhmä", exact=True).select_option(label="Raporttipilotti")
    page.get_by_role("button", name="Näytä").click()
    page.wait_for_url(re.compile(rf".*cohort={pilot_id}.*"))
    groups = page.locator("section[aria-labelledby=groups-h] tbody tr").first
    expect(groups).to_contain_text("Raporttipilotti")
    expect(groups).to_contain_text("3")

    page.get_by_role("link", name="Jakson 1 kysymysanalyysi").click()
    expect(page.locator("main [role=status]")).to_contain_text("3 ensimmäistä yritystä")
    page.locator(f"main table a[href*='/questions/{question.key}?']").click()
    assert f"cohort={pilot_id}" in page.url  # the filter travels with the links
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("67 %")  # two of the pilot's three got it right
    expect(facts).to_contain_text("Liian vähän vastauksia")
    expect(page.locator("svg.chart")).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Lataa vaihtoehdot CSV-tiedostona (Excel)").click()
    data = Path(download_info.value.path()).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    header = rows[0]
    assert header[:4] == ["Opintojakso", "Opintojakson tunniste", "Kysymys", "Kysymyksen tunniste"]
    key, option, chosen_at = (
        header.index(h) for h in ("Kysymyksen tunniste", "Vaihtoehdon tunniste", "Valittu")
    )
    chosen = {r[option]: int(r[chosen_at]) for r in rows[1:] if r[key] == question.key}
    assert chosen[wrong_option(question)] == 1 and sum(chosen.values()) == 3
    assert rows[1][2] == question.text("fi")  # the question's text, not only its key
