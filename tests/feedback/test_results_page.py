"""The feedback results page: which survey it opens on, dated filters, and small groups -
how many more answers are needed and the nearest wider view that has enough."""

from __future__ import annotations

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from elearn.accounts.models import EmploymentModel, Role
from elearn.core.time import utcnow
from elearn.feedback import services as feedback
from elearn.feedback.models import SurveyResponse
from elearn.feedback.registry import surveys

TODAY = utcnow().astimezone(ZoneInfo("Europe/Helsinki")).date()
THIS_WEEK = feedback.week_of(TODAY)
LONG_AGO = feedback.week_of(TODAY - timedelta(days=120))


def add(db, survey_key, n, *, cohort=None, week=THIS_WEEK, context=""):
    for i in range(n):
        db.session.add(
            SurveyResponse(
                survey_key=survey_key,
                context=context,
                cohort_id=cohort.id if cohort else None,
                employment_model=cohort.employment_model if cohort else None,
                week=week,
                answers={"overall": 1 + i % 5, "atmosphere": 1 + i % 5, "useful": 4},
            )
        )
    db.session.commit()


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def selected_survey(html: str) -> str:
    select = html[
        html.index('<select id="survey"') : html.index("</select>", html.index('id="survey"'))
    ]
    return re.search(r'<option value="([^"]+)" selected>', select).group(1)


@pytest.fixture
def trainer(client, login_as, make_user):
    login_as(make_user(Role.TRAINER))
    return client


def test_the_page_opens_on_a_survey_whose_results_can_be_shown(trainer, db):
    # In file order: module-check, discussion, course. The first has answers, too few.
    add(db, "module-check", 2)
    add(db, "discussion", 5)
    page = trainer.get("/feedback/results").get_data(as_text=True)
    assert selected_survey(page) == "discussion" and 'class="chart"' in page
    asked = trainer.get("/feedback/results?survey=module-check").get_data(as_text=True)
    assert selected_survey(asked) == "module-check"  # what is asked for is shown


def test_without_enough_answers_anywhere_it_opens_on_one_that_has_some(trainer, db):
    add(db, "course", 1)
    assert selected_survey(trainer.get("/feedback/results").get_data(as_text=True)) == "course"


def test_a_small_group_is_offered_every_group_of_its_employment_model(trainer, db, make_cohort):
    small = make_cohort("Pieni pilotti", EmploymentModel.EMPLOYER_MODEL)
    other = make_cohort("Toinen pilotti", EmploymentModel.EMPLOYER_MODEL)
    elsewhere = make_cohort("Oma palvelu", EmploymentModel.OWN_SERVICE)
    add(db, "course", 3, cohort=small)
    add(db, "course", 4, cohort=other)
    add(db, "course", 9, cohort=elsewhere)
    page = trainer.get(f"/feedback/results?survey=course&cohort={small.id}").get_data(as_text=True)
    text = text_of(page)
    assert "2 vastausta lisää tarvitaan." in text
    assert 'class="chart"' not in page and "Huono" not in text  # nothing of the three shown
    link = re.search(r'<ul class="wider-views">.*?href="([^"]+)"', page, flags=re.S).group(1)
    link = link.replace("&amp;", "&")
    assert "model=employer_model" in link and "cohort=" not in link
    assert "Kaikki ryhmät, joiden järjestämistapa on Työnantajamalli (7 vastausta)" in text
    pooled = trainer.get(link).get_data(as_text=True)
    assert "7 vastausta" in text_of(pooled) and 'class="chart"' in pooled


def test_a_short_period_is_offered_all_time(trainer, db, make_cohort):
    cohort = make_cohort("Kausiryhmä", EmploymentModel.OWN_SERVICE)
    add(db, "course", 6, cohort=cohort, week=LONG_AGO)
    add(db, "course", 1, cohort=cohort)
    url = f"/feedback/results?survey=course&cohort={cohort.id}&from={THIS_WEEK.isoformat()}"
    page = trainer.get(url).get_data(as_text=True)
    text = text_of(page)
    assert "4 vastausta lisää tarvitaan." in text
    assert "Samat rajaukset koko ajalta (7 vastausta)" in text
    assert "järjestämistapa" not in text.split("Samat rajaukset")[0].split("tarvitaan.")[-1]
    link = re.search(r'<ul class="wider-views">.*?href="([^"]+)"', page, flags=re.S).group(1)
    assert f"cohort={cohort.id}" in link and "from=" not in link


