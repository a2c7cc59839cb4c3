"""Many rows written at once, with their history, without the ORM building each row's SQL.

The ORM's bulk_create (and simple_history's bulk_create_with_history) spends more in Python
building a statement per batch than the database spends writing it: a grid's 240 counts took
half of the save, a province's dossier list most of its import. Here the rows go in with COPY on
PostgreSQL or one prepared statement on SQLite, and their history rows ("+", who, why, when) are
copied from the rows just written by one INSERT … SELECT. Only the services call these (the
writes of submissions.services and submissions.dossiers), inside their transaction.
"""

import csv
import io

from django.db import connection, models


def insert_rows(model, rows: list[dict]) -> None:
    """INSERT the rows ({attname: value} of every concrete field but the primary key): COPY on
    PostgreSQL, the driver's executemany on SQLite; dates and times adapted as the ORM would."""
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    quote, ops = connection.ops.quote_name, connection.ops
    table, names = quote(model._meta.db_table), ", ".join(quote(field.column) for field in fields)
    adapters = [ops.adapt_datetimefield_value if isinstance(field, models.DateTimeField)
                else ops.adapt_datefield_value if isinstance(field, models.DateField) else None for field in fields]
    attnames = [field.attname for field in fields]
    values = [[row[name] if adapt is None or row[name] is None else adapt(row[name])
               for name, adapt in zip(attnames, adapters)] for row in rows]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # no value is an empty text: an empty cell is NULL
            buffer = io.StringIO()
            csv.writer(buffer).writerows(values)
            buffer.seek(0)
            cursor.cursor.copy_expert(f"COPY {table} ({names}) FROM STDIN WITH (FORMAT csv)", buffer)
        else:
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(fields))})", values)


def copy_to_history(model, *, where: str, params: list, reason: str, user, date, history_type: str = "+",
                    join: str = "", join_params: list = ()) -> None:
    """Add a history row of `history_type` (creation "+", change "~"), with `reason`, `user` and
    `date`, for each row of the model's table that `where` (SQL, with `params`) selects: the rows
    just inserted or updated, as they now are."""
    history = model.history.model
    extra = {"history_date": connection.ops.adapt_datetimefield_value(date), "history_change_reason": reason,
             "history_type": history_type, "history_user_id": user.pk if getattr(user, "pk", None) else None}
    quote = connection.ops.quote_name
    columns = [column for column in history._meta.concrete_fields if column.attname != "history_id"]
    selected, values = [], []
    for column in columns:
        if column.attname in extra:
            selected.append("%s")
            values.append(extra[column.attname])
        else:
            selected.append(quote(model._meta.get_field(column.name).column))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(history._meta.db_table)} ({', '.join(quote(column.column) for column in columns)}) "
            f"SELECT {', '.join(selected)} FROM {quote(model._meta.db_table)} {join} WHERE {where}",
            [*values, *join_params, *params])


KEYS_PER_STATEMENT = 200  # (unit, procedure, year, month) tuples per history copy: 800 parameters
IDS_PER_STATEMENT = 800


def copy_updates_to_history(model, ids: list[int], *, reason: str, user, date) -> None:
    """Copy rows just updated, found by primary key, into the history as changes ("~")."""
    column = connection.ops.quote_name(model._meta.pk.column)
    for start in range(0, len(ids), IDS_PER_STATEMENT):
        chunk = ids[start:start + IDS_PER_STATEMENT]
        copy_to_history(model, where=f"{column} IN ({', '.join(['%s'] * len(chunk))})", params=chunk,
                        reason=reason, user=user, date=date, history_type="~")


def insert_counts_with_history(rows: list[dict], *, model, reason: str, user, date) -> None:
    """Insert count rows ({attname: value}) and copy each into the history, found again by its
    key (unit, procedure, year, month), which is unique."""
    insert_rows(model, rows)
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    # A join on the keys, not `(unit, procedure, year, month) IN (VALUES …)`: SQLite answers the
    # latter by scanning the whole table (half a million rows at 100 districts), the join by one
    # index step per key; PostgreSQL plans both as the join.
    on = " AND ".join(f"{table}.{quote(column)} = saved_keys.column{number}"
                      for number, column in enumerate(("unit_id", "procedure_id", "year", "month"), start=1))
    for start in range(0, len(rows), KEYS_PER_STATEMENT):
        chunk = rows[start:start + KEYS_PER_STATEMENT]
        tuples = ", ".join(["(%s, %s, %s, %s)"] * len(chunk))
        params = [value for row in chunk for value in (row["unit_id"], row["procedure_id"], row["year"], row["month"])]
        copy_to_history(model, join=f"INNER JOIN (VALUES {tuples}) AS saved_keys ON {on}", join_params=params,
                        where="1 = 1", params=[], reason=reason, user=user, date=date)
