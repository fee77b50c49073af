"""Fill the match keys of existing customers, and on PostgreSQL enable pg_trgm and unaccent
and index the keys search compares with `LIKE '%...%'` and `%` (trigram similarity).
SQLite has neither extension: there the operations do nothing and search falls back to
plain LIKE (cases.matching)."""

from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations

from cases import people
from ucp import phones

TRIGRAM_INDEXES = (
    ("cases_customer_name_key_trgm", "name_key"),
    ("cases_customer_email_key_trgm", "email_key"),
    ("cases_customer_address_key_trgm", "address_key"),
    ("cases_customer_phone_digits_trgm", "phone_digits"),
)


def fill_keys(apps, schema_editor):
    Customer = apps.get_model("cases", "Customer")
    batch = []
    for c in Customer.objects.only(
        "full_name", "email", "postcode", "address", "phone"
    ).iterator(chunk_size=2000):
        c.phone_digits = phones.digits(c.phone)
        c.name_key = people.name_key(c.full_name)[:200]
        c.email_key = people.email_key(c.email)
        c.postcode_key = people.postcode_key(c.postcode)[:10]
        c.postcode_outward = people.outward_code(c.postcode)
        c.address_key = people.address_key(c.address)
        batch.append(c)
        if len(batch) >= 2000:
            _write(Customer, batch)
            batch = []
    _write(Customer, batch)


def _write(Customer, batch):
    Customer.objects.bulk_update(
        batch,
        ["phone_digits", "name_key", "email_key", "postcode_key", "postcode_outward",
         "address_key"],
    )


def postgres_only(sql_forwards, sql_backwards):
    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in sql_forwards:
                schema_editor.execute(statement)

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in sql_backwards:
                schema_editor.execute(statement)

    return migrations.RunPython(forwards, backwards)


class Migration(migrations.Migration):

    dependencies = [("cases", "0017_customer_match_keys")]

    operations = [
        migrations.RunPython(fill_keys, migrations.RunPython.noop),
        # Both do nothing on SQLite (Django checks the vendor).
        TrigramExtension(),
        UnaccentExtension(),
        postgres_only(
            [
                f"CREATE INDEX IF NOT EXISTS {name} ON cases_customer "
                f"USING gin ({column} gin_trgm_ops)"
                for name, column in TRIGRAM_INDEXES
            ],
            [f"DROP INDEX IF EXISTS {name}" for name, _ in TRIGRAM_INDEXES],
        ),
    ]
