"""Untrusted text in the tray app and the builder (issue 10): announcements, articles, step
texts, titles and variable values are shown as text; the answer view loads no file or web
resource; links open only for the allowed schemes; `kb_snapshots build` refuses raw HTML
and other link schemes, naming file:line, and lint warns on plain http."""
from __future__ import annotations

import dataclasses
import http.server
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, QPoint, QUrl, Qt, Slot
from PySide6.QtGui import QColor, QDesktopServices, QImage, QTextCursor, QTextDocument

import tests.ui.conftest as ui_conftest
from tests.kb_snapshots.conftest import run_cli
from kb_snapshots.lint import lint
from kb_snapshots.source import read_source
from kb_snapshots.validate import validate
from desktop.policy import PolicyError, parse_policy
from tests.ui.conftest import (board_client, home, itsm, kb, make_assistant, memory_keyring,  # noqa: F401
                               snapshot_path, start_app)

HOSTILE_TITLE = '<img src="file:///dev/zero"> <b>Outage</b>'


# -- the hostile fixtures -----------------------------------------------------------------
@pytest.fixture
def picture(tmp_path) -> Path:
    """A small local picture the views must never read: 41 x 17 pixels, red."""
    image = QImage(41, 17, QImage.Format_RGB32)
    image.fill(QColor("red"))
    path = tmp_path / "secret.png"
    assert image.save(str(path))
    return path


class Opened(QObject):
    """Registered with QDesktopServices.setUrlHandler: records what would reach the desktop."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.urls.append(url.toString())


SCHEMES = ("https", "http", "mailto", "tel", "javascript", "file", "smb", "ms-settings", "data")


@pytest.fixture
def opened():
    """Every scheme's "open" lands here instead of a real browser or file manager."""
    handler = Opened()
    for scheme in SCHEMES:
        QDesktopServices.setUrlHandler(scheme, handler, "open")
    yield handler
    for scheme in SCHEMES:
        QDesktopServices.unsetUrlHandler(scheme)


def _loaded_picture(view, url: QUrl):
    """The picture the document holds for `url` if it is the 41 x 17 one read from disk."""
    view.resize(400, 300)
    view.grab()                                      # lays out and paints: images are asked for
    resource = view.document().resource(QTextDocument.ImageResource, url)
    if isinstance(resource, (bytes, bytearray)) or hasattr(resource, "data"):
        image = QImage.fromData(bytes(resource))
    else:
        image = resource
    if isinstance(image, QImage) and image.width() == 41 and image.height() == 17:
        return image
    return None


def _reads_nothing(view, url: QUrl) -> bool:
    """The view's own loader gives nothing for `url`: an empty text or an empty picture."""
    resource = view.loadResource(QTextDocument.ImageResource, url)
    if isinstance(resource, QImage):
        return resource.width() * resource.height() <= 1
    return not resource


def _click_link(qtbot, view, text: str) -> None:
    """A real mouse click on the link whose text is `text`."""
    view.resize(500, 300)
    view.show()
    qtbot.waitExposed(view)
    found = view.document().find(text)
    assert not found.isNull(), view.toPlainText()
    cursor = QTextCursor(view.document())
    cursor.setPosition(found.selectionStart() + 1)
    rect = view.cursorRect(cursor)
    point = QPoint(rect.center().x() + 2, rect.center().y())
    qtbot.mouseClick(view.viewport(), Qt.LeftButton, pos=point)
    qtbot.wait(50)


# -- 1. server-provided text is plain text -------------------------------------------------
def test_announcement_title_with_markup_is_shown_literally(qtbot, start_app):
    app = start_app()
    chat = app.show_chat()
    chat.set_announcements([{"id": 9, "title": HOSTILE_TITLE, "body": "<i>see</i> [x](file:///etc/passwd)"}])
    assert chat.banner.title.textFormat() == Qt.PlainText
    assert chat.banner.body.textFormat() == Qt.PlainText
    assert chat.banner.position.textFormat() == Qt.PlainText
    assert HOSTILE_TITLE in chat.banner.text() and "<i>see</i>" in chat.banner.text()
    chat.show_outages([{"title": HOSTILE_TITLE, "body": "<b>x</b>"}])
    assert chat.outage.textFormat() == Qt.PlainText and HOSTILE_TITLE in chat.outage.text()


def test_guided_step_title_and_check_detail_are_plain_text(qtbot, start_app):
    app = start_app()
    chat = app.show_chat()
    walk = app.assistant.start_tree("printer-troubleshoot")
    walk = dataclasses.replace(walk, title=HOSTILE_TITLE, check_detail="<b>disk</b> <img src=x>")
    chat.stack.setCurrentWidget(chat.tree_page)
    chat.tree_page.show_walk(walk)
    assert chat.tree_page.title.textFormat() == Qt.PlainText
    assert chat.tree_page.detail.textFormat() == Qt.PlainText
    assert chat.tree_page.title.text() == HOSTILE_TITLE
    assert chat.form_page.intro.textFormat() == Qt.PlainText       # a ticket step's text


