"""Videos in the editor: uploads checked by their bytes (a renamed program, an SVG, an HTML
page, an empty and an over-size file are refused with a message naming the file), safe
stored names, captions required to publish, video blocks added to sections (uploaded files
and YouTube / Vimeo addresses), files in use kept, and the files served with range requests
to those allowed to see them: the draft's to editors, the published ones to learners.

The trainer here reads the interface in English, so the messages are the ones in the code.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from elearn.accounts.models import Role
from elearn.authoring import mediafiles, services
from elearn.content import media as sniffing
from elearn.contentstore import services as store
from elearn.core.time import utcnow
from elearn.courses.services import get_course
from tests.authoring.conftest import MODULE, PART, SECTION, SECTION_KEY, hidden_fields
from tests.authoring.test_views import other_client
from tests.htmltree import parse

FIXTURES = Path(__file__).parent / "fixtures"
WEBM = (FIXTURES / "tiny.webm").read_bytes()
MP4 = (FIXTURES / "tiny.mp4").read_bytes()
BASE = f"/authoring/modules/{MODULE}"
MEDIA = f"{BASE}/media"
VTT = "WEBVTT\n\n00:00.000 --> 00:01.000\nHei, tämä on tekstitys.\n"
SHIPPED_VIDEO = "tyonantajamalli-lyhyesti.webm"
TITLE = "Avustettava on työnantajasi"  # the section that shows it, in Finnish


@pytest.fixture
def trainer(make_user):
    """A trainer who reads the interface in English."""
    return make_user(Role.TRAINER, name="Tiina Trainer", language="en")


@pytest.fixture
def editor(login_as, trainer):
    return login_as(trainer)


def token(client) -> str:
    return hidden_fields(client.get(MEDIA).get_data(as_text=True))["csrf_token"]


def upload(client, url: str, field: str, data: bytes, name: str, **fields):
    body = {"csrf_token": token(client), field: (io.BytesIO(data), name), **fields}
    return client.post(url, data=body, content_type="multipart/form-data")


def draft_files() -> dict[str, str]:
    found = store.draft(PART)
    return dict(found.files) if found is not None else {}


def draft_media() -> dict[str, bytes]:
    prefix = f"{PART}/media/"
    return {
        p[len(prefix) :]: store.blob(d) for p, d in draft_files().items() if p.startswith(prefix)
    }


def error_at(html: str, field_id: str) -> str:
    """The error shown at a field, checked to be tied to it."""
    field = parse(html).find_all(id=field_id)[0]
    assert field.attrs.get("aria-invalid") == "true"
    assert f"{field_id}-error" in (field.attrs.get("aria-describedby") or "")
    return parse(html).find_all(id=f"{field_id}-error")[0].text()


def insert(client, **fields):
    data = {
        "csrf_token": token(client),
        "section": SECTION_KEY,
        "source": "file",
        "video": "",
        "address": "",
        "title_fi": "Pieni video",
        "title_sv": "",
        "title_en": "A small video",
        "duration": "0:01",
        "transcript": "",
        **fields,
    }
    return client.post(f"{MEDIA}/insert", data=data)


def publish_form(client, status: int):
    data = {
        "csrf_token": token(client),
        "note": "Video",
        "revision": str(store.draft(PART).revision),
        "confirm": "y",
    }
    response = client.post(f"{BASE}/publish", data=data)
    assert response.status_code == status, response.get_data(as_text=True)[-3000:]
    return response


# ---------------------------------------------------------------------------- the page


def test_the_page_lists_videos_their_captions_and_the_sections_using_them(published, editor):
    html = editor.get(MEDIA).get_data(as_text=True)
    tree = parse(html)
    videos = tree.find_all("section", id="media-videos")[0].text()
    assert f"media/{SHIPPED_VIDEO}" in videos
    for lang in ("fi", "sv", "en"):
        assert f"tyonantajamalli-lyhyesti.{lang}.vtt" in videos
    assert f"Used in: {TITLE} (fi, sv, en)" in videos
    assert "kB" in videos  # sizes
    block = tree.find_all("section", id="media-blocks")[0].text()
    assert "Työnantajamalli lyhyesti" in block and f"media/{SHIPPED_VIDEO}" in block
    # A used file has no remove button; it says why.
    files = tree.find_all("section", id="media-files")[0]
    assert "first remove the video from these sections" in files.text()
    assert not [f for f in files.find_all("form") if SHIPPED_VIDEO in f.attrs.get("action", "")]


# ---------------------------------------------------------------------------- uploads


def test_a_webm_video_is_saved_in_the_draft_under_a_safe_name(published, editor):
    response = upload(editor, f"{MEDIA}/videos", "video_file", WEBM, "Pieni Työvideo.webm")
    assert response.status_code == 302
    assert draft_media()["pieni-tyovideo.webm"] == WEBM
    assert store.latest_number() == 1  # learners see nothing new yet
    html = editor.get(response.location).get_data(as_text=True)
    assert "saved in the draft as media/pieni-tyovideo.webm" in html
    captions = parse(html).find_all("section", id="media-videos")[0].text()
    assert "missing: required before publishing" in captions
    # The same name again is a new file, never an overwrite.
    assert (
        upload(editor, f"{MEDIA}/videos", "video_file", WEBM, "pieni työvideo.webm").status_code
        == 302
    )
    assert {"pieni-tyovideo.webm", "pieni-tyovideo-2.webm"} <= set(draft_media())


def test_an_mp4_is_named_for_what_it_is_not_what_it_is_called(published, editor):
    assert upload(editor, f"{MEDIA}/videos", "video_file", MP4, "clip.webm").status_code == 302
    assert draft_media()["clip.mp4"] == MP4
    assert "clip.webm" not in draft_media()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        (
            "video.webm",
            b"\x7fELF\x02\x01\x01" + bytes(200),
            "“video.webm” is a program (an executable file).",
        ),
        (
            "setup.webm",
            b"MZ\x90\x00" + bytes(200),
            "“setup.webm” is a program (an executable file).",
        ),
        (
            "kuva.mp4",
            b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "“kuva.mp4” is an SVG image.",
        ),
        (
            "sivu.webm",
            b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>",
            "“sivu.webm” is a web page (HTML).",
        ),
        ("sivu.html", b"<html><head></head></html>", "“sivu.html” is a web page (HTML)."),
        ("tyhja.mp4", b"", "“tyhja.mp4” is empty."),
        ("kuva.webm", b"\x89PNG\r\n\x1a\n" + bytes(100), "“kuva.webm” is not a WebM or MP4 video."),
        (
            "mkv.webm",
            WEBM.replace(b"\x42\x82\x84webm", b"\x42\x82\x88matroska"),
            "is a Matroska (MKV) video",
        ),
        (
            "aani.mp4",
            MP4[:8] + b"M4A " + MP4[12:16] + b"M4A " * 4 + MP4[32:],
            "“aani.mp4” is not a WebM or MP4 video.",
        ),
    ],
)
def test_what_is_not_a_video_is_refused_with_a_message_naming_it(
    published, editor, name, data, message
):
    response = upload(editor, f"{MEDIA}/videos", "video_file", data, name)
    assert response.status_code == 422
    shown = error_at(response.get_data(as_text=True), "video_file")
    assert message in shown and "Upload a WebM or MP4 video. Nothing was saved." in shown
    assert store.draft(PART) is None


def test_an_over_size_file_is_refused_naming_the_file_and_the_limit(
    published, editor, app, monkeypatch
):
    monkeypatch.setitem(app.config, "ELEARN_MEDIA_MAX_BYTES", 2048)
    big = WEBM + bytes(3000)  # a real WebM, too large
    response = upload(editor, f"{MEDIA}/videos", "video_file", big, "iso.webm")
    assert response.status_code == 422
    shown = error_at(response.get_data(as_text=True), "video_file")
    assert "“iso.webm” is 3.5 kB, larger than the limit of 2 kB." in shown
    # Far beyond the limit the request itself is refused before it is read: the same page,
    # the limit at the field (not a bare error).
    response = upload(editor, f"{MEDIA}/videos", "video_file", bytes(500_000), "valtava.webm")
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert "The file is larger than the limit of 2 kB." in error_at(html, "video_file")
    assert "<h1>Videos and captions</h1>" in html
    assert store.draft(PART) is None


def test_other_forms_keep_the_apps_own_limit(published, editor, app):
    big = "x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = editor.post(f"{MEDIA}/insert", data={"csrf_token": token(editor), "title_fi": big})
    assert response.status_code == 413


def test_a_path_in_the_name_is_not_followed(published, editor, app):
    for name in (
        "../../../elearn/static/evil.webm",
        "..\\..\\sections\\01-x.md.webm",
        "/etc/passwd",
    ):
        assert upload(editor, f"{MEDIA}/videos", "video_file", WEBM, name).status_code == 302
    added = {p for p in draft_files() if p not in store.latest().manifest}
    assert len(added) == 3
    # Folders are dropped (a browser sends none; the backslashes here are read as escapes).
    assert all(re.fullmatch(rf"{PART}/media/[a-z0-9-]+\.webm", p) for p in added), added
    assert {f"{PART}/media/evil.webm", f"{PART}/media/passwd.webm"} < added
    assert not (Path(app.root_path) / "static" / "evil.webm").exists()


def test_captions_are_checked_and_named_after_their_video(published, editor):
    upload(editor, f"{MEDIA}/videos", "video_file", WEBM, "klippi.webm")
    url = f"{MEDIA}/captions"
    refused = [
        (b"<!doctype html><p>Hei</p>", "“k.vtt” is a web page (HTML)."),
        (
            b"1\n00:00:00,000 --> 00:00:01,000\nSRT\n",
            "“k.vtt” is not WebVTT captions: the file must begin with WEBVTT.",
        ),
        (b"WEBVTT\n\nNOTE vain huomautus\n", "“k.vtt” has no captions"),
        (b"WEBVTT\n\n00:00.000 --> 00:01.000\n\xff\xfe\n", "“k.vtt” is not UTF-8 text."),
        (b"\x7fELF" + bytes(50), "“k.vtt” is a program"),
    ]
    for data, message in refused:
        response = upload(
            editor,
            url,
            "captions_file",
            data,
            "k.vtt",
            captions_video="klippi.webm",
            captions_language="fi",
        )
        assert response.status_code == 422
        shown = error_at(response.get_data(as_text=True), "captions_file")
        assert message in shown and "Upload WebVTT captions (a .vtt file)." in shown
    assert "klippi.fi.vtt" not in draft_media()
    bom = "\ufeff" + VTT
    response = upload(
        editor,
        url,
        "captions_file",
        bom.encode(),
        "whatever.txt",
        captions_video="klippi.webm",
        captions_language="sv",
    )
    assert response.status_code == 302
    assert draft_media()["klippi.sv.vtt"] == bom.encode()
    # Captions for a video the module does not have are refused at the field.
    response = upload(
        editor,
        url,
        "captions_file",
        VTT.encode(),
        "k.vtt",
        captions_video="ei-ole.webm",
        captions_language="fi",
    )
    assert response.status_code == 422 and "Choose one of this module's videos." in error_at(
        response.get_data(as_text=True), "captions_video"
    )


def test_long_cues_are_accepted_with_a_warning(published, editor):
    upload(editor, f"{MEDIA}/videos", "video_file", WEBM, "klippi.webm")
    long = "WEBVTT\n\n00:00.000 --> 00:01.000\n" + "pitkä " * 20 + "\n"
    response = upload(
        editor,
        f"{MEDIA}/captions",
        "captions_file",
        long.encode(),
        "k.vtt",
        captions_video="klippi.webm",
        captions_language="fi",
    )
    assert response.status_code == 302
    html = editor.get(response.location).get_data(as_text=True)
    assert "1 cues are longer than two lines of 42 characters" in html


def test_a_transcript_must_be_markdown_text(published, editor):
    url = f"{MEDIA}/transcripts"
    for data, message in [
        (b"<html><body>x</body></html>", "is a web page (HTML)."),
        (b"<svg></svg>", "is an SVG image."),
        (b"   \n", "is empty."),
        (b"\xff\xfe\x00", "is not UTF-8 text."),
    ]:
        response = upload(
            editor, url, "transcript_file", data, "teksti.md", transcript_language="fi"
        )
        assert response.status_code == 422
        assert message in error_at(response.get_data(as_text=True), "transcript_file")
    response = upload(
        editor,
        url,
        "transcript_file",
        "# Tekstiversio\n\nKaikki mitä sanotaan.".encode(),
        "Osallistuminen.transcript.md",
        transcript_language="fi",
    )
    assert response.status_code == 302
    response = upload(
        editor,
        url,
        "transcript_file",
        "Allt som sägs.".encode(),
        "osallistuminen.md",
        transcript_language="sv",
    )
    assert response.status_code == 302
    assert {"osallistuminen.transcript.md", "osallistuminen.transcript.sv.md"} <= set(draft_media())


def test_a_replacement_keeps_the_name_and_must_be_of_the_same_type(published, editor):
    upload(editor, f"{MEDIA}/videos", "video_file", WEBM, "klippi.webm")
    sha = draft_files()[f"{PART}/media/klippi.webm"]
    url = f"{MEDIA}/replace"
    response = upload(
        editor, url, "replacement_file", MP4, "uusi.mp4", replace=f"klippi.webm@{sha}"
    )
    assert response.status_code == 422
    assert "“uusi.mp4” is a MP4 video, but the file it replaces is WEBM." in error_at(
        response.get_data(as_text=True), "replacement_file"
    )
    other = WEBM + b"\x00"  # still a WebM by its bytes
    response = upload(
        editor, url, "replacement_file", other, "uusi.webm", replace=f"klippi.webm@{sha}"
    )
    assert response.status_code == 302
    assert draft_media()["klippi.webm"] == other
    # A form opened before that replacement is told the file changed.
    response = upload(editor, url, "replacement_file", WEBM, "x.webm", replace=f"klippi.webm@{sha}")
    assert response.status_code == 422
    assert "Another trainer changed this file" in response.get_data(as_text=True)


# ---------------------------------------------------------------------------- removing


def test_a_file_a_section_uses_cannot_be_removed(published, editor):
    page = editor.get(MEDIA).get_data(as_text=True)
    for name in (SHIPPED_VIDEO, "tyonantajamalli-lyhyesti.en.vtt"):
        response = editor.post(
            f"{MEDIA}/files/{name}/remove", data={"csrf_token": token(editor), "base": ""}
        )
        assert response.status_code == 302
        html = editor.get(response.location).get_data(as_text=True)
        assert f"“{name}” is used in “{TITLE}” (fi, sv, en)." in html
        assert "the file was not removed" in html
    assert store.draft(PART) is None
    # An unused one goes, with the fingerprint the page showed of it.
    script = "tyonantajamalli-lyhyesti.slides.toml"
    forms = [
        f
        for f in parse(page).find_all("form")
        if f.attrs.get("action", "").endswith(f"/{script}/remove")
    ]
    base = next(
        i.attrs["value"] for i in forms[0].find_all("input") if i.attrs.get("name") == "base"
    )
    response = editor.post(
        f"{MEDIA}/files/{script}/remove", data={"csrf_token": token(editor), "base": base}
    )
    assert response.status_code == 302
    assert script not in draft_media() and SHIPPED_VIDEO in draft_media()
    assert (
        editor.post(
            f"{MEDIA}/files/ei-ole.webm/remove", data={"csrf_token": token(editor)}
        ).status_code
        == 404
    )


# ---------------------------------------------------------------------------- sections


def test_a_video_without_captions_cannot_be_published(
    published, editor, trainer, make_user, login_as, app
):
    upload(editor, f"{MEDIA}/videos", "video_file", WEBM, "klippi.webm")
    response = insert(editor, video="klippi.webm")
    assert response.status_code == 302
    html = editor.get(response.location).get_data(as_text=True)
    assert "The video has no Finnish captions yet" in html
    section = store.blob(draft_files()[SECTION]).decode()
    assert section.endswith(
        '```video\nprovider = "file"\nsrc = "media/klippi.webm"\ncaptions = "media/klippi.fi.vtt"\n'
        'title = "Pieni video"\nduration = "0:01"\n```\n'
    )
    sv = store.blob(draft_files()[SECTION.replace(".md", ".sv.md")]).decode()
    assert 'captions = "media/klippi.sv.vtt"\ntitle = "Pieni video"' in sv  # Finnish title
    en = store.blob(draft_files()[SECTION.replace(".md", ".en.md")]).decode()
    assert 'title = "A small video"' in en
    # The problem is shown at the video on the media page ...
    tree = parse(editor.get(MEDIA).get_data(as_text=True))
    blocks = [
        li
        for li in tree.find_all("li", class_="row-box")
        if "klippi.webm" in li.text() and li.find_all("ul", class_="findings")
    ]
    assert blocks and "captions file 'media/klippi.fi.vtt' does not exist" in blocks[0].text()
    # ... the service refuses to publish ...
    draft = store.draft(PART)
    with pytest.raises(store.InvalidContent) as refused:
        services.publish(
            PART, note="x", revision=draft.revision, confirmed=True, actor_id=trainer.id,
            now=utcnow(), today=utcnow().date(),
        )  # fmt: skip
    assert any("klippi.fi.vtt" in p.message for p in refused.value.problems)
    # ... and so does the publish form.
    publish_form(editor, 422)
    assert store.latest_number() == 1
    # With Finnish captions it is published, and a learner gets the video with its track.
    upload(
        editor,
        f"{MEDIA}/captions",
        "captions_file",
        VTT.encode(),
        "k.vtt",
        captions_video="klippi.webm",
        captions_language="fi",
    )
    publish_form(editor, 302)
    assert published() == 2
    learner = other_client(app, make_user(Role.ASSISTANT))
    html = learner.get(f"/modules/{MODULE}/{SECTION_KEY}").get_data(as_text=True)
    video = [
        v for v in parse(html).find_all("video") if "klippi" in str(v.find_all("source")[0].attrs)
    ]
    assert video, "the learner does not get the video"
    source = video[0].find_all("source")[0].attrs
    track = video[0].find_all("track")[0].attrs
    assert (
        source["src"] == f"/modules/{MODULE}/media/media/klippi.webm"
        and source["type"] == "video/webm"
    )
    assert (
        track["src"] == f"/modules/{MODULE}/media/media/klippi.fi.vtt"
        and track["kind"] == "captions"
    )
    assert learner.get(source["src"]).data == WEBM


def test_a_youtube_or_vimeo_video_needs_a_recognised_address_and_a_transcript(published, editor):
    response = insert(editor, source="link", address="https://example.com/watch?v=dQw4w9WgXcQ")
    assert response.status_code == 422
    assert "is not a YouTube or Vimeo video address" in error_at(
        response.get_data(as_text=True), "address"
    )
    response = insert(editor, source="link", address="https://youtu.be/dQw4w9WgXcQ")
    assert response.status_code == 422
    assert "needs a transcript" in error_at(response.get_data(as_text=True), "transcript")
    upload(
        editor,
        f"{MEDIA}/transcripts",
        "transcript_file",
        "Kaikki mitä sanotaan.".encode(),
        "haastattelu.md",
        transcript_language="fi",
    )
    upload(
        editor,
        f"{MEDIA}/transcripts",
        "transcript_file",
        b"Everything said.",
        "haastattelu.md",
        transcript_language="en",
    )
    response = insert(
        editor,
        source="link",
        address="https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=5",
        transcript="haastattelu.transcript.md",
    )
    assert response.status_code == 302
    files = draft_files()
    fi = store.blob(files[SECTION]).decode()
    assert fi.endswith(
        '```video\nprovider = "youtube"\nid = "dQw4w9WgXcQ"\ntitle = "Pieni video"\n'
        'duration = "0:01"\ntranscript = "media/haastattelu.transcript.md"\n```\n'
    )
    en = store.blob(files[SECTION.replace(".md", ".en.md")]).decode()
    assert 'transcript = "media/haastattelu.transcript.en.md"' in en
    check = services.check(PART, today=utcnow().date())
    assert not check.errors, check.errors


def test_the_duration_and_section_are_checked(published, editor):
    response = insert(editor, video=SHIPPED_VIDEO, duration="90 s")
    assert "Write the duration as minutes:seconds" in error_at(
        response.get_data(as_text=True), "duration"
    )
    response = insert(editor, video=SHIPPED_VIDEO, section="ei-ole")
    assert "Choose one of this module's sections." in error_at(
        response.get_data(as_text=True), "section"
    )
    response = insert(editor, video="ei-ole.webm")
    assert "Choose one of this module's videos" in error_at(
        response.get_data(as_text=True), "video"
    )
    assert store.draft(PART) is None


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("https://youtu.be/dQw4w9WgXcQ", ("youtube", "dQw4w9WgXcQ")),
        ("https://youtu.be/dQw4w9WgXcQ?t=42", ("youtube", "dQw4w9WgXcQ")),
        ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", ("youtube", "dQw4w9WgXcQ")),
        ("http://youtube.com/watch?feature=share&v=dQw4w9WgXcQ", ("youtube", "dQw4w9WgXcQ")),
        ("https://m.youtube.com/watch?v=dQw4w9WgXcQ", ("youtube", "dQw4w9WgXcQ")),
        ("www.youtube.com/watch?v=dQw4w9WgXcQ", ("youtube", "dQw4w9WgXcQ")),
        ("https://www.youtube.com/embed/dQw4w9WgXcQ", ("youtube", "dQw4w9WgXcQ")),
        ("https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?rel=0", ("youtube", "dQw4w9WgXcQ")),
        ("https://www.youtube.com/shorts/dQw4w9WgXcQ", ("youtube", "dQw4w9WgXcQ")),
        ("https://vimeo.com/76979871", ("vimeo", "76979871")),
        ("https://vimeo.com/channels/staffpicks/76979871", ("vimeo", "76979871")),
        ("https://player.vimeo.com/video/76979871", ("vimeo", "76979871")),
        ("  https://player.vimeo.com/video/76979871?h=abc  ", ("vimeo", "76979871")),
        ("https://www.youtube.com/watch?v=short", None),
        ("https://www.youtube.com/watch?v=dQw4w9WgXcQ&v=aaaaaaaaaaa", None),
        ("https://www.youtube-nocookie.com/watch?v=dQw4w9WgXcQ", None),
        ("https://youtube.com.example.com/watch?v=dQw4w9WgXcQ", None),
        ("https://example.com/youtu.be/dQw4w9WgXcQ", None),
        ("https://user@youtu.be/dQw4w9WgXcQ", None),
        ("https://youtu.be:8443/dQw4w9WgXcQ", None),
        ("ftp://youtu.be/dQw4w9WgXcQ", None),
        ("javascript:alert(1)//youtu.be/dQw4w9WgXcQ", None),
        ("https://vimeo.com/abc", None),
        ("https://vimeo.com/76979871/1a2b3c4d5e", None),
        ("https://player.vimeo.com/76979871", None),
        ("", None),
    ],
)
def test_youtube_and_vimeo_addresses(address, expected):
    found = sniffing.parse_video_url(address)
    assert ((found.provider, found.id) if found else None) == expected


def test_file_types_are_told_by_their_bytes():
    assert sniffing.sniff(WEBM) == "webm" and sniffing.webm_doctype(WEBM) == "webm"
    assert sniffing.sniff(MP4) == "mp4" and sniffing.mp4_brands(MP4)[0] == b"mp42"
    shipped = get_course().module(MODULE).videos[0]
    clip = (get_course().module(MODULE).path / shipped.src).read_bytes()
    assert sniffing.sniff(clip) == "webm"
    assert sniffing.sniff(b"\x1a\x45\xdf\xa3") == "other"  # an EBML magic and nothing else
    assert sniffing.sniff(b"#!/bin/sh\nrm -rf /\n") == "executable"
    assert sniffing.sniff((FIXTURES / "tiny.mp4").read_bytes()[:4] + b"MZ") == "other"
    assert sniffing.check_transcript(b"MZ-alueella puhutaan ruotsia.") is None
    assert sniffing.sniff(b"\xef\xbb\xbf  <svg/>") == "svg"
    assert sniffing.sniff(b"Hello <script>x</script>") == "html"
    assert sniffing.sniff(b"WEBVTT\n") == "other"


# ---------------------------------------------------------------------------- serving


def test_published_media_answer_range_requests_for_a_signed_in_learner(
    published, client, make_user, login_as
):
    module = get_course().module(MODULE)
    video = module.videos[0]
    url = f"/modules/{MODULE}/media/{video.src}"
    assert client.get(url).status_code == 302  # anonymous: to the login page
    assert "/login" in client.get(url).location
    login_as(make_user(Role.ASSISTANT))
    size = (module.path / video.src).stat().st_size
    response = client.get(url, headers={"Range": "bytes=0-99"})
    assert response.status_code == 206
    assert len(response.data) == 100
    assert response.headers["Content-Range"] == f"bytes 0-99/{size}"
    assert response.headers["Accept-Ranges"] == "bytes"
    assert response.data == (module.path / video.src).read_bytes()[:100]


def test_draft_media_are_served_to_editors_with_ranges(published, editor):
    upload(editor, f"{MEDIA}/videos", "video_file", WEBM, "klippi.webm")
    url = f"{BASE}/files/media/klippi.webm"
    response = editor.get(url, headers={"Range": "bytes=0-99"})
    assert response.status_code == 206 and response.data == WEBM[:100]
    assert response.headers["Content-Range"] == f"bytes 0-99/{len(WEBM)}"
    assert response.headers["Content-Type"] == "video/webm"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert editor.get(url).data == WEBM
    # Only the module's videos and captions, nothing else of the draft.
    for other in (
        "media/tyonantajamalli-lyhyesti.slides.toml",
        "module.toml",
        "media/../module.toml",
        "media/ei-ole.webm",
    ):
        assert editor.get(f"{BASE}/files/{other}").status_code == 404, other
    captions = editor.get(f"{BASE}/files/media/tyonantajamalli-lyhyesti.fi.vtt")
    assert captions.status_code == 200 and captions.headers["Content-Type"].startswith("text/vtt")


def test_the_preview_plays_the_drafts_video(published, editor):
    upload(editor, f"{MEDIA}/videos", "video_file", WEBM, "klippi.webm")
    upload(
        editor,
        f"{MEDIA}/captions",
        "captions_file",
        VTT.encode(),
        "k.vtt",
        captions_video="klippi.webm",
        captions_language="fi",
    )
    insert(editor, video="klippi.webm")
    html = editor.get(f"{BASE}/preview/{SECTION_KEY}").get_data(as_text=True)
    sources = [s.attrs["src"] for s in parse(html).find_all("source")]
    assert f"{BASE}/files/media/klippi.webm" in sources
    tracks = [t.attrs["src"] for t in parse(html).find_all("track")]
    assert f"{BASE}/files/media/klippi.fi.vtt" in tracks
    for src in (*sources, *tracks):
        assert editor.get(src).status_code == 200, src


def test_learners_and_supervisors_get_404_on_every_media_address(published, app, make_user, client):
    urls = [
        ("GET", MEDIA), ("GET", f"{BASE}/files/media/{SHIPPED_VIDEO}"),
        ("POST", f"{MEDIA}/videos"), ("POST", f"{MEDIA}/captions"), ("POST", f"{MEDIA}/transcripts"),
        ("POST", f"{MEDIA}/replace"), ("POST", f"{MEDIA}/files/{SHIPPED_VIDEO}/remove"),
        ("POST", f"{MEDIA}/insert"),
    ]  # fmt: skip
    assert {r.endpoint for r in app.url_map.iter_rules() if r.rule.startswith(("/authoring/modules/<module_key>/media", "/authoring/modules/<module_key>/files"))} == {
        "authoring.media", "authoring.media_file", "authoring.media_upload_video",
        "authoring.media_upload_captions", "authoring.media_upload_transcript",
        "authoring.media_replace", "authoring.media_remove", "authoring.media_insert",
    }  # fmt: skip
    for method, url in urls:
        assert client.open(url, method=method).status_code in (302, 400), url  # to log in
    for role in (Role.ASSISTANT, Role.SUPERVISOR):
        other = other_client(app, make_user(role))
        csrf = other.csrf_token()
        for method, url in urls:
            data = (
                {"csrf_token": csrf, "video_file": (io.BytesIO(WEBM), "x.webm")}
                if method == "POST"
                else None
            )
            assert other.open(url, method=method, data=data).status_code == 404, (role, url)
    assert store.draft(PART) is None


def test_the_size_limit_is_a_setting(app):
    assert app.config["ELEARN_MEDIA_MAX_BYTES"] == 200 * 1024 * 1024
    with app.test_request_context():
        assert mediafiles.size_text(200 * 1024 * 1024) == "200 MB"


def test_an_uploaded_videos_transcript_is_its_text_version(published, editor):
    upload(editor, f"{MEDIA}/videos", "video_file", WEBM, "klippi.webm")
    upload(
        editor, f"{MEDIA}/captions", "captions_file", VTT.encode(), "k.vtt",
        captions_video="klippi.webm", captions_language="fi",
    )  # fmt: skip
    upload(
        editor, f"{MEDIA}/transcripts", "transcript_file",
        b"Kuvassa on **musta ruutu**; kukaan ei puhu.", "klippi.md",
        transcript_language="fi",
    )  # fmt: skip
    assert insert(editor, video="klippi.webm", transcript="klippi.transcript.md").status_code == 302
    assert (
        'transcript = "media/klippi.transcript.md"' in store.blob(draft_files()[SECTION]).decode()
    )
    assert not services.check(PART, today=utcnow().date()).errors
    html = editor.get(f"{BASE}/preview/{SECTION_KEY}?lang=fi").get_data(as_text=True)
    figure = [
        f
        for f in parse(html).find_all("figure")
        if any("klippi" in (s.attrs.get("src") or "") for s in f.find_all("source"))
    ]
    assert "musta ruutu" in figure[0].text()  # the transcript, not the captions
    assert "Hei, tämä on tekstitys." not in figure[0].text()
    assert "<strong>musta ruutu</strong>" in html  # Markdown, through the sanitiser
