"""Statements compiled once per process, run with this request's values.

Django compiles a query anew each time it runs; for the statements that run on every essay page
or post, that costs more CPU than the database takes to answer. Each is built once with
stand-in values (numbers no row has, a moment no clock shows, a token no form sends) and run
with the stand-ins replaced by the request's values. Every value stays a parameter, and rows come
back through the same converters Django would apply. Postgres prepares each once per connection
(config.database.base.PreparedCursor), so it is not planned on every run either. Statements that
need not wait for each other's answers travel in one round trip (together()); independent writes
can be one statement (written_as_one()).
"""

import uuid
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import connection
from django.db.models import signals, sql

# Stand-ins for the essay's, the member's and a comment's ids, for "now", for a token and for a
# text (with a NUL character, which no text stored in Postgres holds).
ESSAY_STAND_IN, MEMBER_STAND_IN, COMMENT_STAND_IN = -987654321, -987654322, -987654323
NOW_STAND_IN = datetime(1901, 1, 1, tzinfo=UTC)
TOKEN_STAND_IN = uuid.UUID(int=0)
TEXT_STAND_IN, SECOND_TEXT_STAND_IN = "\x00stand-in", "\x00second stand-in"

STAND_IN_TYPES = (int, datetime, uuid.UUID, str)


@dataclass(frozen=True)
class Statement:
    sql: str
    params: tuple
    columns: tuple  # each column's name (an alias, or None for a model's own column)
    converters: tuple  # (position, converter functions, expression) for columns that need them
    # For a queryset of model instances: the model's and select_related()'s column spans.
    instances: tuple = ()


def _compile(queryset):
    compiler = queryset.query.get_compiler(using=queryset.db)
    select_sql, params = compiler.as_sql()
    found = compiler.get_converters([column for column, _, _ in compiler.select])
    converters = tuple((position, tuple(c), e) for position, (c, e) in found.items())
    columns = tuple(alias for _, _, alias in compiler.select)
    return compiler, Statement(select_sql, tuple(params), columns, converters)


def compile_queryset(queryset) -> Statement:
    """A values() or values_list() queryset (or one of plain columns), as Django would run it."""
    return _compile(queryset)[1]


def compile_instances(queryset) -> Statement:
    """A queryset of model instances, with the forward relations its select_related() names
    (one level deep), as Django would run it."""
    compiler, statement = _compile(queryset)

    def span(info):
        fields = info["select_fields"]
        names = tuple(compiler.select[i][0].target.attname for i in fields)
        return info["model"], names, fields[0], fields[-1] + 1

    root = compiler.klass_info
    related = tuple((info["field"], span(info)) for info in root.get("related_klass_infos", ()))
    if any(info.get("related_klass_infos") for info in root.get("related_klass_infos", ())):
        raise ValueError("compile_instances follows select_related() one level deep only")
    return Statement(**{**statement.__dict__, "instances": (span(root), related)})


def compile_update(queryset, **changes) -> Statement:
    """queryset.update(**changes), as Django would run it."""
    query = queryset.query.chain(sql.UpdateQuery)
    query.add_update_values(changes)
    update_sql, params = query.get_compiler(using=queryset.db).as_sql()
    return Statement(update_sql, tuple(params), (), ())


def compile_insert(instance) -> Statement:
    """Saving a new `instance` (its primary key made by the database, not returned), as Django
    would run it. Only for models whose save() derives nothing and whose fields take no value
    of their own on saving (no auto_now): the statement writes what the instance holds."""
    meta = instance._meta
    fields = [field for field in meta.local_concrete_fields if field is not meta.auto_field]
    if any(getattr(field, "auto_now", False) or field.generated for field in fields):
        raise ValueError(f"{meta.label} has fields that take a value on saving")
    query = sql.InsertQuery(type(instance))
    query.insert_values(fields, [instance])
    [(insert_sql, params)] = query.get_compiler(using=type(instance)._default_manager.db).as_sql()
    return Statement(insert_sql, tuple(params), (), ())


@dataclass(frozen=True)
class Insert:
    sql: str
    fields: tuple  # the model's concrete fields, in the statement's order


def compile_full_insert(model) -> Insert:
    """Saving a new `model` instance with every column given, its primary key included (no
    RETURNING), as Django would run it: for inserting(), which takes each value from the
    instance as Django's insert does (pre_save, so auto_now fields get theirs)."""
    fields = tuple(model._meta.local_concrete_fields)
    if any(field.generated for field in fields):
        raise ValueError(f"{model._meta.label} has generated fields")
    query = sql.InsertQuery(model)
    query.insert_values(fields, [model()])
    [(insert_sql, _)] = query.get_compiler(using=model._default_manager.db).as_sql()
    return Insert(insert_sql, fields)


def inserting(insert: Insert, instance) -> tuple[str, list]:
    """The statement and values that store `instance` (its primary key set) through `insert`."""
    values = []
    for field in insert.fields:
        value = field.pre_save(instance, add=True)
        if hasattr(value, "resolve_expression"):
            raise ValueError(f"{field.name}: an expression, not a value")
        values.append(field.get_db_prep_save(value, connection=connection))
    return insert.sql, values


def insert_new(insert: Insert, instance) -> None:
    """Store a new `instance` (its primary key set) through `insert` with run(), as save() would:
    the pre_save and post_save signals sent around it (inside written_as_one(), post_save once
    the statement is queued), the instance then marked as stored."""
    model, alias = type(instance), connection.alias
    signals.pre_save.send(
        sender=model, instance=instance, raw=False, using=alias, update_fields=None
    )
    run(inserting(insert, instance))
    instance._state.adding, instance._state.db = False, alias
    signals.post_save.send(
        sender=model, instance=instance, created=True, update_fields=None, raw=False, using=alias
    )


