"""What makes a PDF accessible here, checked with pypdf: tagged (a structure tree, MarkInfo
/Marked true), its language, and a title that viewers show instead of the file name."""

from __future__ import annotations

import io

import pypdf


def tagging(pdf: bytes) -> dict:
    """The facts a screen reader relies on, read from the PDF's catalog and metadata."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    root = reader.trailer["/Root"]
    mark_info = root.get("/MarkInfo") or {}
    prefs = root.get("/ViewerPreferences") or {}
    return {
        "structure": "/StructTreeRoot" in root,
        "marked": bool(mark_info.get("/Marked")),
        "lang": str(root.get("/Lang", "")),
        "title": str((reader.metadata or {}).get("/Title", "")),
        "display_title": bool(prefs.get("/DisplayDocTitle")),
    }


def assert_tagged(pdf: bytes, title: str) -> None:
    """The PDF is tagged, in British English, and titled with `title` (a part of it)."""
    facts = tagging(pdf)
    assert facts["structure"] and facts["marked"], facts
    assert facts["lang"] == "en-GB", facts
    assert title in facts["title"], facts
    assert facts["display_title"], facts
