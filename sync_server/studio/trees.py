"""The decision-tree editor: the tree drawn from its start, every node reachable or flagged,
one node edited at a time with its checks, targets and form fields chosen from lists.

    GET  /studio/trees                   the trees, with their problems
    GET  /studio/trees/ID                the tree from its start; unreachable and missing nodes in red
    GET  /studio/trees/ID/nodes/NODE     a node's form          POST: saved into the tree's draft

Edits to one tree by one admin collect in one draft (a change waiting for review), so a
tree can be reshaped node by node before a publisher approves it. Every save is checked
with the builder's own rules. The file is rewritten as YAML (comments are not kept).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from html import escape

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from desktop.engine.actions import ACTIONS
from desktop.engine.checks import CHECKS
from kb_snapshots.tree_nodes import FIELD_TYPES, NODE_KINDS
from sync_server.auth import check_same_origin
from sync_server.studio import changes
from sync_server.studio.accounts import StudioUser
from sync_server.studio.pages import form_fields, open_studio, page
from sync_server.studio.source import SourceTree, TreeFile, dump_yaml

router = APIRouter(include_in_schema=False, dependencies=[Depends(check_same_origin)])
LINKS = ("next", "if_ok", "if_failed", "if_unknown", "unsolved")
NODE_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
EMPTY_ROWS = 2


def kind_of(node: dict) -> str:
    return next((kind for kind in NODE_KINDS if kind in node), "?")


def targets(node: dict) -> list[str]:
    found = [str(node[link]) for link in LINKS if node.get(link)]
    found += [str(o.get("next")) for o in node.get("options") or [] if isinstance(o, dict) and o.get("next")]
    return found


def reachable(data: dict) -> set[str]:
    nodes, seen, todo = data.get("nodes") or {}, set(), [str(data.get("start") or "")]
    while todo:
        current = todo.pop()
        if current in seen or current not in nodes:
            continue
        seen.add(current)
        todo += targets(nodes[current] if isinstance(nodes[current], dict) else {})
    return seen


def current_text(request: Request, tree_file: TreeFile, author: str) -> tuple[str, changes.Change | None]:
    """The tree as this admin is editing it: their waiting draft of it, else the file."""
    mine = [c for c in changes.pending(request.app.state.db, tree_file.id) if c.author == author]
    return (mine[-1].text, mine[-1]) if mine else (tree_file.text, None)


@router.get("/studio/trees", response_class=HTMLResponse)
def tree_list(request: Request, q: str = "") -> HTMLResponse:
    user, tree, refused = open_studio(request)
    if refused:
        return refused
    from sync_server.studio.pages import usage  # noqa: PLC0415

    used, wanted, rows = usage(request), q.strip().lower(), ""
    for t in tree.trees():
        title = str(t.data.get("title") or t.id)
        if wanted and wanted not in f"{title} {t.id}".lower():
            continue
        nodes = t.data.get("nodes") or {}
        lost = len(set(nodes) - reachable(t.data))
        changed = datetime.fromtimestamp((tree.root / t.path).stat().st_mtime, timezone.utc)
        rows += (f"<tr><td><a href='/studio/trees/{escape(t.id)}'>{escape(title)}</a></td>"
                 f"<td>{escape(t.id)}</td><td>{escape(str(t.data.get('lang') or ''))}</td>"
                 f"<td>{escape(str(t.data.get('team') or ''))}</td><td class=n>{len(nodes)}</td>"
                 f"<td class=n>{used.get(t.id, 0)}</td><td>{changed:%Y-%m-%d %H:%M}</td>"
                 f"<td>{f'<span class=unreachable>{lost} unreachable</span>' if lost else 'all reachable'}</td></tr>")
    return page("Decision trees — KB Studio", f"""<div class=card><h2>Decision trees</h2><form class=filters
