from django.db import migrations


def seed(apps, schema_editor):
    from cases.indicators import SEED

    Indicator = apps.get_model("cases", "Indicator")
    for group, items in SEED.items():
        for order, (code, text) in enumerate(items, start=1):
            Indicator.objects.update_or_create(
                code=code, defaults={"group": group, "text": text, "order": order}
            )


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
