"""The Content Security Policy's two allowances for inline code, both by sha256 hash.

Every page is `script-src 'self'` and `style-src 'self'` (settings.CONTENT_SECURITY_POLICY,
django-csp): nothing inline runs or styles a page. Two kinds of inline code are allowed, each
by the hash of its exact text, so an injected script or style (whose text differs) is still
refused:

- GOV.UK Frontend's one-line start-up snippet (`JS_ENABLED_SCRIPT`), which must run at the
  top of <body>, before the page is first drawn, or the page flashes its no-JavaScript
  layout. It is the same text on every page, so its hash is fixed and sits in the settings;
  a nonce would work too, but only on pages rendered with a request (Django's CSRF failure
  page, 403_csrf.html, is rendered without one).
- The <style> of a self-contained document rendered to PDF as well as shown in the browser:
  an issued letter (stored as issued, and shown in the preview page's iframe, whose srcdoc
  inherits the page's policy) and the printable quarterly report. Their CSS is inline on
  purpose: a stored letter must look the same in ten years whatever the stylesheet has
  become, and WeasyPrint fetches nothing. `allow_inline_styles` adds the hashes of the
  <style> blocks of the HTML a response shows to that response's policy only.

This module imports nothing from Django, so the settings can import it.
"""

from __future__ import annotations

import base64
import hashlib
import re

# GOV.UK Frontend's documented snippet: marks <body> so its CSS and JS know scripts run.
JS_ENABLED_SCRIPT = (
    "document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype"
    " ? ' govuk-frontend-supported' : '');"
)

# The text of each <style> element; a letter's is its own CSS, never user input.
_STYLE_BLOCK = re.compile(r"<style\b[^>]*>(.*?)</style\s*>", re.IGNORECASE | re.DOTALL)


def source_hash(text: str) -> str:
    """The CSP source expression that allows exactly this inline script or style text."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


JS_ENABLED_SCRIPT_HASH = source_hash(JS_ENABLED_SCRIPT)


def inline_style_hashes(html: str) -> list[str]:
    """The hash sources of every <style> block in `html`, in order, without repeats."""
    hashes: list[str] = []
    for match in _STYLE_BLOCK.finditer(html):
        source = source_hash(match.group(1))
        if source not in hashes:
            hashes.append(source)
    return hashes


def allow_inline_styles(response, html: str):
    """Let `response`'s page apply the <style> blocks of `html` (a letter or report).

    Adds to django-csp's per-response update, so the rest of the policy stays as it is.
    Returns the response.
    """
    hashes = inline_style_hashes(html)
    if hashes:
        update = dict(getattr(response, "_csp_update", None) or {})
        update["style-src"] = [*update.get("style-src", []), *hashes]
        response._csp_update = update
    return response
