"""The hand-over's parts one server process shares: the conversations, the bus, the
transcript sender. Made by `create_app`, closed at shutdown."""
from __future__ import annotations

import os

from sync_server.db import Database
from sync_server.handoff.bus import Bus
from sync_server.handoff.store import Conversations
from sync_server.handoff.transcripts import TranscriptSender


class Handoff:
    def __init__(self, db: Database, rt_url: str = "", rt_teams: dict | None = None,
                 default_queue: str = "General") -> None:
        self.bus = Bus(db)
        self.chats = Conversations(db, self.bus)
        self.transcripts = TranscriptSender(db, self.chats, rt_url, os.environ.get("HELPDESK_RT_TOKEN", ""),
                                            rt_teams or {}, default_queue)
        self.chats.on_end = lambda conv_id: self.transcripts.kick()
        self.transcripts.start()

    def close(self) -> None:
        self.transcripts.stop()
        self.bus.close()
