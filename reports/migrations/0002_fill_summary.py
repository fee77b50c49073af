"""Fill the report's summary for the records already there, in batches, so the report is
right straight after migrating (reports/summary.py says how it is kept true after that)."""

from django.db import migrations


def fill(apps, schema_editor):
    from reports import summary  # the same counting the signals do, on the historical models

    summary.rebuild(apps=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_summary"),
        ("cases", "0022_customer_erased_index"),
        ("reviews", "0002_alert_not_notified"),
        ("sanctions", "0003_sanction_in_force_instants"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
