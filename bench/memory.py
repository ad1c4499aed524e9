"""Resident memory of the app's engine after about 20 questions, asked the way the chat
window asks them (the facade `Assistant`: warm-up, as-you-type previews, then the question).

    HELPDESK_HOME=$(mktemp -d) .venv/bin/python -m bench.memory [--snapshot build/sample_kb.sqlite]

Prints VmRSS (and VmHWM, the peak) from /proc/self/status after each stage, in MB.
Qt is imported first, as in the tray app, so its libraries count too.
"""
from __future__ import annotations

import argparse
import os
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

QUESTIONS = ["my printr wont print", "wifi", "mdp expiré", "vpn keeps disconnecting", "outlook is slow",
             "how do I reset my password", "mon écran reste noir", "teams camera not working",
             "disk full", "I need admin rights", "comment ajouter une imprimante", "my account is locked",
             "onedrive not syncing", "bluetooth headset no sound", "new laptop request",
             "phishing email clicked", "réinitialiser mon mot de passe", "shared mailbox access",
             "excel crashes", "badge does not work"]


def rss() -> dict[str, float]:
    fields = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM", "RssAnon", "RssFile"):
            fields[name] = int(value.split()[0]) / 1024
    return fields


def report(stage: str) -> None:
    values = rss()
    print(f"{stage:<28} VmRSS {values['VmRSS']:6.1f} MB (anonymous {values['RssAnon']:5.1f}, "
          f"files {values['RssFile']:5.1f})   peak {values['VmHWM']:6.1f} MB", flush=True)


def main() -> None:
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")     # as desktop/__main__.py, before numpy
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--snapshot", default="build/sample_kb.sqlite")
    parser.add_argument("--no-qt", action="store_true", help="do not import Qt first")
    args = parser.parse_args()
    os.environ.setdefault("HELPDESK_HOME", tempfile.mkdtemp(prefix="helpdesk-memory-"))
    os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    report("start")
    if not args.no_qt:
        from PySide6.QtWidgets import QApplication  # noqa: PLC0415

        _app = QApplication([])
        import desktop.ui.chat  # noqa: F401, PLC0415 - the window's modules, as the app loads them
        report("Qt and the windows loaded")
    from desktop.ui.facade import Assistant  # noqa: PLC0415

    assistant = Assistant.from_environment(Path(args.snapshot))
    report("snapshot opened")
    worker = ThreadPoolExecutor(max_workers=1)     # the window's one "ask" worker thread
    worker.submit(assistant.warm_up).result()
    report("warmed up (index + model)")

    def one(question: str) -> None:
        for end in range(3, len(question), 4):         # as-you-type previews
            assistant.preview(question[:end])
        turn = assistant.ask(question)
        if turn.reply.hits and turn.reply.hits[0].kind == "article":
            assistant.article_markdown(turn.reply.hits[0].id)
    for question in QUESTIONS:
        worker.submit(one, question).result()
    report(f"after {len(QUESTIONS)} questions")
    for question in QUESTIONS:
        worker.submit(one, question.upper() + " ?").result()
    report(f"after {2 * len(QUESTIONS)} questions")


if __name__ == "__main__":
    main()
