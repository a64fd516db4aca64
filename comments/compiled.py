"""Statements compiled once per process, run with this request's values.

Django compiles a query anew each time it runs; for the few statements with several subqueries
that run on every essay page or post, that costs more CPU than the database takes to answer.
Each is built once with stand-in values (numbers no row has, a moment no clock shows) and
run with the stand-ins replaced by the request's values. Every value stays a parameter."""

from datetime import UTC, datetime

from django.db import connection

# Stand-ins for the essay's and the member's ids, and for "now".
ESSAY_STAND_IN, MEMBER_STAND_IN = -987654321, -987654322
NOW_STAND_IN = datetime(1901, 1, 1, tzinfo=UTC)


def compile_queryset(queryset) -> tuple[str, tuple, tuple]:
    """(sql, params, column names) of a queryset, as Django would run it."""
    compiler = queryset.query.get_compiler(using=queryset.db)
    sql, params = compiler.as_sql()
    return sql, tuple(params), tuple(alias for _, _, alias in compiler.select)


def fetch_one(statement: tuple[str, tuple, tuple], values: dict) -> dict | None:
    """Run a compiled statement with each stand-in replaced by its value: its first row by
    column name, or None."""
    sql, params, columns = statement
    bound = [values.get(p, p) if type(p) in (int, datetime) else p for p in params]
    with connection.cursor() as cursor:
        cursor.execute(sql, bound)
        row = cursor.fetchone()
    return None if row is None else dict(zip(columns, row, strict=True))
