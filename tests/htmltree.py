"""A small HTML tree for tests that ask where something is on a page: inside which element,
in which language (the nearest ``lang``), folded in a closed ``<details>`` or not."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}  # fmt: skip


@dataclass(eq=False)
class Node:
    tag: str
    attrs: dict[str, str | None]
    parent: Node | None = None
    children: list[Node | str] = field(default_factory=list)

    def text(self) -> str:
        """All the text inside, with runs of white space made one space."""
        parts = [c if isinstance(c, str) else c.text() for c in self.children]
        return " ".join("".join(parts).split())

    def ancestors(self):
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    def lang(self) -> str | None:
        """The language of this element: its own ``lang`` or its nearest ancestor's."""
        for node in (self, *self.ancestors()):
            if node.attrs.get("lang"):
                return node.attrs["lang"]
        return None

    def inside(self, tag: str) -> Node | None:
        return next((a for a in self.ancestors() if a.tag == tag), None)

    def iter(self):
        yield self
        for c in self.children:
            if isinstance(c, Node):
                yield from c.iter()

    def find_all(self, tag: str | None = None, **attrs: str) -> list[Node]:
        """Elements with this tag (any with None) whose attributes have these values
        (``class_`` matches one class among several)."""
        found = []
        for node in self.iter():
            if tag is not None and node.tag != tag:
                continue
            ok = True
            for name, value in attrs.items():
                if name == "class_":
                    ok = ok and value in (node.attrs.get("class") or "").split()
                else:
                    ok = ok and node.attrs.get(name.replace("_", "-")) == value
            if ok:
                found.append(node)
        return found

    def with_text(self, text: str) -> list[Node]:
        """The innermost elements whose text contains ``text``."""
        hits = [n for n in self.iter() if text in n.text()]
        return [n for n in hits if not any(isinstance(c, Node) and c in hits for c in n.children)]


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        node = Node(tag, dict(attrs), parent=self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Node(tag, dict(attrs), parent=self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse(html: str) -> Node:
    """The page as a tree of ``Node``."""
    builder = _Builder()
    builder.feed(html)
    builder.close()
    return builder.root
