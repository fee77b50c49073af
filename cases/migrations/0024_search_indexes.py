"""Search's indexes at 100,000 customers.

- The outward code's index also holds the name, so "CA12" lists its people by name along
  the index and stops at the page (cases.selectors.customer_search) instead of ranking the
  14,000 customers in it.
- The trigram (GIN) indexes of migration 0018 keep a pending list of new entries no longer
  than 64 kB (`gin_pending_list_limit`, PostgreSQL's least; its default is 4 MB), which
  every search must read through row by row. Only VACUUM or autovacuum's ANALYZE empties
  it otherwise (a plain ANALYZE does not): on the volume databases, seeded with autovacuum
  off, 11,872 of 20,023 names sat in it, each trigram scan took 10-66 ms instead of 0.5-1.5,
  and the planner chose a sequential scan of every customer, computing the trigrams of
  each. The list is emptied here (`gin_clean_pending_list`). Not `fastupdate = off`: every
  insert then writes each of its trigrams into the index, and 5,000 customers took 20 s to
  insert where a 64 kB list took 5 s and a 4 MB one 3 s.
"""

from django.db import migrations, models

# Migration 0018's.
TRIGRAM_INDEX_NAMES = (
    "cases_customer_name_key_trgm",
    "cases_customer_email_key_trgm",
    "cases_customer_address_key_trgm",
    "cases_customer_phone_digits_trgm",
)


def pending_list_limit(kilobytes: int | None):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for name in TRIGRAM_INDEX_NAMES:
            if kilobytes is None:
                schema_editor.execute(
                    f"ALTER INDEX IF EXISTS {name} RESET (gin_pending_list_limit)")
                continue
            schema_editor.execute(
                f"ALTER INDEX IF EXISTS {name} SET (gin_pending_list_limit = {kilobytes})")
            schema_editor.execute(
                "SELECT gin_clean_pending_list(c.oid) FROM pg_class c WHERE c.relname = %s",
                [name])

    return run


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0007_staff_access_stamp'),
        ('cases', '0023_deadline_indexes'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='customer',
            name='cases_custo_postcod_ee1a66_idx',
        ),
        migrations.AddIndex(
            model_name='customer',
            index=models.Index(fields=['postcode_outward', 'full_name', 'id'],
                               name='customer_outward_name_idx'),
        ),
        migrations.RunPython(pending_list_limit(64), pending_list_limit(None), elidable=False),
    ]
