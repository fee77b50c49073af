from django.db import migrations


def create_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name="Information Governance")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0005_access_change_password")]
    operations = [migrations.RunPython(create_group, migrations.RunPython.noop)]
