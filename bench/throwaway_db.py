"""The benchmarks' database: a fresh test database, dropped afterwards (development data is
left alone), with Django set up as a production request sees it (DEBUG off)."""

import os
from contextlib import contextmanager


@contextmanager
def throwaway_database():
    """Set Django up, create an empty test database and yield its connection; drop it on exit."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_DEBUG", "true")
    # As production: mail and other side work queued for the worker, not run inside the request
    # (development's immediate backend would time the mail too).
    os.environ.setdefault("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    # Not setup_test_environment(): its instrumented template rendering would skew the timings.
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    # A name of its own: pytest's test database (test_<name>) may be in use by a run of the suite.
    name = connection.settings_dict["NAME"]
    connection.settings_dict.setdefault("TEST", {})["NAME"] = f"test_{name}_bench_{os.getpid()}"
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        yield connection
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)
