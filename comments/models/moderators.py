"""Who moderates: the one rule, as a Python check and as SQL."""

import functools

from django.db import connection
from django.db.models import (
    BooleanField,
    Q,
)
from django.db.models.expressions import RawSQL

MODERATE_PERMISSION = "comments.moderate_comment"


def is_moderator(user) -> bool:
    """Whether this user may see every comment and take moderation decisions.

    The answer of `user.has_perm(MODERATE_PERMISSION)` (active superusers, or the permission held
    directly or through a group: the rule of moderators()), found with one small query instead of
    the two that load all of a user's permissions, and kept on the user object for the rest of
    the request, as Django keeps its permission cache there."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    if hasattr(user, "_perm_cache"):  # Django has loaded them already: no query at all
        return user.has_perm(MODERATE_PERMISSION)
    if not hasattr(user, "_moderator_cache"):
        sql, params = _moderator_ids_sql()
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT %s IN ({sql})", [user.pk, *params])
            user._moderator_cache = bool(cursor.fetchone()[0])
    return user._moderator_cache


def moderators():
    """Active users who hold the moderation permission, directly, by group or as superusers."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission

    permission = Permission.objects.filter(
        codename="moderate_comment", content_type__app_label="comments"
    )
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(
            Q(is_superuser=True)
            | Q(groups__permissions__in=permission)
            | Q(user_permissions__in=permission)
        )
        .distinct()
    )


@functools.cache
def _moderator_ids_sql() -> tuple[str, tuple]:
    # moderators() compiled to SQL once per process: it has no per-request parameters, and
    # compiling its nested subqueries cost ~4 ms on every essay page. Still the one rule above.
    return moderators().values("pk").query.sql_with_params()


def is_moderator_column(column: str) -> RawSQL:
    """A boolean expression: whether the user whose id is in `column` ("table"."column") is a
    moderator (see moderators())."""
    sql, params = _moderator_ids_sql()
    # Only Django-compiled SQL and a column name from code: every value stays a parameter.
    return RawSQL(f"{column} IN ({sql})", params, output_field=BooleanField())  # noqa: S611