method=get action='/studio/trees'><input name=q value='{escape(q)}' placeholder='Search titles and ids'>
<button type=submit>Filter</button></form><table><tr><th>Title</th><th>Id</th><th>Language</th><th>Team</th>
<th>Nodes</th><th>Used (30 days)</th><th>Last change</th><th>Reachable</th></tr>{rows}</table></div>""", user)


def _outline(tree_id: str, nodes: dict, node_id: str, seen: set[str], depth: int = 0) -> str:
    if node_id not in nodes:
        return f"<span class=unreachable>missing node '{escape(node_id)}'</span>"
    if node_id in seen or depth > 40:
        return f"<a href='#n-{escape(node_id)}'>{escape(node_id)}</a> <span class=note>(shown above)</span>"
    seen.add(node_id)
    node = nodes[node_id] if isinstance(nodes[node_id], dict) else {}
    kind = kind_of(node)
    head = (f"<span class=node id='n-{escape(node_id)}'>{escape(kind)}</span> <b>{escape(node_id)}</b> "
            f"<a href='/studio/trees/{escape(tree_id)}/nodes/{escape(node_id)}'>edit</a> "
            f"{escape(str(node.get('text') or ''))}")
    branches: list[tuple[str, str]] = []
    if kind == "options":
        branches = [(str(o.get("label") or ""), str(o.get("next") or "")) for o in node["options"] or []
                    if isinstance(o, dict)]
    elif kind == "check":
        head += f" <code>{escape(str(node['check']))}</code>"
        branches = [(f"if {link[3:]}", str(node[link])) for link in ("if_ok", "if_failed", "if_unknown") if node.get(link)]
    elif kind == "answer":
        first = str(node["answer"] or "").strip().splitlines()
        head += f"<br><small>{escape(first[0][:140] if first else '')}</small>"
    elif kind == "ticket" and isinstance(node["ticket"], dict):
        fields = ", ".join(str(f.get("label") or f.get("id")) for f in node["ticket"].get("fields") or []
                           if isinstance(f, dict))
        head += f" ticket <i>{escape(str(node['ticket'].get('subject') or ''))}</i> <small>({escape(fields)})</small>"
    if node.get("unsolved"):
        branches.append(("still broken", str(node["unsolved"])))
    items = "".join(f"<li>{escape(label)} → {_outline(tree_id, nodes, target, seen, depth + 1)}</li>"
                    for label, target in branches)
    return head + (f"<ul class=tree>{items}</ul>" if items else "")


@dataclass
class Editing:
    """A tree as the signed-in admin edits it: their waiting draft of it, else the file."""
    user: StudioUser
    tree: SourceTree
    file: TreeFile
    draft: changes.Change | None
    data: dict


def _open_tree(request: Request, tree_id: str, posting: bool = False) -> tuple[Response | None, Editing | None]:
    """(None, what is being edited), or (the page to answer with, None)."""
    user, tree, refused = open_studio(request, posting)
    if refused:
        return refused, None
    found = next((t for t in tree.trees() if t.id == tree_id), None)
    if found is None:
        return page("Not found — KB Studio", "<div class=card><p>No such decision tree.</p></div>", user, 404), None
    text, draft = current_text(request, found, user.name)
    return None, Editing(user, tree, found, draft, TreeFile.parse(text))


@router.get("/studio/trees/{tree_id}", response_class=HTMLResponse)
def tree_page(request: Request, tree_id: str, saved: int = 0) -> Response:
    refused, editing = _open_tree(request, tree_id)
    if refused:
        return refused
    user, found, draft, data = editing.user, editing.file, editing.draft, editing.data
    nodes = data.get("nodes") or {}
    lost = sorted(set(nodes) - reachable(data))
    note = ""
    if draft is not None:
        note = (f"<p class=notice>You are editing <a href='/studio/changes/{draft.id}'>your draft {draft.id}</a> of this "
                f"tree{' (saved)' if saved else ''}; a publisher approves it. <a href='/studio/console?change={draft.id}'>"
                f"Try it in the test console</a>.</p>")
    unreachable = "".join(f"<li class=unreachable><a href='/studio/trees/{escape(tree_id)}/nodes/{escape(n)}'>"
                          f"{escape(n)}</a>: no path from the start leads here</li>" for n in lost)
    return page(f"{data.get('title') or tree_id} — KB Studio", f"""<div class=card><h2>{escape(str(data.get('title')
or tree_id))} <small>({escape(tree_id)}, {escape(found.path)})</small></h2>{note}
<div id=outline>{_outline(tree_id, nodes, str(data.get('start') or ''), set())}</div>
{f'<h3>Not reachable</h3><ul>{unreachable}</ul>' if unreachable else '<p class=ok>Every node is reachable.</p>'}
<p class=note><a href='/studio/articles/{escape(tree_id)}/history'>Approved versions of this tree</a></p></div>""", user)


def _select(name: str, values: list[str], chosen: str, blank: str = "(none)") -> str:
    options = "".join(f"<option value='{escape(v)}'{' selected' if v == chosen else ''}>{escape(v or blank)}</option>"
                      for v in ["", *values])
    return f"<select name='{escape(name)}' id='{escape(name)}'>{options}</select>"


def _node_form(tree_id: str, node_id: str, node: dict, node_ids: list[str], teams: list[str], message: str = "") -> str:
    kind = kind_of(node) if node else "answer"
    options = [o for o in node.get("options") or [] if isinstance(o, dict)] + [{}] * EMPTY_ROWS
    option_rows = "".join(
        f"<tr><td><input type=text name=label{i} value='{escape(str(o.get('label') or ''))}'></td>"
        f"<td>{_select(f'next{i}', node_ids, str(o.get('next') or ''))}</td>"
        f"<td><input type=text name=new{i} placeholder='new node id' size=14></td></tr>" for i, o in enumerate(options))
    ticket = node.get("ticket") if isinstance(node.get("ticket"), dict) else {}
    fields = [f for f in ticket.get("fields") or [] if isinstance(f, dict)] + [{}] * EMPTY_ROWS
    field_rows = "".join(
        f"<tr><td><input type=text name=fid{i} value='{escape(str(f.get('id') or ''))}' size=10></td>"
        f"<td><input type=text name=flabel{i} value='{escape(str(f.get('label') or ''))}'></td>"
        f"<td>{_select(f'ftype{i}', list(FIELD_TYPES), str(f.get('type') or ''), '(type)')}</td>"
        f"<td><input type=checkbox name=freq{i}{' checked' if f.get('required') else ''}></td>"
        f"<td><input type=text name=fchoices{i} value='{escape(', '.join(map(str, f.get('choices') or [])))}'></td></tr>"
        for i, f in enumerate(fields))
    kinds = "".join(f"<option value={k}{' selected' if k == kind else ''}>{k}</option>" for k in NODE_KINDS)
    link = lambda name: _select(name, node_ids, str(node.get(name) or ""))  # noqa: E731
    return f"""{message}<form class=edit method=post action='/studio/trees/{escape(tree_id)}/nodes/{escape(node_id)}'>
