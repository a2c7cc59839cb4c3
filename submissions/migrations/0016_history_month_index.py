"""An index on the counts' history by unit-month and history id (issue 20).

Every grid reads its month's version (the count and the last id of the month's history rows) and
who changed it last (the newest of them); without this index both read every history row of the
unit and filter, and the history only grows: a unit-month saved 50 times took 8 ms on
PostgreSQL. With it, the newest row is one index step and the version an index-only count.

django-simple-history builds the historical model's Meta itself (no place for an index there), so
the index is plain SQL, the same on SQLite and PostgreSQL; the model state does not change.
"""

from django.db import migrations

INDEX = "submissions_histcount_unit_month"


class Migration(migrations.Migration):

    dependencies = [
        ("submissions", "0015_dossier_import_jobs"),
    ]

    operations = [
        migrations.RunSQL(
            sql=f"CREATE INDEX {INDEX} ON submissions_historicaldossiercount (unit_id, year, month, history_id)",
            reverse_sql=f"DROP INDEX {INDEX}",
        ),
    ]
