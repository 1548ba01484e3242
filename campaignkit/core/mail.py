"""Sending mail: through SMTP when ``[mail] host`` is set, else into the instance's ``outbox/``.

A new install has no mail server, so by default every message is written to
``outbox/`` as an ``.eml`` file that any mail program can open; set up
``[mail]`` in ``campaign.toml`` to send for real::

    [mail]
    host = "smtp.example.org"
    port = 587
    username = "campaign@example.org"
    starttls = true
    from_address = "Our campaign <campaign@example.org>"
    # password: here, or in CAMPAIGNKIT_MAIL_PASSWORD
"""

from __future__ import annotations

import logging
import os
import smtplib
import ssl
import uuid
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from campaignkit.core.config import MailSection
from campaignkit.core.state import current_instance

log = logging.getLogger(__name__)

OUTBOX = "outbox"


class MailError(Exception):
    """A message could not be handed to the mail server."""


def build_message(sender: str, to: str, subject: str, body: str) -> EmailMessage:
    """A plain-text message with the headers every mail needs."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2].strip(">") or None)
    message.set_content(body)
    return message


def write_to_outbox(instance_dir: Path, message: EmailMessage) -> Path:
    """Write a message to ``outbox/`` as an .eml file readable only by the owner."""
    folder = Path(instance_dir) / OUTBOX
    folder.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    path = folder / f"{stamp}-{uuid.uuid4().hex[:8]}.eml"
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(message.as_bytes())
    return path


def remove_from_outbox(instance_dir: Path, email: str) -> int:
    """Delete the ``outbox/`` messages that mention an address (an erasure); returns how many."""
    folder = Path(instance_dir) / OUTBOX
    needle = email.strip().lower().encode()
    removed = 0
    for path in folder.glob("*.eml") if folder.is_dir() else []:
        if needle in path.read_bytes().lower():
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def send_smtp(settings: MailSection, message: EmailMessage) -> None:
    """Hand a message to the configured SMTP server; raises MailError on any failure."""
    try:
        with smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout_s) as smtp:
            if settings.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if settings.username:
                smtp.login(settings.username, settings.password or "")
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        raise MailError(f"mail to {message['To']} not sent: {exc}") from exc


def send_mail(to: str, subject: str, body: str) -> None:
    """Send a plain-text message from the campaign; raises MailError if the server refuses."""
    instance = current_instance()
    settings = instance.config.mail
    message = build_message(settings.from_address, to, subject, body)
    if settings.host:
        send_smtp(settings, message)
        log.info("mail %r sent to the SMTP server for %s", subject, to)
    else:
        path = write_to_outbox(instance.path, message)
        log.info("mail %r written to %s", subject, path.name)
