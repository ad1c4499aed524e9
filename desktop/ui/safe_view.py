"""The view for text that comes from outside the app (answers, guided steps).

`SafeTextBrowser` is a `QTextBrowser` that
- reads Markdown with raw HTML turned off (an `<img>` or `<script>` shows as the text it is);
- never loads a resource itself: `loadResource` returns nothing for every URL (`file:`,
  `http:`, `qrc:`, relative...), since a snapshot holds no pictures. A body such as
  `![x](file:///dev/zero)` shows as a broken picture and reads nothing;
- never follows a link inside itself, and hands a clicked link to the desktop only when its
  scheme is allowed: https, mailto, tel, plus the schemes IT lists in the policy
  (`[links] extra_schemes = ["ms-settings"]`). Anything else (javascript:, file:, smb:...)
  is refused and `linkRefused` says which.

    >>> view = SafeTextBrowser(parent, extra_schemes=lambda: policy.links.extra_schemes)
    >>> view.setMarkdown(markdown)
"""
from __future__ import annotations

from typing import Callable, Iterable

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QImage, QTextDocument
from PySide6.QtWidgets import QTextBrowser, QWidget

ALLOWED_SCHEMES = ("https", "mailto", "tel")
MARKDOWN_FEATURES = (QTextDocument.MarkdownFeature.MarkdownDialectGitHub
                     | QTextDocument.MarkdownFeature.MarkdownNoHTML)


def link_allowed(url: QUrl, extra_schemes: Iterable[str] = ()) -> bool:
    """True when a clicked `url` may go to the desktop: its scheme is allowed."""
    scheme = url.scheme().lower()
    allowed = set(ALLOWED_SCHEMES) | {s.lower() for s in extra_schemes}
    return url.isValid() and bool(scheme) and scheme in allowed


def _blank_image() -> QImage:
    """One transparent pixel: what every picture in a view is."""
    image = QImage(1, 1, QImage.Format_ARGB32)
    image.fill(Qt.transparent)
    return image


class SafeTextBrowser(QTextBrowser):
    linkOpened = Signal(QUrl)          # a link handed to the desktop
    linkRefused = Signal(QUrl)         # a clicked link whose scheme is not allowed

    def __init__(self, parent: QWidget | None = None,
                 extra_schemes: Callable[[], Iterable[str]] = lambda: ()):
        super().__init__(parent)
        self.extra_schemes = extra_schemes
        self.setOpenLinks(False)               # clicks never change what the view shows
        self.setOpenExternalLinks(False)       # nor reach the desktop without the allow-list
        self.anchorClicked.connect(self.open_link)

    def setMarkdown(self, markdown: str) -> None:  # noqa: N802 - Qt's name
        """Show Markdown as text and formatting only: raw HTML is shown literally."""
        self.document().setMarkdown(markdown or "", MARKDOWN_FEATURES)

    def loadResource(self, kind: int, url: QUrl):  # noqa: N802 - Qt's name
        """Nothing is ever loaded: no file, no web address, no embedded resource.

        The answer is an empty value, never "none": on none, QTextDocument would read a
        `file:` URL itself."""
        if kind == QTextDocument.ImageResource:
            return _blank_image()
        return ""

    def doSetSource(self, url: QUrl, kind=QTextDocument.UnknownResource) -> None:  # noqa: N802
        """The view never navigates: what it shows is only what the app gives it."""

    def open_link(self, url: QUrl) -> None:
        if link_allowed(url, self.extra_schemes() or ()):
            QDesktopServices.openUrl(url)
            self.linkOpened.emit(url)
        else:
            self.linkRefused.emit(url)
