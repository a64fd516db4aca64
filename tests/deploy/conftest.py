"""Production parts on the loopback: Redis, gunicorn web nodes from deploy/, nginx from deploy/.

Every server is started by the test that needs it, on a free 127.0.0.1 port, and stopped by its
process id; none relies on a server the machine happens to run.
"""

import os
import secrets
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import database_url
from tests.servers import (
    DeployNginx,
    GunicornServer,
    RedisServer,
    collect_static,
    stop_processes,
)

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"


def wait_for_http(url: str, process: subprocess.Popen, *, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except urllib.error.HTTPError:
            return  # it answers
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    raise RuntimeError(f"nothing answered at {url} within {timeout} s")


@pytest.fixture(scope="module")
def scratch():
    # Not tmp_path: nginx's workers and postgres run as other users and must reach their files.
    with tempfile.TemporaryDirectory(prefix="lectern-deploy-") as folder:
        path = Path(folder)
        path.chmod(0o755)
        yield path


@pytest.fixture(scope="module")
def redis_server(scratch):
    """A Redis of the test's own, keeping nothing on disk: its URL."""
    server = RedisServer(folder=scratch)
    yield server.url
    server.stop()


@pytest.fixture
def shared_cache(settings, redis_server):
    """This process's cache is the nodes' Redis, emptied: its services move their versions."""
    import redis

    redis.Redis.from_url(redis_server).flushall()
    settings.CACHES = {
        alias: {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": redis_server}
        for alias in ("default", "limits")
    }


def read(url: str, opener=None) -> tuple[str, dict]:
    # One site name for every node, as behind the proxy (pages are cached per site address);
    # a client with cookies keeps the address's own (its cookie jar files cookies under it).
    request = urllib.request.Request(url, headers={} if opener else {"Host": "localhost"})
    with (opener or urllib.request.build_opener()).open(request, timeout=30) as response:
        return response.read().decode(), dict(response.headers)


@pytest.fixture(scope="session")
def collected_static():
    """collectstatic once: production's static storage serves from its manifest."""
    env = {
        **os.environ,
        "DJANGO_DEBUG": "false",
        **production_environment("postgres://nobody@127.0.0.1:1/none"),
    }
    collect_static(env)


def production_environment(database: str, **overrides: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SOCIAL_"))}
    env.update(
        DJANGO_DEBUG="false",
        DATABASE_URL=database,
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        # Plain http on the loopback: no TLS, so no redirect to it.
        DJANGO_SECURE_SSL_REDIRECT="false",
        DJANGO_HSTS_SECONDS="0",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
        # The member posts several comments in a row (the rate limit across nodes is the point).
        COMMENTS_FLOOD_SECONDS="0",
    )
    env.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(60))
    env.update(overrides)
    return env


@pytest.fixture(scope="module")
def web_nodes(scratch, redis_server, collected_static, django_db_setup, django_db_blocker):
    """Start gunicorn nodes (deploy/gunicorn.conf.py) and a task worker sharing the test database,
    Redis and media.

    Module-scoped, for speed: each test still gets an emptied database (transactional tests) and
    should empty Redis (see `fresh_site` in the tests).

    Returns a function: start(count, **environment) -> list of base URLs.
    """
    started, workers = [], []

    def start(count: int, **overrides: str) -> list[str]:
        with django_db_blocker.unblock():
            url = database_url()
        env = production_environment(
            url,
            REDIS_URL=redis_server,
            MEDIA_ROOT=str(scratch / "media"),
            DJANGO_SECRET_KEY=secrets.token_urlsafe(60),  # one key for all: one site
            **overrides,
        )
        nodes = [
            GunicornServer(
                env,
                workers=1,
                config_file=DEPLOY / "gunicorn.conf.py",
                log_path=scratch / f"gunicorn-{number}.log",
                wait=False,  # the nodes start side by side
            )
            for number in range(count)
        ]
        started.extend(nodes)
        for node in nodes:
            node.wait_until_answering()
        # deploy/Procfile's worker, with the nodes' environment: it runs what they queue.
        log = open(scratch / "worker.log", "a")  # noqa: SIM115 (closed below)
        worker = subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--interval", "0.2", "--no-startup-delay"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        workers.append((worker, log))
        return [node.url for node in nodes]

    yield start
    stop_processes([node.process for node in started] + [w for w, _ in workers], seconds=20)
    for node in started:
        node.stop()  # its folder
    for _, log in workers:
        log.close()


@pytest.fixture(scope="module")
def nginx(scratch):
    """Start nginx with deploy's site file in front of the given web nodes; returns its URL."""
    servers = []

    def start(upstreams: list[str]) -> str:
        server = DeployNginx(scratch / "nginx", upstreams)
        servers.append(server)
        wait_for_http(f"{server.url}/healthz", server.process)
        return server.url

    yield start
    stop_processes([server.process for server in servers], seconds=20)
