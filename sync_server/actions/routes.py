"""The self-service actions' endpoints, called by the tray app with its install credential.

    POST /v1/actions/{action}                  {"login": "jdoe"}
        202 {"challenge": ID, "sent_to": "j***@contoso.example", "expires_in": 600}
    POST /v1/actions/challenges/{ID}           {"code": "123456", "new_password": "…"}
        200 {"done": "unlock", "message": …}   403 wrong code (tries left)   429 blocked until …

The code goes to the address the directory holds for that login, so asking for someone
else's account does nothing but send them a code they will ignore. Whatever the login, the
start answers alike (no way to learn who exists). Wrong codes block the action for that
account; a new password is checked against the directory's rules and never logged.
"""
from __future__ import annotations

import logging
from datetime import datetime, timezone

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from sync_server.actions import codes
from sync_server.actions.directory import Directory, DirectoryError, PasswordRefused
from sync_server.actions.messages import MailError, record_resolved, send_code
from sync_server.auth import require
from sync_server.errors import ApiError

log = logging.getLogger("sync_server.actions")
router = APIRouter()


class Start(BaseModel):
    login: str = Field(min_length=1, max_length=128)
    group: str = Field(default="", max_length=128)          # add_to_group: one of the groups IT allows


class Started(BaseModel):
    challenge: str
    sent_to: str
    expires_in: int


class Answer(BaseModel):
    code: str = Field(min_length=1, max_length=12)
    new_password: str = Field(default="", max_length=256)


class Done(BaseModel):
    done: str
    message: str
    request: str = ""


def _settings(request: Request):
    settings = request.app.state.actions
    if settings is None:
        raise ApiError(404, "not_found", "self-service actions are not configured on this server")
    return settings


def masked(mail: str) -> str:
    user, _, domain = mail.partition("@")
    return f"{user[:1]}***@{domain}" if domain else "***"


def _audit(db, login: str, action: str, outcome: str, detail: str = "") -> None:
    with db.transaction() as tx:
        tx.execute("INSERT INTO action_audit (at, login, action, outcome, detail) VALUES (?, ?, ?, ?, ?)",
                   (datetime.now(timezone.utc).isoformat(timespec="seconds"), login, action, outcome, detail[:300]))


def _blocked(until: datetime) -> ApiError:
    return ApiError(429, "blocked", f"Too many wrong codes: try again after {until:%H:%M} UTC.",
                    headers={"Retry-After": str(max(1, int((until - datetime.now(timezone.utc)).total_seconds())))})


@router.post("/v1/actions/{action}", tags=["actions"], status_code=202)
def start(action: str, body: Start, request: Request) -> Started:
    require(request, "install")
    settings, db = _settings(request), request.app.state.db
    if action not in settings.enabled:
        raise ApiError(404, "not_found", f"no self-service action '{action[:40]}' here")
    login = body.login.strip()
    if action == "add_to_group" and body.group not in settings.groups:
        raise ApiError(422, "invalid", f"group: employees may join {', '.join(settings.groups) or 'no group'} "
                                       "themselves; ask the helpdesk for another one")
    until = codes.blocked_until(db, login, action)
    if until:
        raise _blocked(until)
    person = Directory(settings).find(login) if login else None
    if person is None or not person.mail:
        _audit(db, login, action, "unknown login")
        return Started(challenge="", sent_to="", expires_in=settings.code_minutes * 60)   # said alike: nobody learns who exists
    issued = codes.issue(db, login, action, settings.code_minutes, body.group if action == "add_to_group" else "")
    if issued is None:
        raise ApiError(429, "rate_limited", "Several codes were already sent this hour: use the last one, or try "
                                            "again later.", headers={"Retry-After": "900"})
    challenge, code = issued
    try:
        send_code(settings, person.mail, person.name or login, action, code, settings.code_minutes)
    except MailError as exc:
        _audit(db, login, action, "mail failed", str(exc))
        raise ApiError(503, "unavailable", "The code could not be sent right now; try again in a few minutes or "
                                           "call the helpdesk.") from None
    _audit(db, login, action, "code sent", masked(person.mail))
    return Started(challenge=challenge, sent_to=masked(person.mail), expires_in=settings.code_minutes * 60)


@router.post("/v1/actions/challenges/{challenge}", tags=["actions"])
async def answer(challenge: str, body: Answer, request: Request) -> Done:
    require(request, "install")
    return await run_in_threadpool(_answer, challenge, body, request)


def _answer(challenge: str, body: Answer, request: Request) -> Done:
    settings, db = _settings(request), request.app.state.db
    verdict = codes.check(db, challenge[:64], body.code, settings.max_attempts, settings.block_minutes)
    if verdict.reason == "blocked":
        _audit(db, verdict.login, verdict.action, "blocked")
        raise _blocked(verdict.blocked_until)
    if verdict.reason == "wrong":
        _audit(db, verdict.login, verdict.action, "wrong code")
        raise ApiError(403, "wrong_code", f"That code is not the one sent. {verdict.left} "
                                          f"{'try' if verdict.left == 1 else 'tries'} left.")
    if not verdict.ok:
        raise ApiError(410, "expired", "This code has expired or was already used: ask for a new one.")
    directory = Directory(settings)
    person = directory.find(verdict.login)
    if person is None:
        raise ApiError(410, "expired", "This account is no longer in the directory.")
    try:
        if verdict.action == "unlock":
            directory.unlock(person.dn)
            message = "Your account is unlocked: sign in again, slowly."
        elif verdict.action == "add_to_group":
            added = directory.add_to_group(person.dn, verdict.target)
            message = (f"You are now in {verdict.target}." if added else f"You were already in {verdict.target}.") + \
                " It can take up to an hour to reach every application."
        else:
            directory.set_password(person.dn, body.new_password)
            message = "Your new password is set: use it everywhere you sign in (phone, Wi-Fi, mail)."
    except PasswordRefused as exc:
        _audit(db, verdict.login, verdict.action, "password refused")
        codes.reopen(db, challenge)                     # the same code again, with another password
        raise ApiError(422, "password_refused", f"The password was not changed: {exc}.") from None
    except DirectoryError as exc:
        _audit(db, verdict.login, verdict.action, "directory failed", str(exc))
        raise ApiError(503, "unavailable", "The directory could not do it right now; call the helpdesk.") from None
    ticket = record_resolved(request.app.state.settings.rt_url, settings.record_queue, verdict.login, verdict.action,
                             f"Action: {verdict.action}{f' ({verdict.target})' if verdict.target else ''}.")
    _audit(db, verdict.login, verdict.action, "done", f"RT #{ticket}" if ticket else "")
    return Done(done=verdict.action, message=message, request=ticket)