def test_tree_title_in_the_answer_is_not_markup(qtbot, start_app, monkeypatch):
    app = start_app()
    chat = app.show_chat()
    tree = app.assistant.kb.ask("my printr wont print", lang="en")
    assert tree.kind == "answer" and tree.hits[0].kind == "tree"
    hit = dataclasses.replace(tree.hits[0], title="**Printer** <img src=x> [go](javascript:alert(1))")
    monkeypatch.setattr(app.assistant.kb, "ask",
                        lambda *a, **k: dataclasses.replace(tree, hits=[hit, *tree.hits[1:]]))
    chat.question.clear()
    with qtbot.waitSignal(chat.answerShown, timeout=10_000):
        qtbot.keyClicks(chat.question, "printer")
    assert "**Printer** <img src=x> [go](javascript:alert(1))" in chat.answer.toPlainText()


# -- 2. the answer view loads nothing itself -----------------------------------------------
@pytest.mark.parametrize("view_of", [lambda chat: chat.answer, lambda chat: chat.tree_page.text,
                                     lambda chat: chat.summary_page.text],
                         ids=["answer", "guided-step", "ticket-summary"])
def test_views_never_read_a_local_picture(qtbot, start_app, picture, view_of):
    app = start_app()
    view = view_of(app.show_chat())
    url = QUrl.fromLocalFile(str(picture))
    view.setMarkdown(f"# Printer\n\n![x]({url.toString()})\n\n<img src=\"{url.toString()}\">\n")
    assert _loaded_picture(view, url) is None
    assert _reads_nothing(view, url)
    assert "Printer" in view.toPlainText()


def test_answer_view_asks_no_web_server(qtbot, start_app):
    requests: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            requests.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args):
            pass
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        app = start_app()
        view = app.show_chat().answer
        url = f"http://127.0.0.1:{server.server_port}/pixel.png"
        view.setMarkdown(f"![x]({url})\n\n<img src=\"{url}\">")
        view.grab()
        qtbot.wait(200)
        assert _reads_nothing(view, QUrl(url))
    finally:
        server.shutdown()
        server.server_close()
    assert requests == []


def test_article_pointing_at_dev_zero_shows_without_reading_it(qtbot, start_app):
    app = start_app()
    view = app.show_chat().answer
    view.setMarkdown("# Printer\n\n![x](file:///dev/zero)\n\n<img src=\"file:///dev/zero\">")
    view.resize(400, 300)
    view.grab()
    assert _reads_nothing(view, QUrl("file:///dev/zero"))
    assert "Printer" in view.toPlainText()


def test_raw_html_in_an_answer_is_shown_as_text(qtbot, start_app):
    app = start_app()
    view = app.show_chat().answer
    view.setMarkdown("Before <script>alert(1)</script> and <b>bold</b> after")
    assert "<script>alert(1)</script>" in view.toPlainText()
    assert "<b>bold</b>" in view.toPlainText()


# -- 3. links open only for the allowed schemes -------------------------------------------
@pytest.mark.parametrize("href, opens", [
    ("https://portal.contoso.example/kb", True),
    ("mailto:helpdesk@contoso.example", True),
    ("tel:+33123456789", True),
    ("javascript:alert(1)", False),
    ("smb://fileserver/share", False),
    ("ms-settings:privacy", False),
    ("http://portal.contoso.example", False),
    ("data:text/html,hi", False),
    ("other-article", False),
])
def test_a_clicked_link_opens_only_for_allowed_schemes(qtbot, start_app, opened, href, opens):
    app = start_app()
    view = app.show_chat().answer
    view.setMarkdown(f"Read [the page here]({href}) now.")
    before = view.toPlainText()
    _click_link(qtbot, view, "the page here")
    assert (opened.urls == [QUrl(href).toString()]) is opens, opened.urls
    assert view.toPlainText() == before


