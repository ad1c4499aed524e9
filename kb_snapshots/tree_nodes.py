"""The rules of one decision-tree node (docs/kb-format.md, "Decision trees"): exactly one
kind, known checks and actions, links to nodes that exist, ticket fields that make sense.
`validate_node` returns the node's links so the tree's reachability can be checked."""
from __future__ import annotations

from typing import Any

from desktop.engine.actions import ACTIONS
from desktop.engine.checks import CHECKS, is_check
from kb_snapshots.checker import Checker
from kb_snapshots.source import LineDict

NODE_KINDS = ("options", "answer", "check", "ticket", "booking", "action")
FIELD_TYPES = ("text", "long_text", "choice", "date", "file", "screenshot")


def validate_node(check: Checker, nodes: LineDict, node_id: str, node: Any) -> list[str]:
    if not isinstance(node, dict):
        check.add(f"node '{node_id}' must be a mapping", node_id, nodes)
        return []
    kinds = [k for k in NODE_KINDS if k in node]
    if len(kinds) != 1:
        found = ", ".join(kinds) or "none"
        check.add(f"node '{node_id}' must have exactly one of {', '.join(NODE_KINDS)} (found: {found})",
                  node_id, nodes)
    targets: list[str] = []

    def link(key: str, within: LineDict, required: bool = False) -> None:
        target = within.get(key)
        if target is None:
            if required:
                check.add(f"node '{node_id}': '{key}' is required", None, within)
            return
        if str(target) not in nodes:
            check.add(f"node '{node_id}': '{key}' points to unknown node '{target}'", key, within)
        targets.append(str(target))

    for text_key in ("text", "answer"):
        if isinstance(node.get(text_key), str):
            check.variables(node[text_key], text_key, node)
    kind = kinds[0] if len(kinds) == 1 else None
    if kind == "options":
        options = node["options"]
        if not isinstance(options, list) or not options:
            check.add(f"node '{node_id}': 'options' must be a non-empty list", "options", node)
        else:
            if not node.get("text"):
                check.add(f"node '{node_id}': a question node needs 'text'", "options", node)
            for option in options:
                if not isinstance(option, dict) or not option.get("label"):
                    check.add(f"node '{node_id}': each option needs a 'label' and a 'next'", "options", node)
                    continue
                check.variables(str(option["label"]), "label", option)
                link("next", option, required=True)
    elif kind == "answer":
        if not isinstance(node["answer"], str):
            check.add(f"node '{node_id}': 'answer' must be Markdown text", "answer", node)
    elif kind == "check":
        if not isinstance(node["check"], str) or not is_check(node["check"]):
            check.add(f"node '{node_id}': unknown check '{node['check']}' (built-in checks: "
                      f"{', '.join(sorted(CHECKS))}, or user.in_group:GROUP)", "check", node)
        link("if_ok", node, required=True)
        link("if_failed", node, required=True)
    elif kind == "ticket":
        _validate_ticket(check, node_id, node)
    elif kind == "action" and node["action"] not in ACTIONS:
        check.add(f"node '{node_id}': unknown action '{node['action']}' (self-service actions: "
                  f"{', '.join(ACTIONS)})", "action", node)
    elif kind == "action" and node["action"] == "add_to_group" and not isinstance(node.get("group"), str):
        check.add(f"node '{node_id}': add_to_group needs the 'group' to join", "action", node)
    elif kind == "booking" and not isinstance(node["booking"], dict):
        check.add(f"node '{node_id}': 'booking' must be a mapping (reason: ...)", "booking", node)
    if kind != "check":
        for key in ("if_ok", "if_failed"):
            if key in node:
                check.add(f"node '{node_id}': '{key}' only belongs on a check node", key, node)
    link("if_unknown", node)
    link("unsolved", node)
    return targets


def _validate_ticket(check: Checker, node_id: str, node: LineDict) -> None:
    ticket = node["ticket"]
    if not isinstance(ticket, dict):
        check.add(f"node '{node_id}': 'ticket' must be a mapping (subject, fields)", "ticket", node)
        return
    if not ticket.get("subject"):
        check.add(f"node '{node_id}': a ticket needs a 'subject'", None, ticket)
    else:
        check.variables(str(ticket["subject"]), "subject", ticket)
    seen: set[str] = set()
    for item in ticket.get("fields") or []:
        if not isinstance(item, dict):
            check.add(f"node '{node_id}': each field is a mapping (id, label, type)", "fields", ticket)
            continue
        field_id = str(item.get("id") or "")
        if not field_id:
            check.add(f"node '{node_id}': a field needs an 'id'", None, item)
        elif field_id in seen:
            check.add(f"node '{node_id}': field id '{field_id}' is used twice", "id", item)
        seen.add(field_id)
        if not item.get("label"):
            check.add(f"node '{node_id}': field '{field_id}' needs a 'label'", None, item)
        else:
            check.variables(str(item["label"]), "label", item)
        if item.get("type") not in FIELD_TYPES:
            check.add(f"node '{node_id}': field '{field_id}' has type '{item.get('type')}' "
                      f"(one of {', '.join(FIELD_TYPES)})", "type" if "type" in item else None, item)
        if item.get("type") == "choice" and not isinstance(item.get("choices"), list):
            check.add(f"node '{node_id}': choice field '{field_id}' needs 'choices'", None, item)
