"""Fill the stored turns (`cases.turns`) of the cases that exist, 500 cases a batch.

The turns are derived from the step registry, which lives in the apps' code, not in the
historical models: this runs `cases.turns.refresh_all` with the current models. That is
right while the models still match this point of the history; if a later migration adds a
field to the models the steps read, squash this one away (on a database with no cases it
does nothing, and every later write keeps the turns true on its own).
"""

from django.db import migrations


def fill(apps, schema_editor):
    if not apps.get_model("cases", "DesignationCase").objects.exists():
        return
    from cases import turns  # the live registry: see the module's docstring

    turns.refresh_all(batch=500)


class Migration(migrations.Migration):
    # The tables the steps read, as they stand at this point.
    dependencies = [
        ("cases", "0025_case_turns"),
        ("reviews", "0002_alert_not_notified"),
        ("letters", "0003_alter_historicalletter_kind_alter_letter_kind"),
        ("sanctions", "0003_sanction_in_force_instants"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop, elidable=True)]
