"""Count the policy report's summary afresh from the records (reports/summary.py)."""

from django.core.management.base import BaseCommand

from reports import summary


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args, **options) -> None:
        sources = summary.rebuild(stdout=self.stdout if options["verbosity"] > 1 else None)
        self.stdout.write(f"Report summary rebuilt from {sources} cases and warnings.")
