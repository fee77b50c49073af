"""Read the report's tables back as plain values, the way a person reads the page."""

from __future__ import annotations


def tables(response) -> dict:
    """{table key: Table} from a report page's context."""
    assert response.status_code == 200, response.content[:500]
    return {t.key: t for t in response.context["tables"]}


def values(table, key_by: str = "key") -> dict[str, list]:
    """{row key (or label): [the row's values, one per column]}."""
    return {
        (getattr(row, key_by) or row.label): [cell.value for cell in row.cells]
        for row in table.rows
    }


def column(table) -> dict[str, object]:
    """For a one-directorate table: {row key (or label): its value}."""
    assert len(table.columns) == 1, table.columns
    return {key: vals[0] for key, vals in values(table).items()}
