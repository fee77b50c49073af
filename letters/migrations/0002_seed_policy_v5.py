import datetime as dt
from pathlib import Path

from django.db import migrations

POLICY_FILE = Path(__file__).resolve().parent.parent / "policy" / "unreasonable-customer-policy-v5.txt"
LABEL = "v5.0 (January 2016)"


def seed(apps, schema_editor):
    """The council's policy as it stood in January 2016, the version letters enclose until
    an administrator adds a newer one. Safe to run again."""
    PolicyVersion = apps.get_model("letters", "PolicyVersion")
    if PolicyVersion.objects.filter(label=LABEL).exists():
        return
    PolicyVersion.objects.create(
        label=LABEL,
        effective_on=dt.date(2016, 1, 1),
        text=POLICY_FILE.read_text(encoding="utf-8").strip(),
        is_current=not PolicyVersion.objects.filter(is_current=True).exists(),
    )


class Migration(migrations.Migration):
    dependencies = [("letters", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
