"""The demo's console mail: one line per message, never the base64 of an attachment."""

from __future__ import annotations

import io

from django.core.mail import EmailMessage

from ucp.mail import OneLineConsoleBackend


def test_one_line_per_message_naming_recipient_subject_and_attachments():
    stream = io.StringIO()
    backend = OneLineConsoleBackend(stream=stream)
    pdf = b"%PDF-1.7\n" + bytes(range(256)) * 200
    first = EmailMessage("Designation of Ann Example", "Body\nwith lines", to=["a@council.example"])
    first.attach("designation.pdf", pdf, "application/pdf")
    second = EmailMessage("Review due", "Hello", to=["b@council.example"], cc=["c@council.example"])

    assert backend.send_messages([first, second]) == 2

    lines = stream.getvalue().splitlines()
    assert len(lines) == 2
    assert "a@council.example" in lines[0]
    assert "'Designation of Ann Example'" in lines[0]
    assert f"designation.pdf ({len(pdf):,} bytes)" in lines[0]
    assert "b@council.example, c@council.example" in lines[1]
    assert "base64" not in stream.getvalue() and "Body" not in stream.getvalue()
