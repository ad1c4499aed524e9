"""What the self-service actions send and record outside: the one-time code by e-mail
(smtplib; STARTTLS and a sign-in where IT configures them) and each action as a resolved
request in Request Tracker (`serve --rt-url`, token in HELPDESK_RT_TOKEN), so it counts
as a helpdesk request avoided."""
from __future__ import annotations

import logging
import os
import smtplib
import ssl
from email.message import EmailMessage

import requests

from sync_server.actions.settings import ActionSettings

log = logging.getLogger("sync_server.actions")
TIMEOUT = 10
WHAT = {"unlock": ("unlock your account", "déverrouiller votre compte"),
        "reset_password": ("choose a new password", "choisir un nouveau mot de passe"),
        "add_to_group": ("join a group", "rejoindre un groupe")}


class MailError(Exception):
    """The code could not be sent."""


def send_code(settings: ActionSettings, to: str, name: str, action: str, code: str, minutes: int) -> None:
    en, fr = WHAT[action]
    message = EmailMessage()
    message["From"], message["To"] = settings.mail_sender, to
    message["Subject"] = f"Helpdesk code: {code}"
    message.set_content(
        f"Hello {name},\n\nYour code to {en} is {code}. It is valid for {minutes} minutes.\n"
        "If you did not ask for it, ignore this message: nothing changes without the code.\n\n"
        f"Bonjour {name},\n\nVotre code pour {fr} est {code}. Il est valable {minutes} minutes.\n"
        "Si vous ne l'avez pas demandé, ignorez ce message : rien ne change sans le code.\n")
    try:
        with smtplib.SMTP(settings.mail_host, settings.mail_port, timeout=TIMEOUT) as smtp:
            if settings.mail_starttls:
                smtp.starttls(context=ssl.create_default_context())
            if settings.mail_username:
                smtp.login(settings.mail_username, settings.mail_password)
            smtp.send_message(message)
    except (smtplib.SMTPException, OSError) as exc:
        raise MailError(f"the code could not be sent ({exc.__class__.__name__})") from None


def record_resolved(rt_url: str, queue: str, login: str, action: str, detail: str) -> str:
    """A resolved request in RT saying what the employee did themselves; '' when RT is not
    configured or does not answer (the action is done and audited either way)."""
    token = os.environ.get("HELPDESK_RT_TOKEN", "")
    if not rt_url or not queue or not token:
        return ""
    headers = {"Authorization": f"token {token}"}
    base = f"{rt_url.rstrip('/')}/REST/2.0"
    try:
        made = requests.post(f"{base}/ticket", headers=headers, timeout=TIMEOUT, json={
            "Queue": queue, "Subject": f"Self-service: {WHAT[action][0]} ({login})", "ContentType": "text/plain",
            "Content": f"{login} did this themselves in Helpdesk Assistant after a one-time code sent to the "
                       f"address the directory holds for them.\n{detail}"})
        ticket = str(made.json().get("id", "")) if made.status_code == 201 else ""
        if ticket:
            requests.put(f"{base}/ticket/{ticket}", headers=headers, timeout=TIMEOUT, json={"Status": "resolved"})
        return ticket
    except (requests.RequestException, ValueError):
        log.warning("the self-service action of %s could not be recorded in RT", login)
        return ""
