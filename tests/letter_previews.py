"""Going through a letter's preview as a browser does (letters/drafts.py): post the decision,
read the signed draft off the preview page, and post it back to confirm or to change."""

from __future__ import annotations

import html
import re

DRAFT = re.compile(r'<input type="hidden" name="draft" value="([^"]+)"')


def draft_of(response) -> str:
    """The signed draft on a preview page; fails if the page is not a preview."""
    page = response.content.decode()
    found = DRAFT.search(page)
    assert found, f"not a letter preview (status {response.status_code})"
    return html.unescape(found.group(1))


def confirm(client, url: str, data: dict | None = None, *, follow: bool = False):
    """Post the decision (or, for a letter page, nothing), check its letter is previewed,
    and confirm it: what the user does who reads the letter and clicks the button."""
    preview = client.post(url, data or {})
    assert preview.status_code == 200, preview.status_code
    return client.post(url, {"draft": draft_of(preview), "action": "confirm"}, follow=follow)


def change(client, url: str, preview):
    """"Change your decision" on a preview: back to the form with everything kept."""
    return client.post(url, {"draft": draft_of(preview), "action": "change"})
