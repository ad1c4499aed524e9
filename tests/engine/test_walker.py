"""Walking a decision tree: steps, choices, checks, verdicts, going back, saving and resuming."""
from __future__ import annotations

import json

import pytest

from desktop.engine import KnowledgeBase, TreeError, TreeWalker
from desktop.engine.checks import CheckResult
from desktop.engine.walker import FormField, validate_form
from tests.kb_snapshots.kbfactory import PRINTER_TREE, build_and_open, tree, write_kb

VPN_TREE = {
    "id": "vpn-check", "title": "The VPN does not connect", "lang": "en",
    "questions": ["vpn does not connect"], "start": "probe",
    "nodes": {
        "probe": {"text": "Checking the VPN.", "check": "network.vpn",
                  "if_ok": "connected", "if_failed": "reconnect", "if_unknown": "ask"},
        "connected": {"answer": "Your VPN is up, {{user.first_name}}."},
        "reconnect": {"answer": "Open the VPN client and connect.", "unsolved": "book"},
        "ask": {"text": "Is the VPN icon green?", "options": [
            {"label": "Yes", "next": "connected"}, {"label": "No", "next": "reconnect"}]},
        "book": {"text": "A technician can look at it with you.", "booking": {"reason": "VPN problem"}},
    },
}

VALUES = {"user.first_name": "Ann", "device.hostname": "PC-0042"}


@pytest.fixture(scope="module")
def kb_path(tmp_path_factory):
    root = write_kb(tmp_path_factory.mktemp("trees") / "kb", {
        "trees/printer.yaml": tree(**PRINTER_TREE),
        "trees/vpn.yaml": tree(**VPN_TREE),
    })
    build_and_open(root, root.with_suffix(".sqlite"))
    return root.with_suffix(".sqlite")


@pytest.fixture(scope="module")
def kb(kb_path) -> KnowledgeBase:
    return KnowledgeBase.open(kb_path)


def fake_checker(outcome: str):
    calls: list[str] = []

    def check(name: str) -> CheckResult:
        calls.append(name)
        return CheckResult(outcome, f"fake {outcome}")

    check.calls = calls
    return check


@pytest.fixture
def printer(kb) -> TreeWalker:
    return TreeWalker(kb.tree("printer-troubleshoot"), VALUES, checker=fake_checker("ok"))


def test_tree_is_found_by_ask_as_a_tree(kb):
    reply = kb.ask("my printer won't print")
    assert reply.hits[0].id == "printer-troubleshoot"
    assert reply.hits[0].kind == "tree"


def test_first_step_is_the_start_question_with_variables_rendered(printer):
    state = printer.start()
    step = printer.step(state)
    assert step.kind == "question"
    assert step.node == "start"
    assert step.text == "Hello Ann, which printer are you using?"
    assert step.options == ("A shared office printer", "A printer at home")
    assert step.can_go_back is False


def test_missing_variable_is_left_out_of_tree_text(kb):
    walker = TreeWalker(kb.tree("printer-troubleshoot"), {})
    assert walker.step(walker.start()).text == "Hello, which printer are you using?"


def test_choosing_an_option_moves_to_its_node_and_remembers_the_label(printer):
    state = printer.choose(printer.start(), 0)
    step = printer.step(state)
    assert (state.node, step.kind, step.check) == ("check-network", "check", "network.connected")
    assert step.text == "Let me check the network of PC-0042."
    assert step.can_go_back is True
    assert state.choices == ["A shared office printer"]


def test_choose_does_not_change_the_given_state(printer):
    start = printer.start()
    printer.choose(start, 1)
    assert (start.node, start.path, start.choices) == ("start", [], [])


@pytest.mark.parametrize("option", [-1, 2, 99])
def test_choosing_an_option_that_does_not_exist_raises_tree_error(printer, option):
    with pytest.raises(TreeError, match="2 options"):
        printer.choose(printer.start(), option)


def test_choosing_on_a_node_without_options_raises_tree_error(printer):
    state = printer.choose(printer.start(), 0)
    with pytest.raises(TreeError, match="no options"):
        printer.choose(state, 0)


