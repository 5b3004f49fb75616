"""The XSS corpus of the security tests goes into every free-text field of the editor (titles,
Markdown, objectives, options, explanations, sources, glossary, pages, surveys, the change
note). Nothing of it becomes markup on any page that shows it: to the other trainers (the
forms, the findings, the preview, the differences, the history) or to learners once it is
published. (tests/e2e/test_authoring.py opens such pages in Chromium as well.)"""

from __future__ import annotations

import re
from pathlib import Path

from elearn.accounts.models import Role
from elearn.authoring import services
from tests.authoring.conftest import MODULE, SECTION_KEY, form_fields
from tests.authoring.test_views import BASE, other_client, page, send
from tests.feedback.test_services import quiz_done
from tests.htmltree import parse

PAYLOADS = [
    line
    for line in (Path(__file__).parents[1] / "security" / "xss_payloads.txt")
    .read_text(encoding="utf-8")
    .splitlines()
    if line.strip()
]
CORPUS = "\n".join(PAYLOADS)
# A web address must stay a web address (the check refuses anything else): this one tries to
# break out of the attribute it is put in.
HOSTILE_URL = 'https://example.fi/"><script>window.__xss=1</script><b>'
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "data", "xlink:href", "poster")


def hostile(name: str) -> str:
    return f"kenttä {name}\n{CORPUS}"


def unsafe(html: str) -> list[str]:
    """What in the page could run: an element or attribute the app never writes itself."""
    found = []
    for node in parse(html).iter():
        attrs = node.attrs
        for name, value in attrs.items():
            if name.startswith("on"):
                found.append(f"<{node.tag} {name}=…>")
            squeezed = re.sub(r"\s", "", (value or "")).lower()
            if name in URL_ATTRIBUTES and squeezed.startswith(
                ("javascript:", "data:", "vbscript:")
            ):
                found.append(f"<{node.tag} {name}={value!r}>")
            if name == "style" and ("javascript" in squeezed or "url(" in squeezed):
                found.append(f"<{node.tag} style={value!r}>")
        if node.tag == "script" and not (attrs.get("src") or "").startswith("/static/"):
            found.append("<script> inline")
        if node.tag in ("iframe", "object", "embed", "svg", "math", "img", "base", "marquee"):
            found.append(f"<{node.tag}>")
        if node.tag in ("details",) and any(a.startswith("on") for a in attrs):
            found.append("<details on…>")
    return found


def fill(fields: dict, names: list[str]) -> dict:
    filled = fields | {name: hostile(name) for name in names}
    for name in names:
        if name.startswith("reflection_"):  # 2-4 questions, one a line
            half = len(PAYLOADS) // 2
            filled[name] = (
                f"kenttä {name} " + " ".join(PAYLOADS[:half]) + "\n" + " ".join(PAYLOADS[half:])
            )
    return filled


def texts_of(fields: dict, *patterns: str) -> list[str]:
    return [n for n in fields if any(re.fullmatch(p, n) for p in patterns)]


