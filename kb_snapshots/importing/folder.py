"""A folder of HTML, Markdown, Word (.docx) and text files: an intranet export.

Every file is one draft. Its title is the document's own (HTML <title> or first heading,
Markdown front matter `title:` or first `# ` heading, the Word file's title property or
first heading), else the file name. Relative links are made absolute against `base_url`
(where the export was published), or reduced to their text without one. Files over MAX_FILE bytes, links leaving the folder,
and Word files whose contents unpack to more than MAX_DOCX_UNPACKED are skipped and
named, never read.
"""
from __future__ import annotations

import re
import zipfile
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import yaml

from kb_snapshots.importing.draft import Draft
from kb_snapshots.importing.html import to_markdown

SUFFIXES = {".html", ".htm", ".md", ".markdown", ".docx", ".txt"}
MAX_FILE = 8 * 1024 * 1024
MAX_DOCX_UNPACKED = 64 * 1024 * 1024
MAX_FILES = 10_000
HEADING_RE = re.compile(r"^#\s+(.+?)\s*#*\s*$", re.MULTILINE)
MARKDOWN_LINK_RE = re.compile(r"(?<!!)\[([^\]]*)\]\(\s*([^)\s]*)[^)]*\)")


def read_folder(root: Path, base_url: str = "") -> tuple[list[Draft], list[str]]:
    """(drafts, what was skipped and why)."""
    root = Path(root).resolve()
    drafts: list[Draft] = []
    skipped: list[str] = []
    for path in sorted(root.rglob("*")):
        if path.suffix.lower() not in SUFFIXES or not path.is_file():
            continue
        shown = str(path.relative_to(root))
        if len(drafts) >= MAX_FILES:
            skipped.append(f"{shown}: more than {MAX_FILES} files; import the rest separately")
            continue
        if path.is_symlink() and not path.resolve().is_relative_to(root):
            skipped.append(f"{shown}: a link to a file outside the folder")
            continue
        if path.stat().st_size > MAX_FILE:
            skipped.append(f"{shown}: larger than {MAX_FILE // (1024 * 1024)} MB")
            continue
        try:
            page_url = urljoin(base_url.rstrip("/") + "/", shown) if base_url else ""
            title, body = _read(path, page_url)
        except (OSError, ValueError, zipfile.BadZipFile, KeyError) as exc:
            skipped.append(f"{shown}: cannot be read ({exc})")
            continue
        if not body.strip() and not title:
            skipped.append(f"{shown}: empty")
            continue
        drafts.append(Draft(title=title or _title_from_name(path), body=body, source=shown))
    return drafts, skipped


def _title_from_name(path: Path) -> str:
    return re.sub(r"[-_]+", " ", path.stem).strip().capitalize() or path.name


def _read(path: Path, page_url: str) -> tuple[str, str]:
    suffix = path.suffix.lower()
    if suffix == ".docx":
        return _read_docx(path, page_url)
    text = path.read_bytes().decode("utf-8", errors="replace").lstrip("\ufeff")
    if suffix in (".html", ".htm"):
        return _from_html(text, page_url)
    if suffix == ".txt":
        return "", text
    title, body = _from_markdown(text)
    return title, _absolute_markdown_links(body, page_url)


def _absolute_markdown_links(text: str, page_url: str) -> str:
    def fix(match: re.Match) -> str:
        label, target = match.group(1), match.group(2)
        if urlsplit(target).scheme:
            return match.group(0)
        return f"[{label}]({urljoin(page_url, target)})" if page_url and not target.startswith("#") else label
    return MARKDOWN_LINK_RE.sub(fix, text)


def _from_html(html: str, page_url: str = "") -> tuple[str, str]:
    from bs4 import BeautifulSoup  # noqa: PLC0415

    soup = BeautifulSoup(html, "html.parser")
    heading = soup.find("h1")
    title = heading.get_text(" ", strip=True) if heading else ""
    if not title and soup.title:
        title = soup.title.get_text(" ", strip=True)
    if heading is not None:
        heading.decompose()                 # the title is the article's title, not its first line
    body = soup.body if soup.body is not None else soup
    return title, to_markdown(str(body), base_url=page_url)


def _from_markdown(text: str) -> tuple[str, str]:
    title = ""
    if text.startswith("---\n"):
        end = text.find("\n---", 4)
        if end > 0:
            try:
                matter = yaml.safe_load(text[4:end])
            except yaml.YAMLError:
                matter = None
            if isinstance(matter, dict) and isinstance(matter.get("title"), str):
                title = matter["title"]
            text = text[end + 4:].lstrip("-").lstrip("\n")
    if not title:
        match = HEADING_RE.search(text)
        if match and not text[:match.start()].strip():
            title, text = match.group(1), text[match.end():]
    return title, text.strip()


def _read_docx(path: Path, page_url: str) -> tuple[str, str]:
    import mammoth  # noqa: PLC0415

    with zipfile.ZipFile(path) as archive:
        if sum(info.file_size for info in archive.infolist()) > MAX_DOCX_UNPACKED:
            raise ValueError(f"it unpacks to more than {MAX_DOCX_UNPACKED // (1024 * 1024)} MB")
        title = ""
        if "docProps/core.xml" in archive.namelist():
            match = re.search(r"<dc:title>([^<]*)</dc:title>", archive.read("docProps/core.xml").decode("utf-8", "replace"))
            title = match.group(1).strip() if match else ""
    with path.open("rb") as handle:
        html = mammoth.convert_to_html(handle, convert_image=mammoth.images.img_element(lambda image: {})).value
    from_html_title, body = _from_html(f"<body>{html}</body>", page_url)
    return title or from_html_title, body
