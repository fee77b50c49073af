"""CSV cells a spreadsheet will not run: every CSV the service hands out (the reports'
tables, the access log's export) writes its cells through `csv_safe`."""

from __future__ import annotations

# Spreadsheets run a cell that starts with one of these as a formula; indicator wording is
# edited in the admin, and names and addresses are typed by staff, so none is trusted.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def csv_safe(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) and not _is_number(value) else value