def test_no_payload_becomes_markup_for_trainers_or_learners(app, published, as_trainer, make_user):
    # --- every free-text field, through the editor's forms
    url = f"{BASE}/texts"
    fields = form_fields(page(as_trainer, url))
    names = texts_of(fields, r"(title|summary|objectives|reflection)_(fi|sv|en)",
                     r"sources-\d+-(title|publisher)")  # fmt: skip
    fields = fill(fields, names)
    fields["sources-0-url"] = HOSTILE_URL
    send(as_trainer, url, fields)

    url = f"{BASE}/sections/{SECTION_KEY}"
    fields = form_fields(page(as_trainer, url))
    send(as_trainer, url, fill(fields, texts_of(fields, r"(title|body)_(fi|sv|en)")))

    quiz = page(as_trainer, f"{BASE}/quiz")
    key = re.search(r'/quiz/questions/([a-z0-9-]+)"', quiz).group(1)
    url = f"{BASE}/quiz/questions/{key}"
    fields = form_fields(page(as_trainer, url))
    send(as_trainer, url, fill(fields, texts_of(fields, r"text_(fi|sv|en)",
                                                r"options-\d+-(text|explanation)_(fi|sv|en)")))  # fmt: skip

    url = f"{BASE}/glossary"
    fields = form_fields(page(as_trainer, url))
    send(as_trainer, url, fill(fields, texts_of(fields, r"terms-0-(term|definition)_(fi|sv|en)")))

    url = "/authoring/pages/kun-tarvitset-apua"
    fields = form_fields(page(as_trainer, url))
    send(as_trainer, url, fill(fields, texts_of(fields, r"(title|body)_(fi|sv|en)",
                                                r"sources-0-(title|publisher)")))  # fmt: skip

    url = "/authoring/surveys/module-check"
    fields = form_fields(page(as_trainer, url))
    send(as_trainer, url, fill(fields, texts_of(fields, r"t_.*_(fi|sv|en)")))

    # --- what another trainer sees before publishing
    other = other_client(app, make_user(Role.TRAINER))
    before = [
        BASE, f"{BASE}/texts", f"{BASE}/sections/{SECTION_KEY}", f"{BASE}/quiz",
        f"{BASE}/quiz/questions/{key}", f"{BASE}/glossary", f"{BASE}/preview",
        f"{BASE}/preview/{SECTION_KEY}", f"{BASE}/preview/quiz", f"{BASE}/changes",
        f"{BASE}/publish", "/authoring/", "/authoring/pages/kun-tarvitset-apua",
        "/authoring/pages/kun-tarvitset-apua/preview", "/authoring/pages/kun-tarvitset-apua/changes",
        "/authoring/surveys/module-check", "/authoring/surveys/module-check/changes",
    ]  # fmt: skip
    problems = []
    for path in before:
        html = page(other, path)
        problems += [f"{path}: {u}" for u in unsafe(html)]
        if path.endswith("/changes"):
            assert "kenttä" in html, path
    shown = page(other, f"{BASE}/sections/{SECTION_KEY}")
    assert PAYLOADS[0] in parse(shown).find_all("textarea", id="body_fi")[0].text()

    # The web address that breaks out is refused by the check; with a plain one it publishes.
    assert "is not a web address" not in page(other, f"{BASE}/publish")  # no spaces: valid
    for kind, key_ in (
        ("modules", MODULE),
        ("pages", "kun-tarvitset-apua"),
        ("surveys", "module-check"),
    ):
        form = form_fields(page(as_trainer, f"/authoring/{kind}/{key_}/publish"))
        form.update(note=hostile("note"), confirm="y")
        response = as_trainer.post(f"/authoring/{kind}/{key_}/publish", data=form)
        body = response.get_data(as_text=True)
        errors = re.findall(r'finding-error">(.*?)</li>|class="error"[^>]*>(.*?)</p>', body, re.S)
        assert response.status_code == 302, (kind, errors)
    assert published() == 4

    # --- what learners and other trainers see once it is published
    learner_user = make_user(Role.ASSISTANT)
    learner = other_client(app, learner_user)
    with app.test_request_context():
        from elearn.courses.services import get_course

        module = get_course().module(MODULE)
    quiz_done(learner_user, module)
    result = re.search(
        r"/modules/[a-z0-9-]+/quiz/attempts/\d+", page(learner, f"/modules/{MODULE}/quiz")
    )
    assert result  # the result page shows the explanations
    after = {
        "learner": [
            f"/modules/{MODULE}", f"/modules/{MODULE}/{SECTION_KEY}", f"/modules/{MODULE}/print",
            f"/modules/{MODULE}/quiz", "/modules/glossary", "/modules/pages/kun-tarvitset-apua",
            "/modules/", "/", f"/feedback/answer/module-check/{MODULE}",
            result.group(0),
        ],
        "trainer": [f"{BASE}/history", f"{BASE}/history/2", "/authoring/surveys/module-check/history"],
    }  # fmt: skip
    for who, paths in after.items():
        client = learner if who == "learner" else other
        for path in paths:
            html = page(client, path)
            problems += [f"{who} {path}: {u}" for u in unsafe(html)]
            assert "kenttä" in html, (who, path)
    assert not problems, "\n".join(problems)


def test_the_unsafe_check_catches_markup():
    assert unsafe('<p><img src=x onerror="a()"></p>')
    assert unsafe('<a href=" JaVaScRiPt:alert(1)">x</a>')
    assert unsafe("<script>alert(1)</script>")
    assert not unsafe('<script src="/static/js/elearn.js" defer></script><p>&lt;script&gt;</p>')
    assert services  # the editor's services are what the pages above are built from
