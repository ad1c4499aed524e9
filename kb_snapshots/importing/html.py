"""HTML (from an ITSM's knowledge base, an intranet export or a Word file) to Markdown.

    to_markdown('<h2>Steps</h2><p>Open <a href="/kb/7">the portal</a></p>', base_url="https://kb.example")
    # '## Steps\n\nOpen [the portal](https://kb.example/kb/7)'

Links are kept when they lead somewhere an employee can follow (https, http — which
`lint` then flags —, mailto, tel; relative links are made absolute against `base_url`);
any other link keeps its text only. Scripts, styles and forms are dropped, pictures become their description.
"""
from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup
from markdownify import MarkdownConverter

KEPT_SCHEMES = ("https", "http", "mailto", "tel")
DROPPED_TAGS = ["script", "style", "noscript", "iframe", "object", "embed", "form", "button", "input",
                "select", "textarea", "svg", "head", "title", "meta", "link"]
MAX_HTML = 2 * 1024 * 1024


class _Converter(MarkdownConverter):
    def __init__(self, base_url: str, **options) -> None:
        super().__init__(**options)
        self.base_url = base_url

    def convert_a(self, el, text, parent_tags):
        href = (el.get("href") or "").strip()
        if href and self.base_url and not urlsplit(href).scheme:
            href = urljoin(self.base_url, href)
        if urlsplit(href).scheme.lower() not in KEPT_SCHEMES or href.startswith("#"):
            return text
        el["href"] = href
        return super().convert_a(el, text, parent_tags)

    def convert_img(self, el, text, parent_tags):
        alt = " ".join((el.get("alt") or "").split())
        return f"({alt})" if alt else ""


def to_markdown(html: str, base_url: str = "") -> str:
    """Markdown for `html` (at most MAX_HTML characters are read)."""
    soup = BeautifulSoup(html[:MAX_HTML], "html.parser")
    for element in soup.find_all(DROPPED_TAGS):
        element.decompose()
    converter = _Converter(base_url, heading_style="ATX", bullets="-", escape_underscores=False,
                           escape_asterisks=False)
    text = converter.convert_soup(soup)
    lines = [line.rstrip() for line in text.splitlines()]
    return "\n".join(lines).strip()
