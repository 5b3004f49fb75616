"""The editor in the browser's place: forms that save drafts, findings next to their fields,
missing translations shown as missing, row buttons, two trainers at once, publishing and
restoring, and what learners see afterwards."""

from __future__ import annotations

import re

import pytest

from elearn.accounts.models import Role
from elearn.authoring import documents as docs
from elearn.authoring import services
from elearn.contentstore import services as store
from elearn.core.time import utcnow
from tests.authoring.conftest import MODULE, PART, SECTION, SECTION_KEY, form_fields
from tests.conftest import PASSWORD, Client
from tests.htmltree import parse

BASE = f"/authoring/modules/{MODULE}"


def page(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:2000]
    return response.get_data(as_text=True)


def send(client, url: str, data: dict, status: int = 302):
    response = client.post(url, data=data)
    assert response.status_code == status, response.get_data(as_text=True)[-3000:]
    return response


def other_client(app, user) -> Client:
    app.test_client_class = Client
    other = app.test_client()
    assert other.post_form("/login", {"email": user.email, "password": PASSWORD}).status_code == 302
    return other


def draft_text(path: str) -> str:
    return store.blob(store.draft(PART).files[path]).decode()


def test_every_editor_address_is_404_for_learners_and_supervisors(app, client, make_user):
    """Whatever is added to the blueprint later (media, review pages) is covered too."""
    values = {"module_key": MODULE, "section_key": SECTION_KEY, "question_key": "x",
              "page_key": "kun-tarvitset-apua", "survey_key": "discussion", "number": 1}  # fmt: skip
    urls = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("authoring."):
            path = rule.rule
            for name, value in values.items():
                path = re.sub(rf"<(?:[a-z]+:)?{name}>", str(value), path)
            urls += [(method, path) for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    assert len(urls) > 40
    token = {"csrf_token": client.csrf_token()}
    for method, url in urls:
        data = token if method == "POST" else None
        assert client.open(url, method=method, data=data).status_code == 302, url  # log in
    for role in (Role.ASSISTANT, Role.SUPERVISOR):
        other = other_client(app, make_user(role))
        for method, url in urls:
            token = {"csrf_token": other.csrf_token()} if method == "POST" else None
            assert other.open(url, method=method, data=token).status_code == 404, (role, url)


def test_the_list_shows_versions_drafts_and_review_dates(published, as_trainer, trainer):
    html = page(as_trainer, "/authoring/")
    card = parse(html).with_text("Työnantajamalli ja avustajan työsuhde")[0].inside("li")
    assert "Versio 1" in card.text() and "Ei ole" in card.text()
    assert "30.11.2027" in card.text()  # reviewed 2026-11-30, every 12 months
    fields = form_fields(page(as_trainer, f"{BASE}/sections/{SECTION_KEY}"))
    fields["body_fi"] = "Uusi teksti."
    send(as_trainer, f"{BASE}/sections/{SECTION_KEY}", fields)
    card = parse(page(as_trainer, "/authoring/")).with_text("Työnantajamalli ja avustajan työsuhde")
    assert "Kaisa Kouluttaja" in card[0].inside("li").text()


def test_a_section_is_edited_side_by_side_and_saved_in_the_draft(published, as_trainer):
    url = f"{BASE}/sections/{SECTION_KEY}"
    html = page(as_trainer, url)
    fields = form_fields(html)
    assert {"title_fi", "title_sv", "title_en", "body_fi", "body_sv", "body_en"} <= set(fields)
    original = store.blob(store.latest().manifest[SECTION]).decode()
    assert fields["body_fi"].replace("\r\n", "\n") in original
    fields["body_fi"] = "Uusi **kappale**.\r\n\r\n" + fields["body_fi"]
    send(as_trainer, url, fields)
    assert draft_text(SECTION).startswith(f"# {fields['title_fi']}\n\nUusi **kappale**.\n\n")
    assert store.latest_number() == 1  # learners still see version 1


def test_the_preview_button_renders_markdown_with_the_sanitiser_and_saves_nothing(
    published, as_trainer
):
    url = f"{BASE}/sections/{SECTION_KEY}"
    fields = form_fields(page(as_trainer, url))
    fields["body_fi"] = "**Lihava** <script>alert(1)</script> [linkki](section:etiikka/vaitiolo)"
    fields["show_preview"] = "y"
    html = send(as_trainer, url, fields, 200).get_data(as_text=True)
    preview = parse(html).find_all("section", class_="quick-preview")[0]
    assert "<strong>Lihava</strong>" in html and "<script>alert(1)</script>" not in html
    assert any(a.attrs.get("href") == "/modules/etiikka/vaitiolo" for a in preview.find_all("a"))
    assert store.draft(PART) is None


def test_a_missing_translation_is_an_empty_field_marked_missing(published, as_trainer):
    url = f"{BASE}/texts"
    fields = form_fields(page(as_trainer, url))
    fields["summary_sv"] = ""
    send(as_trainer, url, fields)
    tree = parse(page(as_trainer, url))
    cell = tree.find_all("textarea", id="summary_sv")[0].parent
    assert "puuttuu" in cell.text()
    assert tree.find_all("textarea", id="summary_sv")[0].text() == ""  # not the Finnish
    assert "puuttuu" not in tree.find_all("textarea", id="summary_fi")[0].parent.text()
    # ... and the quality check's finding stands next to that field.
    assert "summary is missing" in cell.text()


def test_an_error_is_shown_next_to_its_field_and_blocks_publishing(published, as_trainer):
    url = f"{BASE}/texts"
    fields = form_fields(page(as_trainer, url))
    fields["title_fi"] = ""
    send(as_trainer, url, fields)
    tree = parse(page(as_trainer, url))
    cell = tree.find_all("input", id="title_fi")[0].parent
    assert "Virhe" in cell.text() and "must not be empty" in cell.text()
    assert tree.find_all("input", id="title_fi")[0].attrs.get("aria-invalid") == "true"
    publish = page(as_trainer, f"{BASE}/publish")
    assert "must not be empty" in publish and 'name="note"' not in publish
    data = {
        "csrf_token": as_trainer.csrf_token(),
        "note": "Yritys",
        "revision": "1",
        "confirm": "y",
    }
    send(as_trainer, f"{BASE}/publish", data, 422)
    assert store.latest_number() == 1


def test_row_buttons_change_the_form_only(published, as_trainer):
    url = f"{BASE}/texts"
    fields = form_fields(page(as_trainer, url))
    sources = sum(1 for name in fields if name.endswith("-title") and name.startswith("sources-"))
    html = send(as_trainer, url, fields | {"row": "sources-add"}, 200).get_data(as_text=True)
    grown = form_fields(html)
    assert f"sources-{sources}-title" in grown and store.draft(PART) is None
    assert "autofocus" in parse(html).find_all("input", id=f"sources-{sources}-title")[0].attrs
    grown[f"sources-{sources}-title"] = "Uusi lähde"
    grown[f"sources-{sources}-url"] = "https://example.fi/uusi"
    grown[f"sources-{sources}-checked"] = "2026-11-30"
    removed_title = grown["sources-0-title"]
    shrunk = form_fields(
        send(as_trainer, url, grown | {"row": "sources-0-remove"}, 200).get_data(as_text=True)
    )
    assert shrunk["sources-0-title"] != removed_title
    send(as_trainer, url, shrunk)
    edit = docs.read_module(services.current_files(PART), PART)
    assert (
        edit.sources[-1].title == "Uusi lähde"
        and edit.sources[-1].checked.isoformat() == "2026-11-30"
    )
    assert removed_title not in [s.title for s in edit.sources]


def test_questions_are_added_edited_reordered_and_removed(published, as_trainer):
    quiz = page(as_trainer, f"{BASE}/quiz")
    add = form_fields(quiz, action=f"{BASE}/quiz/questions")
    add.update(key="uusi-kysymys", type="true_false")
    response = send(as_trainer, f"{BASE}/quiz/questions", add)
    assert response.headers["Location"].endswith("/quiz/questions/uusi-kysymys")
    url = f"{BASE}/quiz/questions/uusi-kysymys"
    fields = form_fields(page(as_trainer, url))
    assert fields["type"] == "true_false" and fields["options-0-key"] == "a"
    fields.update({
        "text_fi": "Avustaja päättää avustettavan asioista.", "text_sv": "Assistenten bestämmer.",
        "options-0-text_fi": "Totta", "options-0-explanation_fi": "Väärin. Avustettava päättää.",
        "options-1-text_fi": "Tarua", "options-1-explanation_fi": "Oikein. Avustettava päättää.",
        "options-1-correct": "y",
    })  # fmt: skip
    send(as_trainer, url, fields)
    question = docs.read_quiz(services.current_files(PART), PART).question("uusi-kysymys")
    assert question.texts["sv"] == "Assistenten bestämmer." and question.texts["en"] == ""
    assert [o.correct for o in question.options] == [False, True]
    # Options: added, moved up (the form only), then saved.
    grown = form_fields(
        send(
            as_trainer, url, form_fields(page(as_trainer, url)) | {"row": "options-add"}, 200
        ).get_data(as_text=True)
    )
    assert grown["options-2-key"] == "c"
    moved = form_fields(
        send(as_trainer, url, grown | {"row": "options-2-up"}, 200).get_data(as_text=True)
    )
    assert [moved[f"options-{i}-key"] for i in range(3)] == ["a", "c", "b"]
    send(as_trainer, url, moved)
    question = docs.read_quiz(services.current_files(PART), PART).question("uusi-kysymys")
    assert [o.key for o in question.options] == ["a", "c", "b"]
    # The question moves up and is removed, each with the fingerprint of the quiz.
    action = form_fields(
        page(as_trainer, f"{BASE}/quiz"), action=f"{BASE}/quiz/questions/uusi-kysymys/move"
    )
    send(as_trainer, f"{BASE}/quiz/questions/uusi-kysymys/move", action | {"direction": "up"})
    keys = [q.key for q in docs.read_quiz(services.current_files(PART), PART).questions]
    assert keys[-2] == "uusi-kysymys"
    action = form_fields(
        page(as_trainer, f"{BASE}/quiz"), action=f"{BASE}/quiz/questions/uusi-kysymys/remove"
    )
    send(as_trainer, f"{BASE}/quiz/questions/uusi-kysymys/remove", action)
    assert docs.read_quiz(services.current_files(PART), PART).question("uusi-kysymys") is None


def test_a_question_error_is_shown_on_the_question(published, as_trainer):
    quiz = docs.read_quiz(services.current_files(PART), PART)
    key = quiz.questions[0].key
    url = f"{BASE}/quiz/questions/{key}"
    fields = form_fields(page(as_trainer, url))
    for name in [n for n in fields if n.endswith("-correct")]:
        del fields[name]
    send(as_trainer, url, fields)
    html = page(as_trainer, url)
    assert "has no correct option" in html
    overview = parse(page(as_trainer, BASE))
    item = overview.with_text("has no correct option")[0].inside("li")
    assert any(a.attrs.get("href") == url for a in item.find_all("a"))


def test_sections_are_added_moved_and_removed(published, as_trainer):
    html = page(as_trainer, BASE)
    add = form_fields(html, action=f"{BASE}/sections")
    send(as_trainer, f"{BASE}/sections", add | {"key": "Väärä avain", "title": "X"}, 422)
    response = send(
        as_trainer, f"{BASE}/sections", add | {"key": "uusi-osio", "title": "Uusi osio"}
    )
    assert response.headers["Location"].endswith("/sections/uusi-osio")
    keys = [s.key for s in docs.read_sections(services.current_files(PART), PART)]
    assert keys[-1] == "uusi-osio"
    move = form_fields(page(as_trainer, BASE), action=f"{BASE}/sections/uusi-osio/move")
    send(as_trainer, f"{BASE}/sections/uusi-osio/move", move | {"direction": "up"})
    after = [s.key for s in docs.read_sections(services.current_files(PART), PART)]
    assert after == keys[:-2] + ["uusi-osio", keys[-2]]
    remove = form_fields(page(as_trainer, BASE), action=f"{BASE}/sections/uusi-osio/remove")
    send(as_trainer, f"{BASE}/sections/uusi-osio/remove", remove)
    assert [s.key for s in docs.read_sections(services.current_files(PART), PART)] == keys[:-1]


def test_glossary_pages_and_surveys_are_edited(published, as_trainer):
    url = f"{BASE}/glossary"
    html = send(
        as_trainer, url, form_fields(page(as_trainer, url)) | {"row": "terms-add"}, 200
    ).get_data(as_text=True)
    fields = form_fields(html)
    n = max(int(k.split("-")[1]) for k in fields if k.startswith("terms-"))
    fields.update({f"terms-{n}-key": "uusi-termi", f"terms-{n}-term_fi": "uusi termi",
                   f"terms-{n}-definition_fi": "Selitys."})  # fmt: skip
    send(as_trainer, url, fields)
    assert docs.read_glossary(services.current_files(PART), PART)[-1].key == "uusi-termi"

    url = "/authoring/pages/kun-tarvitset-apua"
    fields = form_fields(page(as_trainer, url))
    fields["title_sv"] = "När du behöver hjälp nu"
    send(as_trainer, url, fields)
    files = services.current_files("pages/kun-tarvitset-apua")
    assert (
        docs.read_page(files, "pages/kun-tarvitset-apua").texts["sv"].title
        == "När du behöver hjälp nu"
    )
    assert set(store.draft("pages/kun-tarvitset-apua").files) == set(files)

    url = "/authoring/surveys/discussion"
    fields = form_fields(page(as_trainer, url))
    fields["t_title_en"] = "Feedback on the discussion"
    send(as_trainer, url, fields)
    part = "surveys/02-keskustelu.toml"
    assert (
        docs.read_survey(services.current_files(part), part).title["en"]
        == "Feedback on the discussion"
    )


def test_a_survey_is_previewed_from_its_draft(published, as_trainer, trainer):
    url = "/authoring/surveys/discussion"
    fields = form_fields(page(as_trainer, url))
    fields["t_title_en"] = "Feedback on the discussion"
    send(as_trainer, url, fields)
    tree = parse(page(as_trainer, f"{url}/preview?lang=en&width=phone"))
    assert tree.find_all("h1")[0].text() == "Feedback on the discussion"  # the draft's title
    assert "phone" in tree.find_all(class_="preview-frame")[0].attrs["class"]
    survey = services.preview_survey("surveys/02-keskustelu.toml", today=utcnow().date())[0]
    for question in survey.questions:  # every question, as the learner's form has it
        assert tree.find_all(id=f"a-{question.key}") or tree.find_all(
            id=f"a-{question.key}-{question.values[0]}"
        )
    frame = tree.find_all(class_="preview-frame")[0]
    assert not frame.find_all("form")  # nothing can be sent from a preview
    assert frame.find_all("button") and all("disabled" in b.attrs for b in frame.find_all("button"))

    part = "surveys/02-keskustelu.toml"
    store.save_draft(
        part, {part: b'key = "discussion"\ntitle = [1, 2]\n'},
        revision=store.draft(part).revision, author_id=trainer.id, now=utcnow(),
    )  # fmt: skip
    broken = parse(page(as_trainer, f"{url}/preview"))
    assert "02-keskustelu.toml" in broken.text()  # the check names the file
    assert not broken.find_all("fieldset")


def test_two_trainers_at_once_keep_both_texts(app, published, as_trainer, make_user):
    second = other_client(app, make_user(Role.TRAINER, name="Toinen Kouluttaja"))
    url = f"{BASE}/sections/{SECTION_KEY}"
    mine = form_fields(page(as_trainer, url))
    theirs = form_fields(page(second, url))
    theirs["body_fi"] = "Toisen kouluttajan teksti."
    send(second, url, theirs)
    mine["body_fi"] = "Ensimmäisen kouluttajan teksti."
    html = send(as_trainer, url, mine, 409).get_data(as_text=True)
    tree = parse(html)
    assert "Toinen Kouluttaja" in tree.find_all(id="conflict")[0].text()
    assert tree.find_all("textarea", id="body_fi")[0].text() == "Ensimmäisen kouluttajan teksti."
    assert tree.find_all("del") and "Toisen kouluttajan teksti." in " ".join(
        d.text() for d in tree.find_all("del")
    )
    assert "Ensimmäisen kouluttajan teksti." in " ".join(i.text() for i in tree.find_all("ins"))
    assert draft_text(SECTION).endswith("Toisen kouluttajan teksti.\n")  # theirs is kept
    # Saving again is a deliberate choice: the form now carries their fingerprint.
    send(as_trainer, url, form_fields(html))
    assert draft_text(SECTION).endswith("Ensimmäisen kouluttajan teksti.\n")


def test_publish_then_learners_see_it_then_restore(app, published, as_trainer, make_user):
    learner = other_client(app, make_user(Role.ASSISTANT))
    url = f"{BASE}/sections/{SECTION_KEY}"
    fields = form_fields(page(as_trainer, url))
    fields["body_fi"] = "Julkaistu lause selaimesta.\n\n" + fields["body_fi"]
    send(as_trainer, url, fields)
    changes = page(as_trainer, f"{BASE}/changes")
    assert "Julkaistu lause selaimesta." in " ".join(
        i.text() for i in parse(changes).find_all("ins")
    )
    form = form_fields(page(as_trainer, f"{BASE}/publish"))
    send(as_trainer, f"{BASE}/publish", form | {"note": ""}, 422)  # a change note is needed
    response = send(as_trainer, f"{BASE}/publish", form | {"note": "Uusi lause"})
    assert response.headers["Location"].endswith(f"{BASE}/history")
    assert published() == 2
    assert "Julkaistu lause selaimesta." in page(learner, f"/modules/{MODULE}/{SECTION_KEY}")
    history = page(as_trainer, f"{BASE}/history")
    assert "Uusi lause" in history and "Kaisa Kouluttaja" in history
    restore = form_fields(history, action=f"{BASE}/history/1/restore")
    send(as_trainer, f"{BASE}/history/1/restore", restore)
    assert "Julkaistu lause selaimesta." not in draft_text(SECTION)
    form = form_fields(page(as_trainer, f"{BASE}/publish"))
    send(as_trainer, f"{BASE}/publish", form | {"note": "Takaisin"})
    assert published() == 3
    assert "Julkaistu lause selaimesta." not in page(learner, f"/modules/{MODULE}/{SECTION_KEY}")


def test_the_preview_uses_the_learners_templates_from_the_draft(published, as_trainer):
    url = f"{BASE}/sections/{SECTION_KEY}"
    fields = form_fields(page(as_trainer, url))
    fields["body_fi"] = "Esikatselun lause.\n\n" + fields["body_fi"]
    send(as_trainer, url, fields)
    html = page(as_trainer, f"{BASE}/preview/{SECTION_KEY}?width=phone")
    frame = parse(html).find_all("div", class_="preview-frame")[0]
    assert "phone" in frame.attrs["class"].split()
    assert frame.find_all("article", class_="section-text")  # the learners' section markup
    assert "Esikatselun lause." in frame.text()
    sv = parse(page(as_trainer, f"{BASE}/preview/{SECTION_KEY}?lang=sv"))
    assert sv.find_all("div", class_="preview-frame")[0].attrs["lang"] == "sv"
    assert "Esikatselun lause." not in page(as_trainer, f"/modules/{MODULE}/{SECTION_KEY}")
    for extra in ("", "/quiz"):
        assert page(as_trainer, f"{BASE}/preview{extra}")


@pytest.mark.parametrize("kind", ["modules", "pages", "surveys"])
def test_discarding_a_draft(published, as_trainer, kind):
    key = {"modules": MODULE, "pages": "kun-tarvitset-apua", "surveys": "discussion"}[kind]
    url = {
        "modules": f"{BASE}/texts",
        "pages": f"/authoring/pages/{key}",
        "surveys": f"/authoring/surveys/{key}",
    }[kind]
    fields = form_fields(page(as_trainer, url))
    name = {"modules": "title_en", "pages": "title_en", "surveys": "t_title_en"}[kind]
    fields[name] = "Changed"
    send(as_trainer, url, fields)
    info = services.find_part(kind, key)
    assert store.draft(info.part) is not None
    publish = page(as_trainer, f"/authoring/{kind}/{key}/publish")
    send(
        as_trainer,
        f"/authoring/{kind}/{key}/discard",
        form_fields(publish, action=f"/authoring/{kind}/{key}/discard"),
    )
    assert store.draft(info.part) is None