def test_a_file_link_neither_opens_nor_replaces_the_answer(qtbot, start_app, opened, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET CONTENT")
    app = start_app()
    view = app.show_chat().answer
    view.setMarkdown(f"Read [the page here]({QUrl.fromLocalFile(str(secret)).toString()}) now.")
    _click_link(qtbot, view, "the page here")
    assert opened.urls == []
    assert "TOP SECRET" not in view.toPlainText() and "the page here" in view.toPlainText()


def test_schemes_it_adds_in_the_policy_open(qtbot, start_app, opened, monkeypatch):
    app = start_app()
    policy = parse_policy({"links": {"extra_schemes": ["ms-settings"]}})
    monkeypatch.setattr(app.assistant, "policy", policy)
    chat = app.show_chat()
    for view in (chat.answer, chat.tree_page.text):
        view.setMarkdown("Open [the settings page](ms-settings:printers) now.")
        view.anchorClicked.emit(QUrl("ms-settings:printers"))
        view.anchorClicked.emit(QUrl("smb://fileserver/share"))
    assert opened.urls == ["ms-settings:printers", "ms-settings:printers"]


@pytest.mark.parametrize("raw, message", [
    ({"links": {"extra_schemes": "ms-settings"}}, "links.extra_schemes: expected a list"),
    ({"links": {"extra_schemes": ["javascript"]}}, "links.extra_schemes: 'javascript' can never be allowed"),
    ({"links": {"extra_schemes": ["ms settings!"]}}, "links.extra_schemes: 'ms settings!' is not a scheme"),
])
def test_policy_refuses_dangerous_or_malformed_schemes(raw, message):
    with pytest.raises(PolicyError, match=message):
        parse_policy(raw)


# -- 4. variable values are text -----------------------------------------------------------
def test_a_user_name_with_markup_shows_literally(qtbot, start_app, monkeypatch):
    monkeypatch.setitem(ui_conftest.VALUES, "user.first_name", "**bold** <img src=x> [a](file:///x)")
    app = start_app()
    chat = app.show_chat()
    chat.question.clear()
    with qtbot.waitSignal(chat.answerShown, timeout=10_000):
        qtbot.keyClicks(chat.question, "I forgot my password")
    assert "**bold** <img src=x> [a](file:///x)" in chat.answer.toPlainText()
    assert "<img" not in chat.answer.toHtml()


# -- 5. the builder and lint ---------------------------------------------------------------
KB_YAML = "name: Test\ndefault_lang: en\nlanguages: [en]\n"


def _kb(tmp_path: Path, body: str, tree_answer: str = "Done.") -> Path:
    root = tmp_path / "kb"
    (root / "articles").mkdir(parents=True)
    (root / "trees").mkdir()
    (root / "kb.yaml").write_text(KB_YAML)
    (root / "articles" / "printer.md").write_text(
        "---\nid: printer\ntitle: Printer\nlang: en\nquestions: [printer broken]\n---\n\n" + body)
    (root / "trees" / "steps.yaml").write_text(
        "id: steps\ntitle: Steps\nlang: en\nquestions: [steps please]\nstart: home\nnodes:\n"
        f"  home:\n    answer: {tree_answer!r}\n")
    return root


def _problems(root: Path) -> list[str]:
    return [str(p) for p in validate(read_source(root))[3]]


@pytest.mark.parametrize("line, expected", [
    ('<img src="file:///dev/zero">', "raw HTML"),
    ("<script>alert(1)</script>", "raw HTML"),
    ("Text <!-- hidden --> here", "raw HTML"),
    ("![x](file:///dev/zero)", "picture"),
    ("![x](https://cdn.contoso.example/x.png)", "picture"),
    ("![x](screens/x.png)", "picture"),
    ("[run](javascript:alert(1))", "javascript:"),
    ("[run](jav&#97;script:alert(1))", "javascript:"),
    ("[share](smb://fileserver/share)", "smb:"),
    ("[share](file:///C:/secret)", "file:"),
    ("<file:///etc/passwd>", "file:"),
    ("[ref]: ms-settings:privacy", "ms-settings:"),
    ("[other](other-article)", "no scheme"),
])
def test_build_refuses_html_and_other_schemes_naming_file_and_line(tmp_path, line, expected):
    root = _kb(tmp_path, f"First line.\n\n{line}\n")
    problems = _problems(root)
    assert any(p.startswith("articles/printer.md:10:") and expected in p for p in problems), problems


def test_build_refuses_html_in_a_tree_step(tmp_path):
    root = _kb(tmp_path, "Fine.\n", tree_answer='<img src="file:///dev/zero">')
    problems = _problems(root)
    assert any(p.startswith("trees/steps.yaml:8:") and "raw HTML" in p for p in problems), problems


@pytest.mark.parametrize("line", [
    "[portal](https://portal.contoso.example/kb)", "[mail](mailto:it@contoso.example)",
    "[call](tel:+33123456789)", "<https://portal.contoso.example>", "Type `<queue name>` here",
    "```\n<b>code</b>\n```", r"Literal \<b\> text", "Go to **{{helpdesk.portal}}**",
    "[plain](http://old.contoso.example)",
])
def test_build_accepts_safe_markdown(tmp_path, line):
    assert _problems(_kb(tmp_path, f"First line.\n\n{line}\n")) == []


def test_lint_warns_on_plain_http_links(tmp_path):
    root = _kb(tmp_path, "First line.\n\nSee [old](http://old.contoso.example) or http://bare.example\n")
    errors, warnings = lint(root)
    assert errors == []
    shown = [str(w) for w in warnings]
    assert any(w.startswith("articles/printer.md:10:") and "http://old.contoso.example" in w for w in shown), shown
    assert any("http://bare.example" in w for w in shown), shown


def test_sample_kb_has_no_unsafe_markdown():
    root = Path(__file__).resolve().parents[2] / "kb_snapshots" / "sample_kb"
    assert _problems(root) == []


def test_build_command_exits_non_zero_naming_the_file_and_line(tmp_path):
    root = _kb(tmp_path, "First line.\n\n![x](file:///dev/zero) and [go](javascript:alert(1))\n")
    output = tmp_path / "kb.sqlite"
    result = run_cli("build", str(root), "--output", str(output))
    assert result.returncode != 0
    assert f"{root / 'articles/printer.md'}:10: pictures are not allowed" in result.stderr, result.stderr
    assert "link scheme 'javascript:' is not allowed" in result.stderr
    assert not output.exists()
