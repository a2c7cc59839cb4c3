"""A covering index for the aggregated progress query.

`targets.progress.scoped_sums` (and the dashboards' sums by month and by procedure) read the
rows of a unit's months of a year and only their procedure, online and total columns. Keyed by
(year, unit, month) and carrying those three columns, one index answers them without touching
the table (PostgreSQL: Index Only Scan; SQLite: COVERING INDEX). It starts with the columns
of the (year, unit, month) index it replaces, so every query that used that one uses this.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("submissions", "0004_count_ordering_without_joins"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="dossiercount",
            name="dossiercount_year_unit_month",
        ),
        migrations.AddIndex(
            model_name="dossiercount",
            index=models.Index(
                fields=["year", "unit", "month", "procedure", "online", "total"], name="dossiercount_progress"
            ),
        ),
    ]
