"""What the Markdown of a knowledge base may contain (article bodies, step texts, answers).

The tray app shows Markdown as text and formatting only: it never renders raw HTML, never
loads a picture and opens a link only for https, mailto and tel (plus schemes IT adds in
its policy). The builder says so early, naming `file:line`:

- raw HTML (`<img ...>`, `<script>`, `<!-- -->`) is an error: write Markdown, or put a tag
  in `code` to show it;
- pictures (`![x](...)`) are an error: a snapshot holds none and the app loads none;
- a link (`[x](...)`, `<scheme:...>`, `[ref]: ...`, a bare `ftp://...`) whose scheme is
  not https, mailto or tel is an error, and so is one with no scheme;
- a plain `http://` link is accepted but `lint` warns: the app opens it only where the
  policy allows http.

Code blocks, code spans and backslash escapes are text, so they may show any of these.

    >>> [f.message for f in check_markdown("[x](javascript:alert(1))")]
    ["link scheme 'javascript:' is not allowed (use https:, mailto: or tel:)"]
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any, Iterator

ALLOWED_SCHEMES = ("https", "mailto", "tel")
WARNED_SCHEMES = ("http",)

_FENCE_RE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_ESCAPABLE = set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_HTML_RE = re.compile(r"<(?:[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>|/[A-Za-z][A-Za-z0-9-]*\s*>|!--|\?|![A-Za-z\[])")
_AUTOLINK_RE = re.compile(r"<([A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*)>")
_LINK_RE = re.compile(r"(!?)\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\(\s*(<[^<>\n]*>|[^\s()]*(?:\([^\s()]*\)[^\s()]*)*)")
_REFERENCE_RE = re.compile(r"^ {0,3}\[[^\]\n]+\]:[ \t]*\n?[ \t]*(<[^<>\n]*>|\S+)", re.MULTILINE)
_BARE_URL_RE = re.compile(r"(?<![\w/.:@-])((?:https?|ftp)://[^\s<>()\[\]]+)", re.IGNORECASE)
_SCHEME_RE = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")


@dataclass(frozen=True)
class Finding:
    """One thing in a Markdown text; `line` counts from 0 (the text's first line)."""

    line: int
    message: str
    warning: bool = False


def _mask(text: str) -> str:
    """`text` with code blocks, code spans and escaped characters blanked (same length)."""
    out = list(text)
    fence = None
    position = 0
    for line in text.split("\n"):
        opening = _FENCE_RE.match(line)
        if fence is None and opening:
            fence = opening.group(1)
        elif fence is not None and opening and opening.group(1)[0] == fence[0] \
                and len(opening.group(1)) >= len(fence) and not line.strip().strip(fence[0]):
            fence = None
            out[position:position + len(line)] = " " * len(line)
        if fence is not None:
            out[position:position + len(line)] = " " * len(line)
        position += len(line) + 1
    masked = "".join(out)
    out = list(masked)
    i = 0
    while i < len(masked):
        char = masked[i]
        if char == "\\" and i + 1 < len(masked) and masked[i + 1] in _ESCAPABLE:
            out[i] = out[i + 1] = " "
            i += 2
            continue
        if char == "`":
            run = len(masked[i:]) - len(masked[i:].lstrip("`"))
            closing = re.compile(rf"(?<!`)`{{{run}}}(?!`)").search(masked, i + run)
            if closing:
                for j in range(i, closing.end()):
                    if out[j] != "\n":
                        out[j] = " "
                i = closing.end()
                continue
            i += run
            continue
        i += 1
    return "".join(out)


def _destination(raw: str) -> str:
    raw = raw.strip()
    if raw.startswith("<") and raw.endswith(">"):
        raw = raw[1:-1]
    return html.unescape(raw).strip()


def _link_finding(url: str, line: int) -> Finding | None:
    if url.startswith("{{"):
        return None                        # a variable such as {{helpdesk.portal}}: the policy's value
    scheme = _SCHEME_RE.match(url)
    if scheme is None:
        return Finding(line, f"link '{url[:60]}' has no scheme: write the full https:// address "
                             "(or mailto:, tel:); links between articles are not supported")
    name = scheme.group(1).lower()
    if name in ALLOWED_SCHEMES:
        return None
    if name in WARNED_SCHEMES:
        return Finding(line, f"plain http link {url[:80]}: the app opens it only where the policy "
                             "allows http ([links] extra_schemes); use https", warning=True)
    return Finding(line, f"link scheme '{name}:' is not allowed (use https:, mailto: or tel:)")


def check_markdown(text: str) -> list[Finding]:
    """Every raw HTML, picture and link the app would refuse, in text order."""
    masked = _mask(text or "")
    findings: list[tuple[int, Finding]] = []

    def line_of(position: int) -> int:
        return masked.count("\n", 0, position)

    def blank(match: re.Match[str]) -> str:
        return "".join("\n" if c == "\n" else " " for c in match.group(0))

    for match in _LINK_RE.finditer(masked):
        line = line_of(match.start())
        if match.group(1):
            findings.append((match.start(), Finding(
                line, "pictures are not allowed: a snapshot holds none and the app loads none from "
                      "files or the web; describe the step in words")))
            continue
        finding = _link_finding(_destination(text[match.start(3):match.end(3)]), line)
        if finding:
            findings.append((match.start(), finding))
    masked = _LINK_RE.sub(blank, masked)
    for match in _REFERENCE_RE.finditer(masked):
        finding = _link_finding(_destination(text[match.start(1):match.end(1)]), line_of(match.start()))
        if finding:
            findings.append((match.start(), finding))
    masked = _REFERENCE_RE.sub(blank, masked)
    for match in _AUTOLINK_RE.finditer(masked):
        finding = _link_finding(_destination(match.group(1)), line_of(match.start()))
        if finding:
            findings.append((match.start(), finding))
    masked = _AUTOLINK_RE.sub(blank, masked)
    html_lines: set[int] = set()
    for match in _HTML_RE.finditer(masked):
        if line_of(match.start()) in html_lines:
            continue                        # one raw-HTML problem per line is enough
        html_lines.add(line_of(match.start()))
        snippet = " ".join(text[match.start():match.start() + 40].split())
        findings.append((match.start(), Finding(
            line_of(match.start()), f"raw HTML ({snippet}) is not allowed in Markdown: the app shows it "
                                    "as text; use Markdown, or put a tag in `code` to show it")))
    for match in _BARE_URL_RE.finditer(masked):
        url = html.unescape(match.group(1)).rstrip(".,;:!?*_~'\"")
        finding = _link_finding(url, line_of(match.start()))
        if finding:
            findings.append((match.start(), finding))
    return [finding for _, finding in sorted(findings, key=lambda pair: pair[0])]


def tree_texts(nodes: Any) -> Iterator[tuple[str, Any, str]]:
    """(node text key, node, Markdown) for every step text and answer of a tree's nodes."""
    if not isinstance(nodes, dict):
        return
    for node in nodes.values():
        if not isinstance(node, dict):
            continue
        for key in ("text", "answer"):
            if isinstance(node.get(key), str):
                yield key, node, node[key]
