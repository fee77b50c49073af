"""How the access log's row is committed on PostgreSQL outside a test's transaction: in its
own transaction, with `synchronous_commit` off for it alone (cases.access_log.write), so a
page does not wait for the disk; with ACCESS_LOG_SYNCHRONOUS_COMMIT it waits like the rest.
The row is there either way, and a case write on the same connection afterwards still
waits for the disk."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cases.models import AccessKind, RecordView

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]


def _get(client: Client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in queries]


def _synchronous_commit() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        return cursor.fetchone()[0]


def test_a_page_commits_its_log_row_without_waiting_for_the_disk(officer, customer):
    client = Client()
    client.force_login(officer)
    url = customer.get_absolute_url()
    client.get(url)  # warm
    before = RecordView.objects.count()
    sql = _get(client, url)
    at = next(i for i, s in enumerate(sql) if s.startswith("INSERT") and "cases_recordview" in s)
    assert sql[at - 1] == "SET LOCAL synchronous_commit TO OFF"
    row = RecordView.objects.order_by("-id").first()
    assert RecordView.objects.count() == before + 1
    assert (row.user_id, row.customer_id, row.kind) == (officer.pk, customer.pk, AccessKind.PAGE)
    # SET LOCAL ends with its transaction: the connection's next write waits as before.
    assert _synchronous_commit() == "on"


def test_the_setting_makes_the_log_wait_for_the_disk_like_every_write(officer, customer, settings):
    settings.ACCESS_LOG_SYNCHRONOUS_COMMIT = True
    client = Client()
    client.force_login(officer)
    url = customer.get_absolute_url()
    client.get(url)
    before = RecordView.objects.count()
    sql = _get(client, url)
    assert not any("synchronous_commit" in s for s in sql)
    assert RecordView.objects.count() == before + 1
