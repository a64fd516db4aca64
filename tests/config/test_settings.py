"""Production settings refuse unsafe configurations (each run in a clean subprocess)."""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
REAL_LOOKING_KEY = "k3v9-Qz7rT0pLw2mX8bN4cY6hJ1sD5fG-aE9uR3tK7oP2iU6yW0qZ"


def run_manage(*args, env_overrides):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    # A syntactically valid URL keeps the subprocess off the embedded server; nothing connects.
    env |= {"DATABASE_URL": "postgres://nobody@127.0.0.1:1/none", **env_overrides}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = run_manage("check", env_overrides={"DJANGO_ALLOWED_HOSTS": "blog.example.org"})

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = run_manage("check", env_overrides={"DJANGO_SECRET_KEY": REAL_LOOKING_KEY})

    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS must list" in result.stderr


@pytest.mark.django_db
def test_deploy_check_reports_nothing_for_a_production_configuration():
    result = run_manage(
        "check",
        "--deploy",
        "--database",
        "default",
        "--fail-level",
        "WARNING",
        env_overrides={
            "DJANGO_SECRET_KEY": REAL_LOOKING_KEY,
            "DJANGO_ALLOWED_HOSTS": "blog.example.org",
            "DJANGO_TRUSTED_PROXY_HOPS": "1",
            "SECURITY_CONTACT": "security@association.example",
            "DATABASE_URL": current_database_url(),
        },
    )

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout
    assert not result.stderr


def current_database_url() -> str:
    """The URL of the database this test run uses (a TCP server or the embedded one's socket)."""
    db = connection.settings_dict
    credentials = quote(db["USER"], safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = quote(db["HOST"] or "localhost", safe="")
    return f"postgres://{credentials}@{host}:{db['PORT'] or 5432}/{quote(db['NAME'])}"


@pytest.mark.parametrize(
    ("hops", "answer"),
    [("0", "301 https://testserver/robots.txt"), ("1", "200 no redirect")],
)
def test_only_a_trusted_proxy_may_say_the_request_came_over_https(hops, answer):
    # The client claims https itself; only with a proxy in front is the claim the proxy's.
    claim_https = (
        "from django.test import Client; "
        "r = Client().get('/robots.txt', headers={'x-forwarded-proto': 'https'}); "
        "print(r.status_code, r.get('Location', 'no redirect'))"
    )
    result = run_manage(
        "shell",
        "-c",
        claim_https,
        env_overrides={
            "DJANGO_SECRET_KEY": REAL_LOOKING_KEY,
            "DJANGO_ALLOWED_HOSTS": "testserver",
            "DJANGO_TRUSTED_PROXY_HOPS": hops,
        },
    )

    assert result.stdout.strip().splitlines()[-1:] == [answer], result.stderr


def test_a_redis_cache_url_uses_an_installed_client():
    # Nothing listens on port 1: the client must be installed and fail only to connect.
    result = run_manage(
        "shell",
        "-c",
        "from django.core.cache import cache; cache.get('probe')",
        env_overrides={"DJANGO_DEBUG": "true", "REDIS_URL": "redis://127.0.0.1:1/0"},
    )

    assert "ModuleNotFoundError" not in result.stderr
    assert "ConnectionError" in result.stderr


@pytest.mark.parametrize("scheme", ["redis", "rediss"])
def test_a_redis_cache_keeps_the_connection_its_address_asks_for(scheme):
    # A rediss:// address (TLS, as managed Redis services give) must stay TLS.
    result = run_manage(
        "shell",
        "-c",
        "from django.core.cache import cache; "
        "print(type(cache.client.get_client().connection_pool.make_connection()).__mro__)",
        env_overrides={"DJANGO_DEBUG": "true", "REDIS_URL": f"{scheme}://127.0.0.1:1/0"},
    )

    assert "GivingUp" in result.stdout, result.stderr
    assert ("SSLConnection" in result.stdout) == (scheme == "rediss")


def test_production_without_a_database_url_refuses_to_start_and_starts_no_database(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.pop("DATABASE_URL", None)
    env |= {
        "DJANGO_SECRET_KEY": REAL_LOOKING_KEY,
        "DJANGO_ALLOWED_HOSTS": "blog.example.org",
        "LECTERN_PGDATA": str(tmp_path / "pgdata"),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode != 0
    assert "DATABASE_URL is not set" in result.stderr
    assert not (tmp_path / "pgdata").exists()


def test_production_queues_background_work_for_the_worker_and_development_runs_it_at_once():
    show_backend = [
        "shell",
        "-c",
        "from django.tasks import task_backends as t; print(t['default'])",
    ]
    production = {"DJANGO_SECRET_KEY": REAL_LOOKING_KEY, "DJANGO_ALLOWED_HOSTS": "blog.example.org"}

    for environment, backend in [
        (production, "DatabaseBackend"),
        ({"DJANGO_DEBUG": "true"}, "ImmediateBackend"),
        ({**production, "TASKS_BACKEND": "django.tasks.backends.dummy.DummyBackend"}, "Dummy"),
    ]:
        result = run_manage(*show_backend, env_overrides={"TASKS_BACKEND": "", **environment})
        assert result.returncode == 0, result.stderr
        assert backend in result.stdout


def test_pages_may_show_images_from_the_media_bucket_s_public_address():
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; print(*settings.SECURE_CSP['img-src'])",
        env_overrides={
            "DJANGO_DEBUG": "true",
            "MEDIA_S3_BUCKET": "lectern-media",
            "MEDIA_S3_REGION": "eu-west-1",
            "MEDIA_S3_ACCESS_KEY_ID": "key",
            "MEDIA_S3_SECRET_ACCESS_KEY": "secret",
            "MEDIA_S3_PUBLIC_URL": "https://media.example.org/lectern",
        },
    )

    assert result.stdout.strip().splitlines()[-1:] == ["'self' https://media.example.org"], (
        result.stderr
    )


def site_url_of(**env_overrides) -> subprocess.CompletedProcess:
    return run_manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; print(settings.SITE_URL)",
        env_overrides={"DJANGO_SECRET_KEY": REAL_LOOKING_KEY, **env_overrides},
    )


def test_site_url_is_read_from_the_environment_without_a_trailing_slash():
    result = site_url_of(DJANGO_ALLOWED_HOSTS="internal.lan", SITE_URL="https://blog.example.org/")

    assert result.stdout.strip() == "https://blog.example.org", result.stderr


def test_production_site_url_defaults_to_https_on_the_first_allowed_host():
    result = site_url_of(DJANGO_ALLOWED_HOSTS="blog.example.org,www.example.org")

    assert result.stdout.strip() == "https://blog.example.org", result.stderr


def test_development_site_url_is_the_address_make_run_serves():
    result = site_url_of(DJANGO_DEBUG="true", PORT="8123")

    assert result.stdout.strip() == "http://127.0.0.1:8123", result.stderr


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("blog.example.org", "must be an http(s) address"),
        ("https://a.example/blog", "without a path"),
    ],
)
def test_a_malformed_site_url_stops_the_site_with_a_clear_message(value, message):
    result = site_url_of(DJANGO_ALLOWED_HOSTS="blog.example.org", SITE_URL=value)

    assert result.returncode != 0
    assert message in result.stderr


def test_production_with_only_wildcard_hosts_asks_for_site_url():
    result = site_url_of(DJANGO_ALLOWED_HOSTS=".example.org")

    assert result.returncode != 0
    assert "SITE_URL must be set" in result.stderr
