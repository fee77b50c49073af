"""/healthz: open to load balancers, honest about the database and the broker."""

from __future__ import annotations

import socket

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@override_settings(REDIS_URL="", CELERY_TASK_ALWAYS_EAGER=True)
def test_healthz_ok_with_eager_tasks(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "eager", "status": "ok"}
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_healthz_is_503_when_the_database_is_down(client, monkeypatch):
    class BrokenConnection:
        def cursor(self):
            raise OSError("connection refused")

    monkeypatch.setattr("ucp.views.connection", BrokenConnection())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"
    assert response.json()["status"] == "unavailable"


@pytest.mark.redis
def test_healthz_broker_ok_with_real_redis(client, redis_db):
    with override_settings(REDIS_URL=redis_db, CELERY_TASK_ALWAYS_EAGER=False):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["broker"] == "ok"


def test_healthz_broker_unavailable_on_an_unreachable_port(client):
    port = _free_port()
    with override_settings(REDIS_URL=f"redis://127.0.0.1:{port}/15",
                           CELERY_TASK_ALWAYS_EAGER=False):
        response = client.get("/healthz")
    # The web app still serves pages without a broker: the database decides the status.
    assert response.status_code == 200
    assert response.json()["broker"] == "unavailable"
    assert response.json()["database"] == "ok"


def test_healthz_only_answers_get(client):
    assert client.post("/healthz").status_code == 405
