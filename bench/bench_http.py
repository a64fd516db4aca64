"""Throughput of reader pages as production serves them: gunicorn, DEBUG off (`make bench`).

Creates a separate `lectern_bench_<pid>` database on the same Postgres (the embedded one, or the
server of DATABASE_URL), loads the demo content into it, starts `gunicorn config.wsgi` with 2
workers on 127.0.0.1 and production settings (a generated secret key, WhiteNoise with a
collectstatic run), then keeps BENCH_CONNECTIONS anonymous readers busy for BENCH_SECONDS on each
page and prints requests/s, median and 95th-percentile latency and errors. Afterwards gunicorn is
stopped and the database dropped. collectstatic writes to the checkout's git-ignored staticfiles/
(STATIC_ROOT is not configurable); the folder is removed again if it did not exist before.
Run it alone with `.venv/bin/python -m bench.bench_http`.
"""

import json
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import quote, urlencode

BASE_DIR = Path(__file__).resolve().parent.parent
# One per run: two benches on one Postgres (helpers, CI) never drop each other's database.
DATABASE = f"lectern_bench_{os.getpid()}"
SECONDS = min(float(os.environ.get("BENCH_SECONDS", "10")), 60)  # bounded: a shared machine
WARM_UP_SECONDS = 2
# Twice the workers: one request always waits in the backlog, so no worker idles between requests.
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "4"))
WORKERS = 2

# Reader URLs, reversed inside Django; the essay is the one with the most public comments.
URLS_SCRIPT = """
import json
from django.urls import reverse
from blog.models import Post
essay = Post.objects.published().order_by("-comment_count").first()
print(json.dumps({"home": reverse("blog:home"), "essay": essay.get_absolute_url(),
    "feed (RSS)": reverse("blog:feed"), "healthz": reverse("healthz"),
    "comments": essay.comment_count}))
"""


def _server() -> dict:
    """Connection parameters of the Postgres server to borrow (never its databases)."""
    if os.environ.get("DATABASE_URL"):
        import dj_database_url

        parsed = dj_database_url.parse(os.environ["DATABASE_URL"])
        keys = ("HOST", "PORT", "USER", "PASSWORD")
        return {key.lower(): str(parsed.get(key) or "") for key in keys}
    from config import embedded_db

    found = embedded_db.ensure_running()
    return {"host": found["HOST"], "port": found["PORT"], "user": found["USER"], "password": ""}


def _recreate_database(server: dict, *, create: bool, name: str = DATABASE) -> None:
    import psycopg
    from psycopg import sql

    params = {key: value for key, value in server.items() if value}
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as conn:
        name = sql.Identifier(name)
        # FORCE: a run killed half-way may have left pooled connections behind.
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        if create:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(name))


def _environment(server: dict, media_root: str) -> dict:
    # The socket folder goes in the query string: the URL's host part would be lower-cased.
    query = urlencode({"host": server["host"]}) if server["host"].startswith("/") else ""
    host = "" if query else server["host"]
    password = f":{quote(server['password'], safe='')}" if server["password"] else ""
    url = f"postgres://{quote(server['user'])}{password}@{host}:{server['port']}/{DATABASE}"
    env = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
    env.update(
        DATABASE_URL=url + (f"?{query}" if query else ""),
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(60),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="false",  # plain http on the loopback, no proxy in front
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",  # nothing leaves
        MEDIA_ROOT=media_root,
        LOG_LEVEL="WARNING",
    )
    return env


