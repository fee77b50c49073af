"""A console mail backend for the embedded demo: one line per message.

Django's console backend prints the whole MIME message, so one designation email with its
letter attached is hundreds of lines of base64. Here each message is one line: who it is
to, its subject and the names and sizes of its attachments, which is what someone trying
the demo needs to see that the mail went.
"""

from __future__ import annotations

import sys
import threading

from django.core.mail.backends.base import BaseEmailBackend


def describe(message) -> str:
    """One line about an EmailMessage: recipients, subject, attachments."""
    to = ", ".join([*message.to, *message.cc, *message.bcc]) or "(no recipient)"
    parts = [f"mail to {to}: {message.subject!r}"]
    attachments = []
    for attachment in message.attachments:
        if isinstance(attachment, tuple):  # (filename, content, mimetype)
            name, content = attachment[0], attachment[1]
        else:  # a MIMEBase object
            name = attachment.get_filename() or "attachment"
            content = attachment.get_payload(decode=True) or b""
        attachments.append(f"{name or 'attachment'} ({len(content or b''):,} bytes)")
    if attachments:
        parts.append("attached: " + "; ".join(attachments))
    return " · ".join(parts)


class OneLineConsoleBackend(BaseEmailBackend):
    def __init__(self, *args, stream=None, **kwargs):
        self.stream = stream or sys.stdout
        self._lock = threading.RLock()
        super().__init__(*args, **kwargs)

    def send_messages(self, email_messages) -> int:
        sent = 0
        with self._lock:
            for message in email_messages or []:
                self.stream.write(describe(message).replace("\n", " ") + "\n")
                sent += 1
            self.stream.flush()
        return sent
