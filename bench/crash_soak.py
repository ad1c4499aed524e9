"""Crash soak at scale: 1,000 tickets queued offline, `python -m desktop ticket send`
killed (SIGKILL) at random moments and restarted at once until the queue is empty; then
every idempotency key is counted in Request Tracker (0 lost, 0 duplicated expected).

    .venv/bin/python -m bench.crash_soak --rt-url http://127.0.0.1:8980 [--tickets 1000]

Needs a Request Tracker with the HelpdeskIdempotencyKey custom field (.ci/services/rt.sh)
and the root/password account. The settle window is shortened with
HELPDESK_ITSM_SETTLE_SECONDS (--settle, default 30 s: RT here takes under 10 s for a bulk
request of 10). Writes the "Crash soak" part of the "Hardening" section of bench/RESULTS.md.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

import requests

from desktop.itsm import Ticket
from desktop.itsm.outbox import Outbox

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "bench" / "RESULTS.md"
SUBSECTION = "### Crash soak: exactly once after SIGKILL"


def rt_key_counts(url: str, prefix: str, session: requests.Session, timeout: float = 300) -> Counter:
    """How many RT tickets carry each idempotency key starting with `prefix` (`session`
    signed in to RT)."""
    counts: Counter = Counter()
    page = 1
    while True:
        reply = session.get(f"{url}/REST/2.0/tickets", timeout=timeout, params={
            "query": f"'CF.{{HelpdeskIdempotencyKey}}' LIKE '{prefix}'",
            "fields": "CustomFields", "per_page": 100, "page": page})
        reply.raise_for_status()
        body = reply.json()
        for item in body["items"]:
            for field in item.get("CustomFields") or []:
                if field.get("name") == "HelpdeskIdempotencyKey":
                    counts.update(v for v in field["values"] if v.startswith(prefix))
        if page >= body.get("pages", 1):
            return counts
        page += 1


def prepare_home(tmp: Path, url: str, user: str, password: str, settle: float) -> dict[str, str]:
    home = tmp / "home"
    home.mkdir()
    policy = tmp / "policy.toml"
    policy.write_text(f'[itsm]\nkind = "rt"\nurl = "{url}"\ndefault_queue = "General"\n',
                      encoding="utf-8")
    (tmp / "keyring.json").write_text(json.dumps({f"helpdesk-assistant:{url}\n{user}": password}),
                                      encoding="utf-8")
    (home / "itsm_account.json").write_text(json.dumps({"url": url, "username": user}),
                                            encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("HELPDESK_ITSM_")}
    env.update({"HELPDESK_HOME": str(home), "HELPDESK_POLICY": str(policy),
                "PYTHON_KEYRING_BACKEND": "tests.itsm.keyrings.SharedFileKeyring",
                "HELPDESK_TEST_KEYRING_FILE": str(tmp / "keyring.json"),
                "PYTHONPATH": str(REPO), "HELPDESK_ITSM_SETTLE_SECONDS": str(settle)})
    return env


def queued(home: Path) -> int:
    outbox = Outbox.open(home / "state.sqlite")
    try:
        return outbox.counts().get("queued", 0)
    finally:
        outbox.close()


def soak(url: str, user: str, password: str, tickets: int, settle: float, kill_within: float,
         max_kills: int, seed: int) -> dict:
    rng = random.Random(seed)
    prefix = uuid.uuid4().hex[:12]
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        env = prepare_home(tmp, url, user, password, settle)
        home = Path(env["HELPDESK_HOME"])
        outbox = Outbox.open(home / "state.sqlite")
        keys = [outbox.add(Ticket(subject=f"Crash soak {prefix} #{n}", description="VPN drops.",
                                  queue="General", requestor=user),
                           itsm=f"rt {url}", key=f"{prefix}{n:05d}").key for n in range(tickets)]
        outbox.close()
        command = [sys.executable, "-m", "desktop", "ticket", "send"]
        kills = runs = 0
        start = time.monotonic()
        while queued(home):
            runs += 1
            sender = subprocess.Popen(command, env=env, cwd=REPO, stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL)
            if kills < max_kills:
                time.sleep(rng.uniform(0.0, kill_within))
            if sender.poll() is None and kills < max_kills:
                sender.send_signal(signal.SIGKILL)      # then a new sender at once
                kills += 1
            else:
                sender.wait()
                if queued(home):
                    time.sleep(1.0)                     # waiting out a settle window
            sender.wait()
            print(f"\r{runs} senders, {kills} killed, {queued(home)} queued", end="", flush=True)
        elapsed = time.monotonic() - start
    print()
    session = requests.Session()
    session.auth = (user, password)
    counts = rt_key_counts(url, prefix, session)
    lost = [k for k in keys if counts[k] == 0]
    duplicated = {k: n for k, n in counts.items() if n > 1}
    return {"tickets": tickets, "kills": kills, "senders": runs, "lost": len(lost),
            "duplicated": len(duplicated), "extra_tickets": sum(n - 1 for n in duplicated.values()),
            "elapsed_s": round(elapsed), "settle_s": settle, "kill_within_s": kill_within}


def write_results(result: dict) -> None:
    body = (f"{SUBSECTION} ({time.strftime('%Y-%m-%d')})\n\n"
            "`python -m bench.crash_soak` against the CI Request Tracker: tickets queued "
            "offline, `python -m desktop ticket send` killed with SIGKILL at a random moment "
            f"(uniform in 0–{result['kill_within_s']:g} s after its start) and restarted at "
            f"once, until the queue was empty; settle window {result['settle_s']:g} s "
            "(HELPDESK_ITSM_SETTLE_SECONDS; 300 s by default). Every key counted in RT. "
            "Before the fix: 104 tickets, 5 duplicated (issue 10). The CI soak "
            "(tests/security/test_crash_soak.py) runs 30 such trials of 2 tickets each.\n\n"
            "| Tickets | Senders started | Killed mid-run | Lost | Duplicated | Time |\n"
            "|---|---|---|---|---|---|\n"
            f"| {result['tickets']} | {result['senders']} | {result['kills']} | {result['lost']} | "
            f"{result['duplicated']} | {result['elapsed_s']} s |\n")
    text = RESULTS.read_text(encoding="utf-8")
    mine = re.compile(rf"^{re.escape(SUBSECTION)}.*?(?=^### |^## |\Z)", re.S | re.M)
    if mine.search(text):
        text = mine.sub(lambda _: body + "\n", text, count=1)
    elif "\n## Hardening\n" in text:
        head, _, rest = text.partition("\n## Hardening\n")
        nxt = re.search(r"^## ", rest, re.M)
        cut = nxt.start() if nxt else len(rest)
        text = f"{head}\n## Hardening\n{rest[:cut].rstrip()}\n\n{body}\n{rest[cut:]}"
    else:
        text = text.rstrip() + f"\n\n## Hardening\n\n{body}"
    RESULTS.write_text(text.rstrip() + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rt-url", default=os.environ.get("HELPDESK_TEST_RT_URL", ""))
    parser.add_argument("--user", default="root")
    parser.add_argument("--password", default="password")
    parser.add_argument("--tickets", type=int, default=1000)
    parser.add_argument("--settle", type=float, default=30.0)
    parser.add_argument("--kill-within", type=float, default=20.0)
    parser.add_argument("--max-kills", type=int, default=200)
    parser.add_argument("--seed", type=int, default=10)
    parser.add_argument("--no-write", action="store_true", help="print, do not touch RESULTS.md")
    args = parser.parse_args(argv)
    if not args.rt_url:
        parser.error("--rt-url (or HELPDESK_TEST_RT_URL) is needed")
    result = soak(args.rt_url.rstrip("/"), args.user, args.password, args.tickets, args.settle,
                  args.kill_within, args.max_kills, args.seed)
    print(json.dumps(result))
    if not args.no_write:
        write_results(result)
    return 0 if result["lost"] == 0 and result["duplicated"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
