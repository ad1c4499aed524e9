"""Self-service actions: unlock my account, reset my password, performed against the
company directory by the sync server after the employee proves who they are with a
one-time code sent to the e-mail address the directory holds for them.

`settings` (what IT configures: the directory, the mail server, which actions), `directory`
(the LDAP operations, with ldap3), `codes` (one-time codes: expiry, attempts, blocking),
`record` (each action as a resolved request in the ITSM) and `routes` (the endpoints the
tray app calls). Nothing in a snapshot is code: a tree or article names an action id, and
this service decides what it does.
"""