@pytest.mark.parametrize("tree_id, outcome, expected_node", [
    ("printer-troubleshoot", "ok", "queue"),
    ("printer-troubleshoot", "failed", "no-network"),
    ("printer-troubleshoot", "unknown", "no-network"),      # no if_unknown: if_failed
    ("vpn-check", "ok", "connected"),
    ("vpn-check", "failed", "reconnect"),
    ("vpn-check", "unknown", "ask"),
])
def test_check_result_routes_to_its_branch(kb, tree_id, outcome, expected_node):
    checker = fake_checker(outcome)
    walker = TreeWalker(kb.tree(tree_id), VALUES, checker=checker)
    state = walker.start()
    if tree_id == "printer-troubleshoot":
        state = walker.choose(state, 0)
    check_node = state.node
    new, result = walker.run_check(state)
    assert new.node == expected_node
    assert result.outcome == outcome
    assert new.checks == {check_node: outcome}
    assert checker.calls == [walker.step(state).check]


def test_running_a_check_on_a_question_raises_tree_error(printer):
    with pytest.raises(TreeError, match="not a check"):
        printer.run_check(printer.start())


def test_walk_with_the_real_built_in_checks_never_crashes(kb):
    walker = TreeWalker(kb.tree("vpn-check"), VALUES)      # default checker: the real probes
    state, result = walker.run_check(walker.start())
    assert result.outcome in ("ok", "failed", "unknown")
    assert state.node in ("connected", "reconnect", "ask")


def _to_answer(walker: TreeWalker):
    state = walker.choose(walker.start(), 0)
    state, _ = walker.run_check(state)           # fake ok -> queue
    return state


def test_answer_step_offers_unsolved_when_the_node_has_one(printer):
    state = _to_answer(printer)
    step = printer.step(state)
    assert (step.kind, step.node) == ("answer", "queue")
    assert "Clear the print queue" in step.text
    assert step.has_unsolved is True
    home = printer.choose(printer.start(), 1)
    assert printer.step(home).has_unsolved is False


def test_solved_ends_the_walk(printer):
    state = printer.finish(_to_answer(printer), solved=True)
    assert state.outcome == "solved"
    assert printer.step(state).kind == "done"


def test_unsolved_follows_the_unsolved_link_to_the_ticket_form(printer):
    state = printer.finish(_to_answer(printer), solved=False)
    assert state.node == "open-ticket" and state.outcome is None
    step = printer.step(state)
    assert step.kind == "ticket"
    assert step.subject == "Printer does not print"
    assert step.team == "workplace"                     # the tree's team by default
    assert [f.id for f in step.fields] == ["printer", "since", "first_seen"]
    assert step.fields[0].required is True
    assert step.fields[1].choices == ("Today", "This week", "Longer")


def test_unsolved_without_unsolved_link_ends_the_walk_unsolved(printer):
    home = printer.choose(printer.start(), 1)
    state = printer.finish(home, solved=False)
    assert state.outcome == "unsolved"
    assert state.node == "home"
    assert printer.step(state).kind == "done"


def test_booking_step_carries_its_reason(kb):
    walker = TreeWalker(kb.tree("vpn-check"), VALUES, checker=fake_checker("failed"))
    state, _ = walker.run_check(walker.start())
    state = walker.finish(state, solved=False)
    step = walker.step(state)
    assert (step.kind, step.subject, step.text) == ("booking", "VPN problem", "A technician can look at it with you.")


def test_back_skips_the_automatic_check_and_forgets_it(printer):
    state = _to_answer(printer)
    assert state.checks == {"check-network": "ok"}
    back = printer.back(state)                    # not the check again: the step before it
    assert back.node == "start" and back.checks == {} and back.choices == []
    assert not printer.step(back).can_go_back
    with pytest.raises(TreeError, match="first step"):
        printer.back(back)


def test_back_after_a_verdict_reopens_the_answer(printer):
    done = printer.finish(_to_answer(printer), solved=True)
    ticket = printer.finish(_to_answer(printer), solved=False)
    assert printer.back(ticket).node == "queue"
    assert printer.step(printer.back(ticket)).kind == "answer"
    assert done.outcome == "solved"


def test_back_then_another_choice_keeps_only_the_choice_made(printer):
    state = printer.choose(printer.start(), 0)
    state = printer.back(state)
    state = printer.choose(state, 1)
    assert state.choices == ["A printer at home"]
    assert printer.summary(state) == ["Hello Ann, which printer are you using? → A printer at home"]


def test_summary_lists_choices_checks_and_what_was_tried(printer):
    state = printer.finish(_to_answer(printer), solved=False)
    assert printer.summary(state) == [
        "Hello Ann, which printer are you using? → A shared office printer",
        "Check network.connected: ok",
        "Tried: Clear the print queue and print again.",
    ]


