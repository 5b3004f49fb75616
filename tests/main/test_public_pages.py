"""Public pages: a self-hosted icon (also at /favicon.ico) and a description in the page's
language for search results and shared links."""

from __future__ import annotations

import pytest

from tests.htmltree import parse


def test_favicon_is_served_from_the_app(client):
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200
    assert icon.mimetype == "image/vnd.microsoft.icon"
    assert icon.data[:4] == b"\x00\x00\x01\x00"  # an ICO file
    svg = client.get("/static/favicon.svg")
    assert svg.status_code == 200 and b"<svg" in svg.data


def test_every_page_names_its_self_hosted_icon(client):
    head = parse(client.get("/login").get_data(as_text=True)).find_all("head")[0]
    icons = [link.attrs["href"] for link in head.find_all("link", rel="icon")]
    assert icons == ["/static/favicon.svg", "/favicon.ico"]


@pytest.mark.parametrize(
    ("url", "finnish", "swedish"),
    [
        (
            "/login",
            "Kirjaudu henkilökohtaisten avustajien",
            "Logga in på introduktionsutbildningen",
        ),
        ("/accessibility", "saavutettavuusseloste", "Tillgänglighetsutlåtande"),
        ("/verify", "Tarkista tarkistuskoodilla", "Kontrollera med verifieringskoden"),
    ],
)
def test_public_pages_describe_themselves_in_the_pages_language(client, url, finnish, swedish):
    def description():
        head = parse(client.get(url).get_data(as_text=True)).find_all("head")[0]
        (meta,) = head.find_all("meta", name="description")
        return meta.attrs["content"]

    assert finnish in description()
    client.post_form("/language", {"language": "sv", "next": url})
    assert swedish in description()


def test_other_pages_have_no_empty_description(client):
    html = client.get("/password-reset").get_data(as_text=True)
    assert 'name="description"' not in html