def bound(statement: Statement, values: dict) -> tuple[str, list]:
    """The statement and its values, each stand-in replaced by this request's value."""
    return statement.sql, [
        values.get(p, p) if type(p) in STAND_IN_TYPES else p for p in statement.params
    ]


def _bound(statement: Statement, values: dict) -> list:
    return bound(statement, values)[1]


# The statements run() was given inside a written_as_one() block, waiting to be sent.
_waiting: ContextVar[list | None] = ContextVar("waiting", default=None)


@contextmanager
def written_as_one():
    """The writes run() is given in the block (inserts, updates: statements returning no rows)
    are run when it ends, as ONE statement (all but the last as data-modifying WITH queries); run()
    returns None for them, and errors are raised when the block ends.

    Only for writes that do not depend on one another: Postgres runs the parts of one statement
    with one snapshot, in no set order, so none sees what another writes (an update of a row
    inserted in the same block would find nothing). Constraints are checked as usual."""
    waiting = []
    token = _waiting.set(waiting)
    try:
        yield
    finally:
        _waiting.reset(token)
    if waiting:
        run(_as_one(waiting))


def _as_one(steps: list[tuple[str, list]]) -> tuple[str, list]:
    *first, (last_sql, last_values) = steps
    if not first:
        return last_sql, last_values
    parts = ", ".join(f"written_{n} AS ({sql})" for n, (sql, _) in enumerate(first))
    # The values in the order of their placeholders in the text.
    return f"WITH {parts} {last_sql}", [v for _, values in steps for v in values]


def run(statement: Statement | tuple[str, list], values: dict | None = None) -> int | None:
    """Run a compiled statement that returns no rows (an insert, an update), or a (sql, values)
    pair from inserting() or bound(): how many rows it wrote (None inside written_as_one())."""
    step = statement if values is None else bound(statement, values)
    waiting = _waiting.get()
    if waiting is not None:
        waiting.append(step)
        return None
    with connection.prepared_cursor() as cursor:
        cursor.execute(*step)
        return cursor.rowcount


def together(*steps: tuple[str, list]) -> list[list[tuple]]:
    """Run (sql, values) statements in one round trip, prepared as run() and the fetch functions
    do: each one's rows (raw: see converted()), in order.

    psycopg's pipeline mode sends them at once; Postgres still runs each after the one before it
    has finished, with its own snapshot, exactly as if they were sent one by one (a statement
    after one that waits for a lock sees what the lock's holder committed). Any error is raised
    (as Django's) when they have all come back; the transaction is then lost as usual."""
    cursors = [connection.prepared_cursor() for _ in steps]  # connects if need be
    try:
        with connection.wrap_database_errors, connection.connection.pipeline():
            for cursor, step in zip(cursors, steps, strict=True):
                cursor.execute(*step)
        return [cursor.fetchall() if cursor.description else [] for cursor in cursors]
    finally:
        for cursor in cursors:
            cursor.close()


def converted(statement: Statement, rows) -> list[list]:
    """Rows of `statement` through the converters Django would apply to them."""
    rows = [list(row) for row in rows]
    for row in rows:
        for position, functions, expression in statement.converters:
            for function in functions:
                row[position] = function(row[position], expression, connection)
    return rows


def _rows(statement: Statement, values: dict, *, many: bool) -> list[list]:
    # Prepared: Postgres plans each statement once per connection, not on every run (planning
    # the posting lock's subqueries took several times as long as running them).
    with connection.prepared_cursor() as cursor:
        cursor.execute(statement.sql, _bound(statement, values))
        rows = cursor.fetchall() if many else cursor.fetchmany(1)
    return converted(statement, rows)


def as_dict(statement: Statement, rows: list[list]) -> dict | None:
    """The first of `statement`'s converted rows by column name, or None."""
    return dict(zip(statement.columns, rows[0], strict=True)) if rows else None


def fetch_one(statement: Statement, values: dict) -> dict | None:
    """Run a compiled statement with each stand-in replaced by its value: its first row by
    column name, or None."""
    return as_dict(statement, _rows(statement, values, many=False))


def fetch_all(statement: Statement, values: dict) -> list[tuple]:
    """Run a compiled statement with each stand-in replaced by its value: every row."""
    return [tuple(row) for row in _rows(statement, values, many=True)]


def fetch_instance(statement: Statement, values: dict):
    """Run a statement of compile_instances(): the first row's model instance, with its related
    instances in place (as select_related() leaves them) and its annotations as attributes (as
    annotate() leaves them), or None."""
    return as_instance(statement, _rows(statement, values, many=False))


def as_instance(statement: Statement, rows: list[list]):
    """The model instance of the first of converted rows of a compile_instances() statement, as
    fetch_instance() makes it, or None."""
    if not rows:
        return None
    row, ((model, names, start, end), related) = rows[0], statement.instances
    instance = model.from_db(connection.alias, names, row[start:end])
    for name, value in zip(statement.columns, row, strict=True):
        if name is not None:  # an annotation (a model's own columns have no alias)
            setattr(instance, name, value)
    for field, (related_model, related_names, start, end) in related:
        data = row[start:end]
        present = data[related_names.index(related_model._meta.pk.attname)] is not None
        other = related_model.from_db(connection.alias, related_names, data) if present else None
        field.set_cached_value(instance, other)
    return instance
