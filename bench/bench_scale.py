"""Before and after, side by side in one run: the essay page under load, per viewer (`make bench`).

One Postgres database (bench_http's `lectern_bench`), one Redis (the shared cache, as production),
essays with N threaded comments (BENCH_SIZES, default 100,500,2000; a tenth awaiting moderation),
and two gunicorns with 2 sync workers each on 127.0.0.1: "before" runs the code of BENCH_BEFORE
(a git revision, default main) from a temporary worktree, "after" this checkout. Each scenario
runs on both, alternately, under `wrk -t2 -c8` for BENCH_SECONDS:
- anonymous: a reader (the page cache, when the code has one);
- anon, no page cache: a reader whose request skips the page cache (a session cookie that names
  no session), so the page is rendered (the public thread fragment may be cached);
- member: signed in, nothing of theirs pending; member*: with a comment of theirs pending;
- moderator;
- nginx static: the very HTML as a file from nginx on loopback, the machine's limit.
It prints req/s, p50/p99 latency, raw and gzip-compressed HTML bytes, and the ratio to nginx;
the POST figures come from bench/posting.py (in-process).
"""

import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.bench_http import (
    BASE_DIR,
    _environment,
    _free_port,
    _manage,
    _recreate_database,
    _server,
    _stop,
    _wait_until_up,
)

SIZES = [int(n) for n in os.environ.get("BENCH_SIZES", "100,500,2000").split(",")]
SECONDS = min(float(os.environ.get("BENCH_SECONDS", "8")), 30)
BEFORE = os.environ.get("BENCH_BEFORE", "main")
VIEWERS = ("anonymous", "anon, no page cache", "member", "member*", "moderator")

# Run inside Django against the bench database: one essay per size, and signed-in sessions.
SEED_SCRIPT = """
import importlib, json
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from tests.factories import make_moderator, make_post, make_thread, make_user

store = importlib.import_module(settings.SESSION_ENGINE).SessionStore

def session(user):
    s = store()
    s[SESSION_KEY] = str(user.pk)
    s[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    s[HASH_SESSION_KEY] = user.get_session_auth_hash()
    s.create()
    return s.session_key

authors = [make_user() for _ in range(40)]
waiting = [make_user() for _ in range(10)]
moderator = make_moderator()
essays = {}
for size in SIZES:
    post = make_post(title=f"Essay with {size} comments")
    make_thread(post=post, count=size - size // 10, depth=5, authors=authors)
    make_thread(post=post, count=size // 10, depth=5, authors=waiting, status="pending")
    essays[size] = post.get_absolute_url()
print(json.dumps({"essays": essays, "sessions": {
    "member": session(authors[0]), "member*": session(waiting[0]),
    "moderator": session(moderator), "anon, no page cache": "no-such-session"}}))
"""

WRK_SCRIPT = """
wrk.headers["Cookie"] = os.getenv("BENCH_COOKIE")
"""


def _wrk(port: int, path: str, cookie: str) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT if cookie else "")
    command = ["wrk", "-t2", "-c8", f"-d{SECONDS:g}s", "--latency", "-s", script.name]
    env = {**os.environ, "BENCH_COOKIE": f"sessionid={cookie}" if cookie else ""}
    output = subprocess.run(
        [*command, f"http://127.0.0.1:{port}{path}"],
        capture_output=True,
        text=True,
        env=env,
        timeout=SECONDS + 30,
    ).stdout
    os.unlink(script.name)
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1])
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "rps": rate,
        "p50": _ms(re.search(r"50%\s+([\d.]+\w+)", output)[1]),
        "p99": _ms(re.search(r"99%\s+([\d.]+\w+)", output)[1]),
        "errors": int(errors[1]) if errors else 0,
    }


def _ms(text: str) -> float:
    number, unit = re.match(r"([\d.]+)(\w+)", text).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def _fetch(port: int, path: str, cookie: str = "") -> bytes:
    from http.client import HTTPConnection

    connection = HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path, headers={"Cookie": f"sessionid={cookie}"} if cookie else {})
    response = connection.getresponse()
    body = response.read()
    assert response.status == 200, (path, response.status)
    return body


def _gunicorn(folder: Path, env: dict, log) -> tuple[subprocess.Popen, int]:
    port = _free_port()
    command = [sys.executable, "-m", "gunicorn", "config.wsgi", "--workers", "2"]
    command += ["--bind", f"127.0.0.1:{port}"]
    process = subprocess.Popen(command, cwd=folder, env=env, stdout=log, stderr=log)
    _wait_until_up(port, process, "/healthz")
    return process, port


