"""A stand-in for WeasyPrint in the tests that are not about the PDF.

Rendering a letter with WeasyPrint takes half a second to several seconds on this machine,
and most tests that issue a letter only care that one was issued, stored and recorded. For
them `tests/conftest.py` replaces `letters.rendering.html_to_pdf` with `stub_pdf`: a real,
one-page PDF of a few hundred bytes, different for different HTML (its /Subject is the
HTML's SHA-256), so checks that a reissued letter's bytes differ, or that a stored file is
left byte-identical, still mean something.

A test that reads the PDF's text needs the real renderer: mark it `@pytest.mark.real_pdf`.
A test that forgets, and hands a stand-in to pypdf, fails with a message saying so instead
of finding "no customer name" in an empty page.
"""

from __future__ import annotations

import hashlib

PRODUCER = b"ucp tests: stand-in for WeasyPrint"


def stub_pdf(html: str) -> bytes:
    """A minimal valid PDF 1.4 (an empty A4 page) that identifies the HTML it stands for."""
    digest = hashlib.sha256(html.encode("utf-8")).hexdigest().encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << >> >>",
        b"<< /Producer (" + PRODUCER + b") /Subject (sha256 " + digest + b") >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n" % (len(objects) + 1)
    out += b"0000000000 65535 f \n"
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 4 0 R >>\n" % (len(objects) + 1)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def is_stub(data: bytes) -> bool:
    return data.startswith(b"%PDF-1.4\n") and PRODUCER in data[:1024]
