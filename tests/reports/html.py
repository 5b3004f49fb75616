"""Reading pages as a person would: the cells of a table, the links in them, an SVG chart."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser


@dataclass
class Cell:
    """A table cell's visible text (hidden helper text left out) and its links."""

    text: str = ""
    links: list[str] = field(default_factory=list)


class _Tables(HTMLParser):
    def __init__(self, selector: str) -> None:
        super().__init__(convert_charrefs=True)
        self.selector = selector
        self.depth = 0  # >0 inside the wanted table
        self.hidden = 0
        self.rows: list[list[Cell]] = []
        self.cell: Cell | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if tag == "table" and (
            self.depth or self.selector in classes or a.get("id") == self.selector
        ):
            self.depth += 1
        if not self.depth:
            return
        if "visually-hidden" in classes or self.hidden and tag == "span":
            self.hidden += 1
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self.cell = Cell()
            self.rows[-1].append(self.cell)
        elif tag == "a" and self.cell is not None:
            self.cell.links.append(unescape(a.get("href", "")))

    def handle_endtag(self, tag):
        if not self.depth:
            return
        if tag == "span" and self.hidden:
            self.hidden -= 1
        if tag in ("td", "th") and self.cell is not None:
            self.cell.text = " ".join(self.cell.text.split())
            self.cell = None
        if tag == "table":
            self.depth -= 1

    def handle_data(self, data):
        if self.cell is not None and not self.hidden:
            self.cell.text += data


def table_rows(html: str, selector: str) -> list[list[Cell]]:
    """The rows of the table with this class or id, each a list of cells."""
    parser = _Tables(selector)
    parser.feed(html)
    return [row for row in parser.rows if row]


def row_of(html: str, selector: str, first_cell: str) -> list[Cell]:
    """The row whose first cell reads ``first_cell``."""
    rows = [r for r in table_rows(html, selector) if r[0].text == first_cell]
    assert rows, (
        f"no row {first_cell!r} in {selector}: {[r[0].text for r in table_rows(html, selector)]}"
    )
    return rows[0]


@dataclass(frozen=True)
class Chart:
    """What an SVG chart says: its accessible name and description, visible texts, bars."""

    svg: str
    title: str
    desc: str
    labelledby: list[str]
    labels: list[str]
    values: list[str]
    ticks: list[str]
    bar_widths: list[float]


def charts(html: str) -> list[Chart]:
    """Every ``svg.chart`` on the page."""
    found = []
    for svg in re.findall(r'<svg class="chart".*?</svg>', html, flags=re.S):

        def texts(cls: str, svg: str = svg) -> list[str]:
            return [
                unescape(" ".join(t.split()))
                for t in re.findall(rf'<text class="{cls}"[^>]*>(.*?)</text>', svg, flags=re.S)
            ]

        title = re.search(r'<title id="([^"]+)">(.*?)</title>', svg, flags=re.S)
        desc = re.search(r'<desc id="([^"]+)">(.*?)</desc>', svg, flags=re.S)
        labelledby = re.search(r'aria-labelledby="([^"]+)"', svg)
        found.append(
            Chart(
                svg=svg,
                title=unescape(title.group(2)) if title else "",
                desc=unescape(" ".join(desc.group(2).split())) if desc else "",
                labelledby=(labelledby.group(1).split() if labelledby else []),
                labels=texts("label"),
                values=texts("value"),
                ticks=texts("tick"),
                bar_widths=[
                    float(w) for w in re.findall(r'<rect class="bar"[^>]*width="([\d.]+)"', svg)
                ],
            )
        )
    return found
