"""Walking a decision tree one step at a time.

The walk's state is plain data (`WalkState.to_dict()` is JSON-ready), so a dialogue
can be saved when the window closes and resumed later, even in another process:

    walker = TreeWalker(kb.tree("printer-troubleshoot"))
    state = walker.start()
    step = walker.step(state)               # what to show: text, options, a form...
    state = walker.choose(state, 0)         # the user picked the first option
    state = walker.run_check(state)         # a built-in check decides the next node
    state = walker.finish(state, solved=False)   # "No, still broken" on an answer
    state = walker.back(state)

Texts are rendered with the variables given to the walker; nothing is executed.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Callable, Mapping

from desktop.engine.checks import GROUP_CHECK, CheckResult, group_check, run_check
from desktop.engine.dialogue import transcript_line
from desktop.engine.variables import render
from desktop.plaintext import plain_text


class TreeError(ValueError):
    """A step that does not exist in this tree (a stale saved state, a wrong option)."""


@dataclass
class WalkState:
    tree_id: str
    node: str
    path: list[str] = field(default_factory=list)        # nodes visited before `node`
    checks: dict[str, str] = field(default_factory=dict)  # node -> ok | failed | unknown
    choices: list[str] = field(default_factory=list)      # labels picked, for the ticket
    outcome: str | None = None                            # solved | unsolved | None (walking)

    def to_dict(self) -> dict[str, Any]:
        return {"tree_id": self.tree_id, "node": self.node, "path": list(self.path),
                "checks": dict(self.checks), "choices": list(self.choices), "outcome": self.outcome}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "WalkState":
        try:
            return cls(str(data["tree_id"]), str(data["node"]), list(data.get("path", [])),
                       dict(data.get("checks", {})), list(data.get("choices", [])), data.get("outcome"))
        except (KeyError, TypeError) as exc:
            raise TreeError(f"not a saved tree walk: {exc}") from None


@dataclass(frozen=True)
class FormField:
    id: str
    label: str
    type: str
    required: bool = False
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Step:
    """What the UI shows for the current node."""

    kind: str                      # question | answer | check | ticket | booking | action | done
    node: str
    text: str = ""
    options: tuple[str, ...] = ()
    fields: tuple[FormField, ...] = ()
    subject: str = ""
    team: str | None = None
    check: str | None = None
    action: str | None = None      # a self-service action: unlock, reset_password, add_to_group
    target: str = ""               # add_to_group: the group
    can_go_back: bool = False
    has_unsolved: bool = False


class TreeWalker:
    def __init__(self, tree, values: Mapping[str, str | None] | None = None,
                 checker: Callable[[str], CheckResult] = run_check):
        self.tree = tree
        self.nodes: dict[str, dict[str, Any]] = tree.tree["nodes"]
        self.start_node: str = tree.tree["start"]
        self.values = values or {}
        self.checker = checker
        self.lang: str = getattr(tree, "lang", "en") or "en"      # the summary's language

    def _node(self, node_id: str) -> dict[str, Any]:
        try:
            return self.nodes[node_id]
        except KeyError:
            raise TreeError(f"tree '{self.tree.id}' has no node '{node_id}'") from None

    def start(self) -> WalkState:
        return WalkState(self.tree.id, self.start_node)

    def resume(self, data: Mapping[str, Any]) -> WalkState:
        """A saved state, checked against this tree (which may have changed since)."""
        state = WalkState.from_dict(data)
        if state.tree_id != self.tree.id:
            raise TreeError(f"saved walk is for tree '{state.tree_id}', not '{self.tree.id}'")
        for node_id in [*state.path, state.node]:
            self._node(node_id)
        return state

    def _is_check(self, node_id: str) -> bool:
        return "check" in self._node(node_id)

    def can_go_back(self, state: WalkState) -> bool:
        """Whether Back has a step to return to (automatic checks are not steps)."""
        return any(not self._is_check(node_id) for node_id in state.path)

    def step(self, state: WalkState) -> Step:
        node = self._node(state.node)
        text = render(str(node.get("text", "")), self.values)
        back = self.can_go_back(state)
        if state.outcome is not None:
            return Step("done", state.node, text, can_go_back=back)
        if "options" in node:
            labels = tuple(render(str(o["label"]), self.values) for o in node["options"])
            return Step("question", state.node, text, options=labels, can_go_back=back)
        if "answer" in node:
            answer = render(str(node["answer"]), self.values)
            return Step("answer", state.node, f"{text}\n\n{answer}".strip(), can_go_back=back,
                        has_unsolved="unsolved" in node)
        if "check" in node:
            return Step("check", state.node, text, check=str(node["check"]), can_go_back=back)
        if "action" in node:
            return Step("action", state.node, text, action=str(node["action"]), target=str(node.get("group") or ""),
                        can_go_back=back, has_unsolved="unsolved" in node)
        if "ticket" in node:
            ticket = node["ticket"]
            fields = tuple(FormField(str(f["id"]), render(str(f["label"]), self.values), str(f["type"]),
                                     bool(f.get("required", False)), tuple(str(c) for c in f.get("choices", [])))
                           for f in ticket.get("fields", []))
            return Step("ticket", state.node, text, fields=fields,
                        subject=render(str(ticket.get("subject", self.tree.title)), self.values),
                        team=ticket.get("team") or self.tree.team, can_go_back=back)
        booking = node.get("booking") or {}
        return Step("booking", state.node, text, subject=str(booking.get("reason", self.tree.title)),
                    team=self.tree.team, can_go_back=back)

    def _go(self, state: WalkState, target: str, **changes: Any) -> WalkState:
        self._node(target)
        new = WalkState.from_dict(state.to_dict())
        new.path.append(state.node)
        new.node = target
        for key, value in changes.items():
            setattr(new, key, value)
        return new

    def choose(self, state: WalkState, option: int) -> WalkState:
        node = self._node(state.node)
        options = node.get("options")
        if not options:
            raise TreeError(f"node '{state.node}' has no options to choose from")
        if not 0 <= option < len(options):
            raise TreeError(f"node '{state.node}' has {len(options)} options, not {option + 1}")
        new = self._go(state, str(options[option]["next"]))
        new.choices.append(str(options[option]["label"]))
        return new

    def run_check(self, state: WalkState) -> tuple[WalkState, CheckResult]:
        node = self._node(state.node)
        if "check" not in node:
            raise TreeError(f"node '{state.node}' is not a check")
        name = str(node["check"])
        result = group_check(name, self.values.get("user.groups")) if name.startswith(GROUP_CHECK) \
            else self.checker(name)
        key = {"ok": "if_ok", "failed": "if_failed"}.get(result.outcome, "if_unknown")
        target = node.get(key) or node["if_failed"]
        new = self._go(state, str(target))
        new.checks[state.node] = result.outcome
        return new, result

    def finish(self, state: WalkState, solved: bool) -> WalkState:
        """The user's verdict on an answer: solved ends the walk; unsolved follows `unsolved`."""
        node = self._node(state.node)
        if solved:
            new = WalkState.from_dict(state.to_dict())
            new.outcome = "solved"
            return new
        if node.get("unsolved"):
            return self._go(state, str(node["unsolved"]))
        new = WalkState.from_dict(state.to_dict())
        new.outcome = "unsolved"
        return new

    def back(self, state: WalkState) -> WalkState:
        """The step shown before this one. Automatic checks passed on the way are undone
        too, never re-run: Back after "Checking…" lands on the step before the check."""
        if not self.can_go_back(state):
            raise TreeError("already at the first step")
        new = WalkState.from_dict(state.to_dict())
        new.outcome = None
        new.node = new.path.pop()
        while self._is_check(new.node):
            new.checks.pop(new.node, None)
            new.node = new.path.pop()
        new.checks.pop(new.node, None)
        if "options" in self._node(new.node) and new.choices:
            new.choices.pop()          # the choice made there is undone too
        return new

    def summary(self, state: WalkState) -> list[str]:
        """What the user went through, for a ticket: one line per step."""
        lines, chosen = [], iter(state.choices)
        for node_id in state.path:
            node = self._node(node_id)
            if "options" in node:
                text = plain_text(render(str(node.get("text", "")), self.values).strip())
                lines.append(f"{text} → {plain_text(render(next(chosen, '?'), self.values))}")
            elif "check" in node:
                outcome = transcript_line(state.checks.get(node_id, "?"), self.lang)
                lines.append(transcript_line("check", self.lang, node["check"], outcome))
            elif "answer" in node:
                answer = plain_text(render(str(node["answer"]), self.values).strip())
                lines.append(transcript_line("tried", self.lang, (answer.splitlines() or [""])[0]))
        return lines


def validate_form(fields: tuple[FormField, ...], values: Mapping[str, Any]) -> dict[str, str]:
    """Field id -> what is wrong; empty when the form can be sent."""
    errors: dict[str, str] = {}
    for f in fields:
        value = values.get(f.id)
        empty = value is None or (isinstance(value, str) and not value.strip())
        if empty:
            if f.required:
                errors[f.id] = "required"
            continue
        if f.type == "choice" and f.choices and value not in f.choices:
            errors[f.id] = f"choose one of: {', '.join(f.choices)}"
        elif f.type == "date":
            try:
                date.fromisoformat(str(value))
            except ValueError:
                errors[f.id] = "a date such as 2026-11-25"
        elif f.type in ("text", "long_text") and len(str(value)) > (200 if f.type == "text" else 10000):
            errors[f.id] = "too long"
    return errors
