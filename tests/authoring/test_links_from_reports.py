"""From evidence to edit: the question analysis and the content review page lead a trainer
to the editor of what they show, and the navigation leads trainers (only) to the editor."""

from __future__ import annotations

import re

from elearn.accounts.models import Role
from elearn.courses.services import get_course
from tests.authoring.conftest import MODULE


def _links(html: str) -> list[str]:
    return re.findall(r'href="([^"]+)"', html)


def test_the_question_analysis_links_each_question_and_the_quiz_to_their_editors(
    app, client, as_trainer
):
    module = get_course().module(MODULE)
    question = module.quiz.questions[0]
    page = client.get(f"/reports/modules/{MODULE}/questions/{question.key}")
    editor = f"/authoring/modules/{MODULE}/quiz/questions/{question.key}"
    assert page.status_code == 200 and editor in _links(page.get_data(as_text=True))
    opened = client.get(editor)
    assert opened.status_code == 200 and question.key in opened.get_data(as_text=True)
    listing = client.get(f"/reports/modules/{MODULE}/questions").get_data(as_text=True)
    assert f"/authoring/modules/{MODULE}/quiz" in _links(listing)
    assert client.get(f"/authoring/modules/{MODULE}/quiz").status_code == 200


def test_the_review_page_links_every_module_and_page_to_its_editor(app, client, as_trainer):
    course = get_course()
    html = client.get("/reports/content").get_data(as_text=True)
    targets = [f"/authoring/modules/{m.key}/texts" for m in course.modules] + [
        f"/authoring/pages/{p.key}" for p in course.pages
    ]
    links = _links(html)
    for target in targets:
        assert target in links, target
        assert client.get(target).status_code == 200, target


def test_the_editor_is_in_the_navigation_of_trainers_and_admins_only(client, make_user, login_as):
    for role, shown in (
        (Role.TRAINER, True),
        (Role.ADMIN, True),
        (Role.SUPERVISOR, False),
        (Role.ASSISTANT, False),
    ):
        login_as(make_user(role))
        nav = client.get("/").get_data(as_text=True).split("</nav>")[0]
        assert ('href="/authoring/"' in nav) is shown, role
        assert client.post_form("/logout", {}).status_code == 302
    login_as(make_user(Role.TRAINER))
    page = client.get(f"/authoring/modules/{MODULE}").get_data(as_text=True)
    assert re.search(r'<a href="/authoring/"\s+aria-current="page"', page)
