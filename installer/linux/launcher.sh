#!/bin/sh
# /usr/bin/helpdesk-assistant: the tray app with no arguments, or a verb (doctor, ask, login…).
# The policy is /etc/helpdesk-assistant/policy.toml unless HELPDESK_POLICY says otherwise.
exec /opt/helpdesk-assistant/helpdesk-assistant "$@"