def test_saved_walk_resumes_in_a_fresh_walker_at_the_same_step(kb_path, printer):
    state = _to_answer(printer)
    saved = json.dumps(state.to_dict())
    fresh_kb = KnowledgeBase.open(kb_path)
    walker = TreeWalker(fresh_kb.tree("printer-troubleshoot"), VALUES, checker=fake_checker("ok"))
    resumed = walker.resume(json.loads(saved))
    assert resumed == state
    assert walker.step(resumed) == printer.step(state)
    assert walker.back(resumed).node == "start"


def test_resuming_a_walk_whose_node_no_longer_exists_raises_tree_error(printer):
    saved = _to_answer(printer).to_dict()
    saved["node"] = "removed-in-new-snapshot"
    with pytest.raises(TreeError, match="removed-in-new-snapshot"):
        printer.resume(saved)
    saved = _to_answer(printer).to_dict()
    saved["path"] = ["start", "old-node"]
    with pytest.raises(TreeError, match="old-node"):
        printer.resume(saved)


@pytest.mark.parametrize("saved", [{}, {"node": "start"}, {"tree_id": "printer-troubleshoot"},
                                   {"tree_id": "printer-troubleshoot", "node": "start", "path": 5}])
def test_resuming_something_that_is_not_a_saved_walk_raises_tree_error(printer, saved):
    with pytest.raises(TreeError):
        printer.resume(saved)


def test_resuming_a_walk_of_another_tree_raises_tree_error(printer):
    with pytest.raises(TreeError, match="vpn-check"):
        printer.resume({"tree_id": "vpn-check", "node": "start"})


FIELDS = (
    FormField("printer", "Printer name", "text", required=True),
    FormField("since", "Since when?", "choice", choices=("Today", "This week", "Longer")),
    FormField("first_seen", "First seen on", "date"),
    FormField("details", "Details", "long_text"),
)


@pytest.mark.parametrize("values, errors", [
    ({"printer": "P-3F", "since": "Today", "first_seen": "2026-11-20"}, {}),
    ({"printer": "P-3F"}, {}),
    ({}, {"printer": "required"}),
    ({"printer": "   "}, {"printer": "required"}),
    ({"printer": "P-3F", "since": "Yesterday"}, {"since": "choose one of: Today, This week, Longer"}),
    ({"printer": "P-3F", "first_seen": "20/11/2026"}, {"first_seen": "a date such as 2026-11-25"}),
    ({"printer": "P-3F", "first_seen": "2026-02-30"}, {"first_seen": "a date such as 2026-11-25"}),
    ({"printer": "x" * 201}, {"printer": "too long"}),
    ({"printer": "P", "details": "y" * 10_001}, {"details": "too long"}),
    ({"since": "Never", "first_seen": "soon"}, {"printer": "required", "since": "choose one of: Today, This week, Longer",
                                                "first_seen": "a date such as 2026-11-25"}),
])
def test_ticket_form_validation_names_each_wrong_field(values, errors):
    assert validate_form(FIELDS, values) == errors


def test_walk_saved_before_a_snapshot_update_that_removed_its_node_cannot_resume(tmp_path):
    old_root = write_kb(tmp_path / "v1", {"trees/vpn.yaml": tree(**VPN_TREE)})
    old = build_and_open(old_root, tmp_path / "v1.sqlite")
    walker = TreeWalker(old.tree("vpn-check"), VALUES, checker=fake_checker("unknown"))
    state, _ = walker.run_check(walker.start())
    saved = json.dumps(state.to_dict())                   # the window closes on the "ask" step

    nodes = {k: v for k, v in VPN_TREE["nodes"].items() if k != "ask"}
    nodes["probe"] = {**nodes["probe"], "if_unknown": "reconnect"}
    new_root = write_kb(tmp_path / "v2", {"trees/vpn.yaml": tree(**{**VPN_TREE, "nodes": nodes})})
    new = build_and_open(new_root, tmp_path / "v2.sqlite", version=2)
    with pytest.raises(TreeError, match="'ask'"):
        TreeWalker(new.tree("vpn-check"), VALUES).resume(json.loads(saved))


def test_what_was_tried_reads_as_plain_text_without_markdown(printer, monkeypatch):
    """A step written "Tap **Register badge**, see [the guide](…)" is sent and shown in the
    ticket summary as plain text."""
    node = printer._node

    def with_markdown(node_id):
        found = dict(node(node_id))
        if node_id == "queue":
            found["answer"] = "Tap **Register badge**, then see [the guide](https://help.example/badge)."
        return found

    monkeypatch.setattr(printer, "_node", with_markdown)
    state = printer.finish(_to_answer(printer), solved=False)
    assert printer.summary(state)[-1] == "Tried: Tap Register badge, then see the guide (https://help.example/badge)."