def _manage(env: dict, *args: str) -> str:
    command = [sys.executable, "manage.py", *args]
    done = subprocess.run(command, cwd=BASE_DIR, env=env, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stderr}")
    return done.stdout


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_up(port: int, gunicorn: subprocess.Popen, path: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if gunicorn.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {gunicorn.returncode}")
        try:
            connection = HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", path)
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer within 30 s")


def _reader(port: int, path: str, until: float, results: list) -> None:
    """One reader: request after request on one connection until the deadline."""
    # gunicorn's sync workers close the connection after each response; http.client then
    # reconnects on the next request by itself, as a proxy in front of gunicorn would.
    connection = HTTPConnection("127.0.0.1", port, timeout=10)
    while time.monotonic() < until:
        started = time.perf_counter()
        try:
            connection.request("GET", path, headers={"Accept-Encoding": "gzip"})
            response = connection.getresponse()
            size = len(response.read())
            results.append((time.perf_counter() - started, response.status, size))
        except OSError:
            results.append((time.perf_counter() - started, None, 0))
            connection.close()
    connection.close()


def _load(port: int, path: str, seconds: float) -> tuple[list, float]:
    results, until = [], time.monotonic() + seconds
    readers = [
        threading.Thread(target=_reader, args=(port, path, until, results))
        for _ in range(CONNECTIONS)
    ]
    started = time.perf_counter()
    for reader in readers:
        reader.start()
    for reader in readers:
        reader.join()
    return results, time.perf_counter() - started


def _report(name: str, results: list, elapsed: float) -> None:
    latencies = sorted(latency * 1000 for latency, _, _ in results)
    errors = sum(status != 200 for _, status, _ in results)
    p95 = statistics.quantiles(latencies, n=20)[18] if len(latencies) > 1 else latencies[0]
    kilobytes = max(size for _, _, size in results) / 1024
    print(
        f"{name:>12}  {len(results) / elapsed:8.1f}  {statistics.median(latencies):8.1f}  "
        f"{p95:8.1f}  {errors:6d}  {kilobytes:7.1f}"
    )


def _stop(gunicorn: subprocess.Popen) -> None:
    # SIGTERM to the master's pid: it stops its own workers gracefully.
    if gunicorn.poll() is None:
        os.kill(gunicorn.pid, signal.SIGTERM)
        try:
            gunicorn.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.kill(gunicorn.pid, signal.SIGKILL)
            gunicorn.wait()


def _serve_and_measure(env: dict, log) -> None:
    urls = json.loads(_manage(env, "shell", "--no-imports", "-c", URLS_SCRIPT))
    port = _free_port()
    command = [sys.executable, "-m", "gunicorn", "config.wsgi"]
    command += ["--bind", f"127.0.0.1:{port}", "--workers", str(WORKERS)]
    gunicorn = subprocess.Popen(command, cwd=BASE_DIR, env=env, stdout=log, stderr=log)
    try:
        _wait_until_up(port, gunicorn, urls["healthz"])
        print(
            f"gunicorn, {WORKERS} sync workers, DEBUG off, {CONNECTIONS} connections, "
            f"{SECONDS:g} s per page; essay with {urls.pop('comments')} public comments; "
            f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
        )
        heading = ("page", "req/s", "median ms", "p95 ms", "errors", "KB")
        print("{:>12}  {:>8}  {:>8}  {:>8}  {:>6}  {:>7}".format(*heading))
        for name, path in urls.items():
            _load(port, path, WARM_UP_SECONDS)  # fills each worker's pool and cache first
            _report(name, *_load(port, path, SECONDS))
        print(f"load average after: {os.getloadavg()[0]:.1f}")
    finally:
        _stop(gunicorn)


def main():
    server = _server()
    static_root = BASE_DIR / "staticfiles"
    static_existed = static_root.exists()
    with tempfile.TemporaryDirectory(prefix="lectern-bench-") as scratch:
        log_path = Path(scratch) / "gunicorn.log"
        try:
            _recreate_database(server, create=True)
            # The demo's author photos go to the scratch folder, not the checkout's media/.
            env = _environment(server, media_root=str(Path(scratch) / "media"))
            _manage(env, "migrate", "--noinput")
            _manage(env, "demo")
            _manage(env, "collectstatic", "--noinput")
            with log_path.open("w") as log:
                _serve_and_measure(env, log)
        finally:
            log = log_path.read_text() if log_path.exists() else ""
            if "ERROR" in log or "Traceback" in log:
                print(f"gunicorn's log (last lines):\n{log[-3000:]}")
            _recreate_database(server, create=False)
            if not static_existed:
                shutil.rmtree(static_root, ignore_errors=True)


if __name__ == "__main__":
    main()
