"""Live hand-over: an employee's conversation with a helpdesk agent (docs/handoff.md).

- `store`      conversations and their numbered messages, in the server's database
- `bus`        wake-ups between requests and replicas (PostgreSQL LISTEN/NOTIFY)
- `agents`     agent accounts, teams and sessions
- `sessions`   what one employee or one agent sees and may do, shared by both transports
- `employee`   the tray app's endpoints: WebSocket, and long polling where proxies block it
- `console`    the agent console at /agent (pages, WebSocket, long polling)
- `transcripts` each ended conversation into the ITSM, exactly once
- `figures`    waiting times, conversations per agent, abandonment
"""
