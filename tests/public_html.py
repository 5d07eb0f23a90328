"""Reading a public page as a visitor does: a small DOM from the standard library's HTML parser.

Shared by tests/test_public_*.py; enough to ask what is on a page without a browser or extra packages.
"""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlsplit

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Node:
    def __init__(self, tag: str, attrs: dict[str, str], parent: Node | None = None):
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Node | str] = []

    def get(self, name: str, default=None):
        return self.attrs.get(name, default)

    def __getitem__(self, name: str) -> str:
        return self.attrs[name]

    @property
    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    @property
    def text(self) -> str:
        parts: list[str] = []

        def walk(node):
            for child in node.children:
                if isinstance(child, str):
                    parts.append(child)
                elif child.tag not in ("script", "style"):
                    walk(child)

        walk(self)
        return " ".join("".join(parts).split())

    def all(self, tag: str | None = None, cls: str | None = None, **attrs) -> list[Node]:
        """Descendants by tag, class and exact attribute values (``aria_current`` means ``aria-current``)."""
        wanted = {k.replace("_", "-"): v for k, v in attrs.items()}
        found = []
        for child in self.children:
            if isinstance(child, str):
                continue
            if (
                (tag is None or child.tag == tag)
                and (cls is None or cls in child.classes)
                and all(
                    (child.attrs.get(k) == v) if v is not True else k in child.attrs
                    for k, v in wanted.items()
                )
            ):
                found.append(child)
            found.extend(child.all(tag, cls, **attrs))
        return found

    def one(self, tag: str | None = None, cls: str | None = None, **attrs) -> Node:
        found = self.all(tag, cls, **attrs)
        assert len(found) == 1, f"expected one <{tag} class={cls} {attrs}>, found {len(found)}"
        return found[0]

    def by_id(self, element_id: str) -> Node:
        return self.one(id=element_id)

    def has(self, tag: str | None = None, cls: str | None = None, **attrs) -> bool:
        return bool(self.all(tag, cls, **attrs))


class _Builder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = self.current = Node("#document", {})

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {k: (v if v is not None else "") for k, v in attrs}, self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Node(tag, {k: v or "" for k, v in attrs}, self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def dom(response) -> Node:
    builder = _Builder()
    builder.feed(response.get_data(as_text=True))
    return builder.root


def visit(client, url: str, status: int = 200, **kwargs) -> Node:
    response = client.get(url, **kwargs)
    assert response.status_code == status, f"GET {url} answered {response.status_code}, wanted {status}"
    return dom(response)


def hit_slugs(page: Node) -> list[str]:
    return [a["href"].rsplit("/", 1)[1] for a in page.all("a", cls="tp-card__link")]


def checkbox(page: Node, param: str, value: str) -> Node:
    return page.one("input", type="checkbox", name=param, value=value)


def value_link(page: Node, param: str, value: str) -> Node | None:
    """The link beside a facet value's checkbox: the same choice for a browser without JavaScript."""
    box = checkbox(page, param, value)
    label = page.one("label", **{"for": box["id"]})
    links = label.all("a")
    return links[0] if links else None


def query(href: str) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(href).query, keep_blank_values=True)
