"""docker-compose.yml: every process that opens a database connection starts on the
migrated schema. A connection keeps statements prepared (PG_PREPARE_THRESHOLD); one that
prepared them before a migration can fail after it, so nothing may start beside `migrate`."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]


def test_one_shot_migrate_runs_before_web_worker_and_beat():
    migrate = SERVICES["migrate"]
    assert "manage.py migrate" in migrate["command"]
    assert migrate["restart"] == "no"
    for name in ("web", "worker", "beat"):
        after = SERVICES[name]["depends_on"]
        assert after["migrate"] == {"condition": "service_completed_successfully"}, name
        assert after["db"] == {"condition": "service_healthy"}, name
        assert "migrate" not in str(SERVICES[name]["command"]), name