def test_no_wider_view_is_offered_when_none_has_enough(trainer, db, make_cohort):
    lonely = make_cohort("Yksinäinen", EmploymentModel.SERVICE_VOUCHER)
    add(db, "course", 2, cohort=lonely, week=LONG_AGO)
    add(db, "course", 2, cohort=lonely)
    url = f"/feedback/results?survey=course&cohort={lonely.id}&from={THIS_WEEK.isoformat()}"
    page = trainer.get(url).get_data(as_text=True)
    assert "3 vastausta lisää tarvitaan." in text_of(page)
    assert "wider-views" not in page


def test_the_minimum_is_never_below_five(app, trainer, db, make_cohort, monkeypatch):
    monkeypatch.setitem(app.config, "ELEARN_FEEDBACK_MIN_RESPONSES", 2)
    cohort = make_cohort("Kolmen ryhmä")
    add(db, "course", 3, cohort=cohort)
    page = trainer.get(f"/feedback/results?survey=course&cohort={cohort.id}").get_data(as_text=True)
    assert "vähintään 5 henkilöä" in page and "2 vastausta lisää tarvitaan." in text_of(page)
    assert trainer.get(f"/feedback/results.csv?survey=course&cohort={cohort.id}").status_code == 404


def test_wider_views_never_fall_below_the_minimum(app, db, make_cohort):
    a = make_cohort("A", EmploymentModel.EMPLOYER_MODEL)
    b = make_cohort("B", EmploymentModel.EMPLOYER_MODEL)
    add(db, "course", 1, cohort=a)
    add(db, "course", 2, cohort=b)
    add(db, "course", 1, cohort=a, week=LONG_AGO)
    add(db, "course", 1, cohort=b, week=LONG_AGO)
    survey = surveys_of(app)["course"]
    dated = feedback.Filters(cohort_id=a.id, date_from=THIS_WEEK)
    # Model alone: 3, all time alone: 2, both: 5 - only the last is enough.
    views = feedback.wider_views(survey, dated, minimum=5, cohort_model="employer_model")
    assert [(v.kind, v.count) for v in views] == [("model_all_time", 5)]
    assert views[0].filters == feedback.Filters(employment_model="employer_model")
    assert feedback.wider_views(survey, dated, minimum=6, cohort_model="employer_model") == []
    # With enough in each wider view alone, both are offered and not the widest.
    add(db, "course", 5, cohort=b)
    kinds = [
        v.kind
        for v in feedback.wider_views(survey, dated, minimum=5, cohort_model="employer_model")
    ]
    assert kinds == ["model"]
    add(db, "course", 5, cohort=a, week=LONG_AGO)
    kinds = [
        v.kind
        for v in feedback.wider_views(survey, dated, minimum=5, cohort_model="employer_model")
    ]
    assert kinds == ["model", "all_time"]


def surveys_of(app):
    with app.app_context():
        return surveys()


def test_dates_are_labelled_as_dates(trainer, db):
    for url in ("/feedback/results", "/reports/", "/reports/learners"):
        page = trainer.get(url).get_data(as_text=True)
        assert "Alkaa klo" not in page and "Päättyy klo" not in page, url
        assert re.search(r'<label for="(from|start)">Alkaen</label>', page), url
        assert re.search(r'<label for="(to|end)">Päättyen</label>', page), url
        assert len(re.findall(r'<input[^>]*type="date"', page)) == 2, url


def test_the_group_list_has_whole_names(trainer, make_cohort):
    name = "Keski-Uudenmaan työnantajamallin avustajien syksyn 2026 perehdytysryhmä, Hyvinkää"
    cohort = make_cohort(name)
    for url in ("/feedback/results", "/reports/", "/reports/learners"):
        page = trainer.get(url).get_data(as_text=True)
        assert f'<option value="{cohort.id}">{name}</option>' in page, url
