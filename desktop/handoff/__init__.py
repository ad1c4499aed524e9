"""Live chat with a helpdesk agent, from the app's side (no Qt): `live_chat.LiveChat`
follows one conversation over a WebSocket (long polling where a proxy blocks it) and keeps
it on disk so it resumes after a restart; `hours` says whether the helpdesk is open."""
