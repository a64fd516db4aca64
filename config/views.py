import sys
from http import HTTPStatus

from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@never_cache
@require_safe
def healthz(request):
    """200 when the database answers, 503 when it does not (for load balancers)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # any failure to reach the database means "not healthy"
        return JsonResponse({"status": "unavailable"}, status=HTTPStatus.SERVICE_UNAVAILABLE)
    return JsonResponse({"status": "ok"})


def database_unavailable(request):
    # Rendered without a RequestContext: context processors would touch the database again.
    body = loader.render_to_string("503.html")
    response = HttpResponse(body, status=HTTPStatus.SERVICE_UNAVAILABLE)
    response["Retry-After"] = "30"
    return response


def server_error(request):
    """handler500: a database outage is a 503, anything else the styled 500 page."""
    from config.middleware import is_connection_failure

    error = sys.exc_info()[1]
    if error is not None and is_connection_failure(error):
        return database_unavailable(request)
    return HttpResponse(
        loader.render_to_string("500.html"), status=HTTPStatus.INTERNAL_SERVER_ERROR
    )


@require_safe
def media(request, path):
    """Uploaded files from local storage (author photos, featured images).

    Routed only while media stay on the local disk (no MEDIA_S3_BUCKET): this keeps a
    single-server install, `make run` and the browser tests working with nothing else.
    MEDIA_ROOT is read per request, so tests may point it at a temporary folder.
    """
    from django.conf import settings
    from django.views.static import serve

    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    response["Cache-Control"] = settings.MEDIA_CACHE_CONTROL  # stored names are never reused
    response["X-Content-Type-Options"] = "nosniff"
    return response
