"""`manage.py run_sweeps`: the daily sweep once, then the outbox relay.

The same work Celery beat schedules (`reviews.sweep` daily, `outbox.relay` every minute),
for a deployment without beat: run it from cron (README, "Challenges, reviews and
deadlines"). `--relay-only` just sends what the outbox holds.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from outbox.services import relay
from reviews.sweeps import run_sweep


class Command(BaseCommand):
    help = "Run the deadline sweep once (reminders, escalations, lapses) and send the outbox."

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group()
        group.add_argument(
            "--no-relay", action="store_true",
            help="Only the sweep; leave the outbox for the worker to send.",
        )
        group.add_argument(
            "--relay-only", action="store_true",
            help="Only send what the outbox holds (every few minutes, without beat).",
        )

    def handle(self, *args, no_relay: bool = False, relay_only: bool = False, **options):
        if not relay_only:
            report = run_sweep()
            self.stdout.write(f"Sweep: {report}")
        if not no_relay:
            sent = relay(older_than_seconds=0)
            self.stdout.write(f"Outbox: {sent} message{'s' if sent != 1 else ''} sent")