<label for=kind>This node</label><select id=kind name=kind>{kinds}</select>
<label for=text>Text shown</label><input type=text id=text name=text value='{escape(str(node.get('text') or ''))}'>
<fieldset><legend>options: the employee chooses</legend><table><tr><th>Label</th><th>Leads to</th><th>or a new node
</th></tr>{option_rows}</table></fieldset>
<fieldset><legend>check: a built-in probe runs</legend><label for=check>Check</label>
{_select('check', sorted(CHECKS), str(node.get('check') or ''))}<label for=if_ok>If ok</label>{link('if_ok')}
<label for=if_failed>If failed</label>{link('if_failed')}<label for=if_unknown>If unknown</label>{link('if_unknown')}
</fieldset><fieldset><legend>answer: the steps, in Markdown</legend>
<textarea id=answer name=answer rows=8>{escape(str(node.get('answer') or ''))}</textarea>
<label for=unsolved>If still broken</label>{link('unsolved')}</fieldset>
<fieldset><legend>ticket: a form sent to the helpdesk</legend><label for=subject>Subject</label>
<input type=text id=subject name=subject value='{escape(str(ticket.get('subject') or ''))}'>
<label for=team>Team</label>{_select('team', teams, str(ticket.get('team') or ''), "(the tree's team)")}
<table><tr><th>Id</th><th>Label</th><th>Type</th><th>Required</th><th>Choices (comma separated)</th></tr>{field_rows}
</table></fieldset><fieldset><legend>booking: an appointment with a technician</legend><label for=reason>Reason</label>
<input type=text id=reason name=reason value='{escape(str((node.get('booking') or {}).get('reason') or '')
                                                      if isinstance(node.get('booking'), dict) else '')}'></fieldset>
