import logging

from django.db import DatabaseError, InterfaceError, OperationalError

from config.views import database_unavailable

logger = logging.getLogger(__name__)


class DatabaseUnavailableMiddleware:
    """Answer 503 with a styled page when Postgres cannot be reached.

    Only connection-level failures qualify; a bad query is still a bug and a 500.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_connection_failure(exception):
            logger.error("Database unavailable while serving %s: %s", request.path, exception)
            return database_unavailable(request)
        return None


def is_connection_failure(exception: BaseException) -> bool:
    import psycopg_pool

    if isinstance(exception, OperationalError | InterfaceError | psycopg_pool.PoolTimeout):
        return True
    # Django wraps psycopg's errors; the pool's timeout arrives as its cause.
    cause = exception.__cause__
    return isinstance(exception, DatabaseError) and isinstance(cause, psycopg_pool.PoolTimeout)
