from django.core.management.base import BaseCommand

from cases.diagram import mermaid


class Command(BaseCommand):
    help = "Print the designation workflow's states and transitions as a Mermaid diagram."

    def handle(self, *args, **options) -> None:
        self.stdout.write(mermaid())
