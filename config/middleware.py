import logging

from django.db import DatabaseError, InterfaceError, OperationalError
from django.middleware.http import ConditionalGetMiddleware

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


class ConditionalGetUnlessTokenMiddleware(ConditionalGetMiddleware):
    """Django's ConditionalGetMiddleware, except that a response rendered with a CSRF token handed
    out for this request gets no ETag (a member's essay page, any page with a form): the token is
    masked anew for every request, so no later copy ever has the same bytes, and hashing ~200 KB
    to name them only cost CPU. Without an ETag nothing can match If-None-Match (not even "*"),
    so such a page is never answered 304; a Last-Modified a view sets is still honoured."""

    def process_response(self, request, response):
        # get_token() puts this key in META (CsrfViewMiddleware, nearer the view, sets it back to
        # False once it has saved the secret, but does not remove it); process_request only adds
        # it when it had to make a new secret, which leaves nothing for an ETag to name either.
        if "CSRF_COOKIE_NEEDS_UPDATE" in request.META:
            response.holds_request_token = True
        return super().process_response(request, response)

    def needs_etag(self, response):
        return not getattr(response, "holds_request_token", False) and super().needs_etag(response)
