"""The tray app's side of a live conversation, with its install credential (docs/handoff.md).

    GET  /v1/handoff/availability?team=T          {"agents_available", "waiting", "estimate_seconds"}
    POST /v1/handoff/conversations                start one (or get the install's open one)
    WS   /v1/handoff/conversations/{id}/live?after=N      frames both ways
    GET  /v1/handoff/conversations/{id}/events?after=N&wait=25   long polling, where a proxy blocks WebSockets
    POST /v1/handoff/conversations/{id}/frames    one frame the app sends, answered with its acknowledgement

A conversation belongs to the install that started it: another install's credential gets
404, as for an id that does not exist.
"""
from __future__ import annotations

import asyncio
import json
import time

from fastapi import APIRouter, Request, WebSocket, WebSocketDisconnect
from pydantic import BaseModel, Field
from starlette.requests import ClientDisconnect

from sync_server.auth import INSTALL_SCOPE, require
from sync_server.errors import ApiError
from sync_server.handoff.sessions import EmployeeFollower, employee_action, in_worker

router = APIRouter()
MAX_FRAME = 8 * 1024
MAX_WAIT = 30.0
POLL_STATE_SECONDS = 120.0     # a long poll shows the state again after this long (an app that restarted)
_POLLED: dict[str, tuple[float, dict | None]] = {}
DEFAULT_TEAM = "service-desk"


class Tried(BaseModel):
    question: str = Field(default="", max_length=300)
    answer: str = Field(default="", max_length=300)


class Start(BaseModel):
    question: str = Field(min_length=1, max_length=2000)
    team: str = Field(default="", max_length=64, pattern=r"^[a-z0-9_-]*$")
    lang: str = Field(default="en", max_length=8, pattern=r"^[a-z]{2}(-[A-Za-z]{2})?$")
    employee: str = Field(default="", max_length=120)
    answers: list[Tried] = Field(default_factory=list, max_length=10)
    steps: list[str] = Field(default_factory=list, max_length=30)
    computer: dict[str, str] = Field(default_factory=dict, max_length=24)
    ticket: str = Field(default="", max_length=64)


def _state(request_or_ws):
    return request_or_ws.app.state.handoff


def _own(chats, conv_id: str, install_ref: str) -> dict:
    conv = chats.get(conv_id)
    if conv is None or conv["install_ref"] != install_ref:
        raise ApiError(404, "not_found", "no such conversation")
    return conv


@router.get("/v1/handoff/availability", tags=["handoff"])
def availability(request: Request, team: str = "") -> dict:
    require(request, INSTALL_SCOPE)
    return _state(request).chats.availability(team.strip().lower()[:64] or DEFAULT_TEAM)


@router.post("/v1/handoff/conversations", tags=["handoff"], status_code=201)
def start(body: Start, request: Request) -> dict:
    principal = require(request, INSTALL_SCOPE)
    chats = _state(request).chats
    context = {"employee": body.employee, "answers": [t.model_dump() for t in body.answers],
               "steps": [s[:200] for s in body.steps],
               "computer": {k[:40]: v[:200] for k, v in body.computer.items()}}
    conv = chats.start(principal.install_ref, body.team or DEFAULT_TEAM, body.lang, body.question.strip(), context,
                       body.ticket)
    return {"id": conv["id"], **chats.queue_state(conv)}


@router.get("/v1/handoff/conversations/{conv_id}/events", tags=["handoff"])
async def events(conv_id: str, request: Request, after: int = 0, wait: float = 25.0) -> dict:
    principal = require(request, INSTALL_SCOPE)
    chats = _state(request).chats
    await in_worker(_own, chats, conv_id, principal.install_ref)
    follower = EmployeeFollower(chats, _state(request).bus, conv_id, after)
    follower.shown_state = _polled_state(conv_id)      # a poll waits for news, not for the state it had
    try:
        found = await follower.next(max(0.0, min(float(wait), MAX_WAIT)))
    finally:
        follower.close()
    _POLLED[conv_id] = (time.monotonic(), follower.shown_state)
    return {"events": found}


def _polled_state(conv_id: str) -> dict | None:
    """The state the last long poll of this conversation passed on (this process, the last
    POLL_STATE_SECONDS): each poll is a new follower, and one that showed the state again
    would answer at once, every time: the app would poll in a loop."""
    now = time.monotonic()
    if len(_POLLED) > 10_000:
        for key in [k for k, (at, _) in _POLLED.items() if now - at > POLL_STATE_SECONDS]:
            del _POLLED[key]
    at, state = _POLLED.get(conv_id, (0.0, None))
    return state if now - at <= POLL_STATE_SECONDS else None


@router.post("/v1/handoff/conversations/{conv_id}/frames", tags=["handoff"])
async def frames(conv_id: str, request: Request) -> dict:
    principal = require(request, INSTALL_SCOPE)
    chats = _state(request).chats
    conv = await in_worker(_own, chats, conv_id, principal.install_ref)
    try:
        frame = json.loads(await request.body())
    except ValueError:
        raise ApiError(422, "invalid", "the body is one JSON frame") from None
    except ClientDisconnect:                 # the app gave up waiting; it sends the frame again
        return {"events": []}
    if not isinstance(frame, dict):
        raise ApiError(422, "invalid", "the body is one JSON frame")
    return {"events": await in_worker(employee_action, chats, conv, frame)}


@router.websocket("/v1/handoff/conversations/{conv_id}/live")
async def live(websocket: WebSocket, conv_id: str, after: int = 0) -> None:
    header = websocket.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    principal = websocket.app.state.tokens.lookup(token.strip()) if scheme.lower() == "bearer" and token else None
    if principal is None or INSTALL_SCOPE not in principal.scopes:
        await websocket.close(code=4401, reason="an install credential is needed")
        return
    chats = _state(websocket).chats
    try:
        conv = await in_worker(_own, chats, conv_id, principal.install_ref)
    except ApiError:
        await websocket.close(code=4404, reason="no such conversation")
        return
    await websocket.accept()
    follower = EmployeeFollower(chats, _state(websocket).bus, conv_id, after)
    await serve_socket(websocket, follower, lambda frame: employee_action(chats, conv, frame))


async def serve_socket(websocket: WebSocket, follower, act) -> None:
    """Pass the follower's events out and the client's frames in, until either side closes."""
    async def outgoing() -> None:
        while True:
            found = await follower.next(MAX_WAIT)
            for event in found:
                await websocket.send_text(json.dumps(event))
            if not found:
                await websocket.send_text('{"type":"ping"}')    # keeps proxies from closing an idle socket

    async def incoming() -> None:
        while True:
            raw = await websocket.receive_text()
            if len(raw) > MAX_FRAME:
                await websocket.close(code=1009, reason="frame too large")
                return
            try:
                frame = json.loads(raw)
            except ValueError:
                frame = None
            replies = await in_worker(act, frame) if isinstance(frame, dict) else [
                {"type": "error", "message": "a frame is one JSON object"}]
            for reply in replies:
                await websocket.send_text(json.dumps(reply))

    tasks = [asyncio.create_task(outgoing()), asyncio.create_task(incoming())]
    try:
        done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        for task in done:
            if task.exception() and not isinstance(task.exception(), (WebSocketDisconnect, RuntimeError)):
                raise task.exception()
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)   # the other side's end (a closed socket) is no error
        follower.close()
