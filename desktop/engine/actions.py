"""The self-service actions a decision tree may name (`action: unlock`): ids only. What an
action does is decided by the service IT runs next to the sync server (sync_server/actions);
nothing in a snapshot is code."""
from __future__ import annotations

ACTIONS = {"unlock": "Unlock my account", "reset_password": "Choose a new password",
           "add_to_group": "Join a group or distribution list"}     # a tree node names the group: `group: NAME`
