"""The Studio's tree editor and synonyms: what a KB admin sees and saves, checked by the builder."""
from __future__ import annotations

import re

from tests.server.studio_kit import browser

TREE = """id: vpn-steps
title: The VPN does not connect
lang: en
team: network
questions: [the vpn does not connect]
start: start
nodes:
  start:
    text: Are you at home?
    options:
      - label: "Yes"
        next: home
      - label: "No"
        next: office
  home:
    answer: |
      Restart your router.
  office:
    answer: |
      You do not need the VPN in the office.
"""
SYNONYMS = """# Words employees type.
en:
  # network
  - [vpn, virtual private network]
  - [wifi, wi-fi, wlan]
fr:
  - [imprimante, imprimente]
"""


def test_a_tree_is_drawn_from_its_start_and_every_edit_is_checked(studio):
    (studio.kb / "trees").mkdir()
    (studio.kb / "trees" / "vpn.yaml").write_text(TREE)
    edith, paul = browser(studio, "edith"), browser(studio, "paul")
    listing = edith.get("/studio/trees").text
    assert "The VPN does not connect" in listing and "all reachable" in listing
    page = edith.get("/studio/trees/vpn-steps").text
    assert "Every node is reachable" in page and page.index("Are you at home?") < page.index("Restart your router")

    # the start's second option is pointed at "home": "office" can no longer be reached, so the builder refuses it
    form = {"kind": "options", "text": "Are you at home?", "label0": "Yes", "next0": "home", "label1": "No",
            "next1": "home"}
    refused = edith.post("/studio/trees/vpn-steps/nodes/start", data=form)
    assert refused.status_code == 400 and "office" in refused.text and "reachable" in refused.text
    # a third option to a new node, and a check on "home" chosen from the list of built-in checks
    form |= {"next1": "office", "label2": "On a train", "new2": "mobile"}
    assert edith.post("/studio/trees/vpn-steps/nodes/start", data=form, follow_redirects=False).status_code == 303
    check = {"kind": "check", "text": "Checking your connection.", "check": "network.internet", "if_ok": "office",
             "if_failed": "mobile"}
    assert edith.post("/studio/trees/vpn-steps/nodes/home", data=check, follow_redirects=False).status_code == 303
    page = edith.get("/studio/trees/vpn-steps").text
    assert "network.internet" in page and "mobile" in page and "Every node is reachable" in page
    drafts = re.findall(r"your draft (\d+)", page)
    assert len(set(drafts)) == 1                                       # both edits collect in one draft
    assert "On a train" not in (studio.kb / "trees" / "vpn.yaml").read_text()     # the file waits for review
    paul.post(f"/studio/changes/{drafts[0]}/approve")
    saved = (studio.kb / "trees" / "vpn.yaml").read_text()
    assert "On a train" in saved and "check: network.internet" in saved and "answer: |" in saved

    history = edith.get("/studio/articles/vpn-steps/history").text
    version = re.search(r"href='(/studio/changes/\d+)'>version of", history).group(1)
    restored = edith.post(f"{version}/restore", follow_redirects=False)
    assert restored.status_code == 303 and "/studio/changes/" in restored.headers["location"]


def test_synonyms_keep_their_notes_and_are_checked(studio):
    (studio.kb / "synonyms.yaml").write_text(SYNONYMS)
    edith = browser(studio, "edith")
    page = edith.get("/studio/synonyms").text
    en = re.search(r"name=lang-en rows=14>(.*?)</textarea>", page, re.S).group(1)
    assert en.splitlines() == ["# network", "vpn, virtual private network", "wifi, wi-fi, wlan"]
    saved = edith.post("/studio/synonyms", data={"lang-en": en + "\nprinter, printr", "lang-fr": "imprimante, imprimente"},
                       follow_redirects=False)
    assert saved.status_code == 303
    change = edith.get(saved.headers["location"].split("?")[0]).text
    assert "+  - [printer, printr]" in change
    assert change.count("<span class=add>") == 2 and change.count("<span class=del>") == 1   # headers + one line
    refused = edith.post("/studio/synonyms", data={"lang-en": "printer"})
    assert refused.status_code == 400 and "at least two words" in refused.text