<fieldset><legend>action: the employee does it themselves (a code by e-mail first)</legend>
<label for=action>Action</label>{_select('action', list(ACTIONS), str(node.get('action') or ''))}
<label for=action_unsolved>If it did not work</label>{_select('action_unsolved', node_ids, str(node.get('unsolved') or ''))}
</fieldset>
<p><button type=submit>Save into my draft of this tree</button></p></form>"""


@router.get("/studio/trees/{tree_id}/nodes/{node_id}", response_class=HTMLResponse)
def node_page(request: Request, tree_id: str, node_id: str) -> Response:
    refused, editing = _open_tree(request, tree_id)
    if refused:
        return refused
    user, tree, data = editing.user, editing.tree, editing.data
    nodes = data.get("nodes") or {}
    if node_id not in nodes:
        return page("Not found — KB Studio", "<div class=card><p>No such node.</p></div>", user, 404)
    form = _node_form(tree_id, node_id, nodes[node_id] if isinstance(nodes[node_id], dict) else {}, sorted(nodes),
                      sorted(tree.config().get("teams") or {}))
    return page(f"{node_id} — KB Studio", f"""<div class=card><h2>Node {escape(node_id)} of
<a href='/studio/trees/{escape(tree_id)}'>{escape(str(data.get('title') or tree_id))}</a></h2>
<p class=note>Fill in the part for the kind of node chosen; the others are ignored.</p>{form}</div>""", user)


def node_from_form(form: dict[str, str], old: dict) -> tuple[dict, dict[str, dict]]:
    """The node the form describes, and the new nodes its options create."""
    kind = form.get("kind") if form.get("kind") in NODE_KINDS else "answer"
    node: dict = {"text": form["text"].strip()} if form.get("text", "").strip() else {}
    created: dict[str, dict] = {}
    if kind == "options":
        node["options"] = []
        for i in range(100):
            if f"label{i}" not in form:
                break
            label, new = form[f"label{i}"].strip(), form.get(f"new{i}", "").strip().lower()
            target = new or form.get(f"next{i}", "")
            if label and target:
                node["options"].append({"label": label, "next": target})
                if new and NODE_ID.match(new):
                    created[new] = {"answer": "Write this answer."}
    elif kind == "check":
        node["check"] = form.get("check", "")
        node |= {link: form[link] for link in ("if_ok", "if_failed", "if_unknown") if form.get(link)}
    elif kind == "answer":
        node["answer"] = form.get("answer", "").replace("\r\n", "\n").strip() + "\n"
        if form.get("unsolved"):
            node["unsolved"] = form["unsolved"]
    elif kind == "ticket":
        fields = []
        for i in range(100):
            if f"fid{i}" not in form:
                break
            if not form[f"fid{i}"].strip():
                continue
            field = {"id": form[f"fid{i}"].strip(), "label": form.get(f"flabel{i}", "").strip(),
                     "type": form.get(f"ftype{i}") or "text"}
            if form.get(f"freq{i}"):
                field["required"] = True
            choices = [c.strip() for c in form.get(f"fchoices{i}", "").split(",") if c.strip()]
            if choices:
                field["choices"] = choices
            fields.append(field)
        node["ticket"] = {"subject": form.get("subject", "").strip(), **({"team": form["team"]} if form.get("team")
                                                                        else {}), "fields": fields}
    elif kind == "action":
        node["action"] = form.get("action", "")
        if form.get("action_unsolved"):
            node["unsolved"] = form["action_unsolved"]
    else:
        node["booking"] = {"reason": form.get("reason", "").strip()}
    return node, created


@router.post("/studio/trees/{tree_id}/nodes/{node_id}", response_class=HTMLResponse)
async def save_node(request: Request, tree_id: str, node_id: str) -> Response:
    refused, editing = _open_tree(request, tree_id, posting=True)
    if refused:
        return refused
    user, tree, found, draft, data = editing.user, editing.tree, editing.file, editing.draft, editing.data
    nodes = data.setdefault("nodes", {})
    form = await form_fields(request)
    node, created = node_from_form(form, nodes.get(node_id) or {})
    nodes[node_id] = node
    for new_id, stub in created.items():
        nodes.setdefault(new_id, stub)
    new_text = dump_yaml(data)
    problems = tree.check(found.path, new_text)
    if problems:
        listed = "".join(f"<li>{escape(p)}</li>" for p in problems)
        shown = _node_form(tree_id, node_id, node, sorted(nodes), sorted(tree.config().get("teams") or {}),
                           f"<div class=problems><b>Not saved:</b><ul>{listed}</ul></div>")
        return page(f"{node_id} — KB Studio", f"<div class=card><h2>Node {escape(node_id)}</h2>{shown}</div>", user, 400)
    if draft is None:
        changes.propose(request.app.state.db, found.as_article(), new_text, user)
    else:
        changes.revise(request.app.state.db, draft, new_text, user)
    return RedirectResponse(f"/studio/trees/{tree_id}?saved=1", status_code=303)
