"""The email and postcode keys become generated columns, computed by the database on every
write (cases.people.email_key_sql, postcode_key_sql), so that no way of writing a customer
(a queryset's update(), a raw insert, a bulk load) can leave them stale. A column cannot be
altered into a generated one: each is dropped with its indexes and added again, which fills
it for every row. On PostgreSQL the email key's trigram index (migration 0018) is made
again, with migration 0024's short pending list.

Also: the name and address keys, still kept by `Customer.set_keys()`, are refilled for the
names and addresses whose folding changed (letters such as "ł" and "ø", which `people.fold`
now folds as unaccent does), and a stored postcode that is not a UK one keeps single spaces
only, as `normalise_postcode` now stores it."""

import django.db.models.functions.text
from django.db import migrations, models

from cases import people

EMAIL_TRIGRAM = "cases_customer_email_key_trgm"


def refill_keys(apps, schema_editor):
    Customer = apps.get_model("cases", "Customer")
    batch = []
    for c in Customer.objects.only(
        "full_name", "address", "postcode", "name_key", "address_key"
    ).iterator(chunk_size=2000):
        name_key = people.name_key(c.full_name)[:200]
        address_key = people.address_key(c.address)
        postcode = " ".join((c.postcode or "").split())
        if (name_key, address_key, postcode) == (c.name_key, c.address_key, c.postcode):
            continue
        c.name_key, c.address_key, c.postcode = name_key, address_key, postcode
        batch.append(c)
        if len(batch) >= 2000:
            Customer.objects.bulk_update(batch, ["name_key", "address_key", "postcode"])
            batch = []
    Customer.objects.bulk_update(batch, ["name_key", "address_key", "postcode"])


def email_trigram(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {EMAIL_TRIGRAM} ON cases_customer "
        "USING gin (email_key gin_trgm_ops) WITH (gin_pending_list_limit = 64)")


def no_email_trigram(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {EMAIL_TRIGRAM}")


def fill_plain_keys(apps, schema_editor):
    """Going back: the plain columns again hold what set_keys() used to write."""
    Customer = apps.get_model("cases", "Customer")
    batch = []
    for c in Customer.objects.only("email", "postcode").iterator(chunk_size=2000):
        c.email_key = people.email_key(c.email)
        c.postcode_key = people.postcode_key(c.postcode)[:10]
        batch.append(c)
        if len(batch) >= 2000:
            Customer.objects.bulk_update(batch, ["email_key", "postcode_key"])
            batch = []
    Customer.objects.bulk_update(batch, ["email_key", "postcode_key"])


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0026_fill_case_turns'),
    ]

    operations = [
        migrations.RunPython(refill_keys, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name='historicalcustomer',
            name='email_key',
        ),
        migrations.RemoveField(
            model_name='historicalcustomer',
            name='postcode_key',
        ),
        migrations.RunPython(migrations.RunPython.noop, fill_plain_keys),
        migrations.RunPython(no_email_trigram, email_trigram),
        migrations.RemoveIndex(model_name='customer', name='cases_custo_email_k_faaffe_idx'),
        migrations.RemoveIndex(model_name='customer', name='cases_custo_postcod_adedf9_idx'),
        migrations.RemoveField(model_name='customer', name='email_key'),
        migrations.RemoveField(model_name='customer', name='postcode_key'),
        migrations.AddField(
            model_name='customer',
            name='email_key',
            field=models.GeneratedField(db_persist=True, expression=django.db.models.functions.text.Lower(django.db.models.functions.text.Trim(models.F('email'))), output_field=models.CharField(max_length=254)),
        ),
        migrations.AddField(
            model_name='customer',
            name='postcode_key',
            field=models.GeneratedField(db_persist=True, expression=django.db.models.functions.text.Upper(django.db.models.functions.text.Replace(models.F('postcode'), models.Value(' '), models.Value(''))), output_field=models.CharField(max_length=10)),
        ),
        migrations.AddIndex(
            model_name='customer',
            index=models.Index(fields=['email_key'], name='cases_custo_email_k_faaffe_idx'),
        ),
        migrations.AddIndex(
            model_name='customer',
            index=models.Index(fields=['postcode_key'], name='cases_custo_postcod_adedf9_idx'),
        ),
        migrations.RunPython(email_trigram, no_email_trigram),
    ]