def _nginx(folder: Path, html: bytes) -> tuple[subprocess.Popen, int]:
    port = _free_port()
    (folder / "www").mkdir(parents=True)
    (folder / "www" / "essay.html").write_bytes(html)
    temp = " ".join(f"{kind}_temp_path {folder}/{kind};" for kind in ("client_body", "proxy"))
    (folder / "nginx.conf").write_text(
        f"daemon off; worker_processes 2; pid {folder}/nginx.pid; error_log {folder}/error.log;"
        f" events {{ worker_connections 256; }} http {{ access_log off; sendfile on; {temp}"
        f" server {{ listen 127.0.0.1:{port}; root {folder}/www; }} }}"
    )
    folder.chmod(0o755)
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    process = subprocess.Popen([nginx, "-p", str(folder), "-c", str(folder / "nginx.conf")])
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            _fetch(port, "/essay.html")
            break
        except OSError:
            time.sleep(0.1)
    return process, port


def _print_row(size, viewer, code, figures, html, limit):
    ratio = limit / figures["rps"] if figures["rps"] else float("inf")
    compressed = len(gzip.compress(html, 5)) / 1024  # nginx's gzip_comp_level in deploy/
    print(
        f"{size:>5}  {viewer:<20} {code:<7} {figures['rps']:>8.0f}  {figures['p50']:>7.1f}  "
        f"{figures['p99']:>7.1f}  {len(html) / 1024:>7.0f}  {compressed:>6.0f}"
        f"  {ratio:>6.1f}x  {figures['errors']:>4}"
    )


def main():
    if not shutil.which("wrk"):
        print("wrk is missing: apt-get install wrk (make system-deps installs it).")
        return
    from tests.servers import RedisServer

    server = _server()
    static_root = BASE_DIR / "staticfiles"
    static_existed = static_root.exists()
    scratch = Path(tempfile.mkdtemp(prefix="lectern-bench-scale-"))
    scratch.chmod(0o755)  # nginx's workers read the page from here
    before_tree = scratch / "before"
    redis, processes = RedisServer(), []
    try:
        subprocess.run(
            ["git", "worktree", "add", "--detach", str(before_tree), BEFORE],
            cwd=BASE_DIR, check=True, capture_output=True,
        )  # fmt: skip
        _recreate_database(server, create=True)
        env = _environment(server, media_root=str(scratch / "media"))
        env["REDIS_URL"] = redis.url
        _manage(env, "migrate", "--noinput")
        script = SEED_SCRIPT.replace("SIZES", repr(SIZES))
        seeded = json.loads(_manage(env, "shell", "--no-imports", "-c", script).splitlines()[-1])
        log = (scratch / "gunicorn.log").open("w")
        servers = {}
        for code, folder in (("before", before_tree), ("after", BASE_DIR)):
            subprocess.run(
                [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
                cwd=folder, env=env, check=True,
            )  # fmt: skip
            process, port = _gunicorn(folder, env, log)
            processes.append(process)
            servers[code] = port
        print(
            f"before = {BEFORE}, after = this checkout; gunicorn 2 sync workers each, one Redis, "
            f"wrk -t2 -c8 {SECONDS:g} s; load average {os.getloadavg()[0]:.1f} "
            f"on {os.cpu_count()} CPUs"
        )
        print(
            f"{'N':>5}  {'viewer':<20} {'code':<7} {'req/s':>8}  {'p50 ms':>7}  {'p99 ms':>7}  "
            f"{'HTML KB':>7}  {'gz KB':>6}  {'nginx/':>7}  {'errs':>4}"
        )
        for size in SIZES:
            path = seeded["essays"][str(size)]
            html = _fetch(servers["after"], path)
            nginx, nginx_port = _nginx(scratch / f"nginx-{size}", html)
            processes.append(nginx)
            limit = _wrk(nginx_port, "/essay.html", "")
            _print_row(size, "nginx static", "-", limit, html, limit["rps"])
            for viewer in VIEWERS:
                cookie = seeded["sessions"].get(viewer, "")
                for code, port in servers.items():
                    page = _fetch(port, path, cookie)  # fills the caches the code has
                    _print_row(size, viewer, code, _wrk(port, path, cookie), page, limit["rps"])
            _stop(nginx)
        print(f"load average after: {os.getloadavg()[0]:.1f}")
        from bench import posting

        print("POST, in-process (bench/posting.py):")
        posting.main()
    except Exception:
        log_path = scratch / "gunicorn.log"
        if log_path.exists():
            print(f"gunicorn's log (last lines):\n{log_path.read_text()[-3000:]}")
        raise
    finally:
        for process in processes:
            _stop(process)
        redis.stop()
        _recreate_database(server, create=False)
        subprocess.run(
            ["git", "worktree", "remove", "--force", str(before_tree)],
            cwd=BASE_DIR, capture_output=True,
        )  # fmt: skip
        shutil.rmtree(scratch, ignore_errors=True)
        if not static_existed:
            shutil.rmtree(static_root, ignore_errors=True)


if __name__ == "__main__":
    main()
