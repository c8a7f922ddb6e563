"""Sending one mail: SMTP when MAIL_SERVER is set, else an .eml file under instance/."""
import smtplib
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

from flask import current_app

from avvikelse.core.email_address import is_plain_address
from avvikelse.notifications.mailtext import header_text
from avvikelse.notifications.models import Mail


def build_message(mail: Mail) -> EmailMessage:
    cfg = current_app.config
    if not is_plain_address(mail.to_address):  # never a second recipient or a header
        raise ValueError(f"mail {mail.id}: not a plain e-mail address")
    msg = EmailMessage()
    msg["From"] = cfg["MAIL_FROM"]
    msg["To"] = mail.to_address
    msg["Subject"] = header_text(mail.subject)  # our text only; flattened again for old rows
    # Stable id: a mail sent twice after a crash is recognisable as one by the receiver.
    msg["Message-ID"] = make_msgid(idstring=f"mail{mail.id}", domain="avvikelse")
    msg.set_content(mail.body)
    return msg


def deliver(mail: Mail) -> None:
    cfg = current_app.config
    msg = build_message(mail)
    if cfg["MAIL_SERVER"]:
        with smtplib.SMTP(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=cfg["MAIL_TIMEOUT"]) as smtp:
            smtp.send_message(msg)
        return
    folder = Path(cfg["MAIL_FOLDER"])
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{mail.id:08d}.eml").write_bytes(bytes(msg))
