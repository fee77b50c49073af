"""Tell PostgreSQL's planner what trigram similarity costs.

pg_trgm declares `similarity_op` (the `%` operator search and the duplicate check use) at
the default cost of one operator, but it builds the trigrams of every row it is given: at
20,000 customers a sequential scan with it took 66 ms where the GIN index took 15 ms, and
the planner chose the scan (benchmarks/search.py, README "Search and the duplicate check").
At its true cost the planner uses the trigram indexes.

The function belongs to the extension: a database role that did not create pg_trgm may not
alter it. Then the migration says so and goes on; a DBA can run the statement below.
"""

from django.db import migrations, transaction
from django.db.utils import ProgrammingError

COST = "ALTER FUNCTION similarity_op(text, text) COST {cost}"


def set_cost(cost: int):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        try:
            with transaction.atomic(using=schema_editor.connection.alias):
                schema_editor.execute(COST.format(cost=cost))
        except ProgrammingError as exc:  # not the function's owner
            print(f"\n  Could not set the cost of pg_trgm's similarity_op ({exc}).\n"
                  f"  Ask a DBA to run: {COST.format(cost=cost)};")

    return run


class Migration(migrations.Migration):
    dependencies = [("cases", "0019_customer_merge")]

    operations = [migrations.RunPython(set_cost(100), set_cost(1), elidable=False)]
