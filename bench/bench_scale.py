"""The essay page under load, per viewer, against nginx serving the same bytes (`make bench`).

One Postgres database (`lectern_bench_<pid>`, dropped afterwards), one Redis (the shared cache, as
production), an essay per N (BENCH_SIZES, default 100,500,2000; a tenth of its comments awaiting
moderation) and gunicorn with 2 workers as deploy/gunicorn.conf.py runs them (threaded,
connections kept open) on 127.0.0.1 running this checkout, production settings. Each row runs
`wrk -t2 -c8` for BENCH_SECONDS (default 5):
- nginx static: the very HTML as a file from nginx on loopback, the machine's limit; and
  nginx static gzip: the same, gzip-compressed on the fly for each request as deploy/'s nginx does;
- gunicorn, same bytes: gunicorn as Lectern runs it (the same 2 workers) answering the same bytes
  from memory with no Django (bench/same_bytes.py): the Python server's own floor;
- anonymous: a reader (from the page cache);
- anonymous via nginx: the same, through deploy/'s nginx site file in front (its micro-cache
  answers while the page's s-maxage lasts; nginx's CPU, not gunicorn's); and anonymous via
  nginx, gzip: the same with Accept-Encoding: gzip (the copy kept compressed);
- anon uncached: a reader whose request skips the page cache (a cookie naming no session: one
  session query more than a reader without cookies; the essay's kept skeleton and the public
  thread fragment may be used);
- member: signed in, nothing of theirs pending; member*: with a comment of theirs pending;
- moderator;
- POST trusted / POST held: posting a comment over HTTP as comments.js does (a real session, a
  CSRF token asked of the site), each by a new member, approved at once or held; and the
  in-process median and queries of bench/posting.py (measured first, before any load).
CPU ms is the server's workers' CPU time per request (/proc, gunicorn's or nginx's workers; not
Postgres, Redis or wrk): unlike req/s, other work on a shared machine barely moves it.
Queries per request are counted in-process (bench/in_django/count_queries.py, same database and
Redis). BENCH_BEFORE=<git revision> adds "before" rows from that revision in a temporary worktree,
at BENCH_BEFORE_SIZES (default 500). It prints a text table, then the same as Markdown for
docs/scaling.md. Every process is stopped by its pid, also on Ctrl-C or SIGTERM.
"""

import json
import os
import runpy
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from functools import partial
from pathlib import Path
from typing import NamedTuple

from bench import loadgen
from bench.bench_http import BASE_DIR, DATABASE, _environment, _recreate_database, _server
from bench.report import Row, compression_note, markdown_table, targets, text_table
from tests.servers import DeployNginx, RedisServer, free_port, stop_process, wait_for

SIZES = [int(n) for n in os.environ.get("BENCH_SIZES", "100,500,2000").split(",")]
SECONDS = min(float(os.environ.get("BENCH_SECONDS", "5")), 30)  # bounded: a shared machine
BEFORE = os.environ.get("BENCH_BEFORE", "")
BEFORE_SIZES = [int(n) for n in os.environ.get("BENCH_BEFORE_SIZES", "500").split(",")]
POST_SIZE = int(os.environ.get("BENCH_POST_SIZE", "500"))
VIEWERS = ("anonymous", "anon uncached", "member", "member*", "moderator")
# New members who post over HTTP, per kind: more than 2 workers can take in SECONDS.
POSTERS_PER_SECOND = 60
SCRIPTS = Path(__file__).parent / "in_django"
DATABASES = {"after": DATABASE, "before": f"{DATABASE}_before"}


def _in_django(tree: Path, env: dict, script: str, data: dict) -> dict:
    """Run bench/in_django/<script> inside Django in `tree`; its last line, as JSON."""
    command = [sys.executable, "manage.py", "shell", "--no-imports", "-c"]
    command.append((SCRIPTS / script).read_text())
    done = subprocess.run(
        command,
        cwd=tree,
        env={**env, "BENCH_INPUT": json.dumps(data)},
        capture_output=True,
        text=True,
        timeout=600,
    )
    if done.returncode:
        raise RuntimeError(f"{script} failed in {tree}:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.splitlines()[-1])


class Gunicorn(NamedTuple):
    process: subprocess.Popen
    port: int

    @property
    def pid(self) -> int:
        return self.process.pid


def deployed_workers() -> list[str]:
    """gunicorn's worker options as deploy/gunicorn.conf.py sets them (class, threads,
    keep-alive), for every gunicorn the bench runs, before's code included: the figures are
    those of a node as deployed. Not the whole file: its access log would be timed too."""
    conf = runpy.run_path(str(BASE_DIR / "deploy" / "gunicorn.conf.py"))
    options = ["--worker-class", conf["worker_class"], "--keep-alive", str(conf["keepalive"])]
    return options + ["--threads", str(conf.get("threads", 1))]


def _start_gunicorn(tree: Path, env: dict, log, app: str = "config.wsgi") -> Gunicorn:
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", app, "--workers", "2", *deployed_workers()]
    command += ["--bind", f"127.0.0.1:{port}"]
    process = subprocess.Popen(command, cwd=tree, env=env, stdout=log, stderr=log)

    def answers():
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn in {tree} exited with {process.returncode}")
        return _answers(port)

    wait_for(answers, seconds=30, what="gunicorn did not answer", interval=0.2)
    return Gunicorn(process, port)


def _stop(process: subprocess.Popen) -> None:
    stop_process(process, seconds=15)


def _load() -> float:
    return os.getloadavg()[0]


def _measured(row: Row, run, server_pid: int) -> Row:
    row.load_before, cpu_before = _load(), loadgen.cpu_seconds(server_pid)
    figures = run()
    cpu = loadgen.cpu_seconds(server_pid) - cpu_before
    row.load_after = _load()
    for key, value in figures.items():
        if hasattr(row, key):
            setattr(row, key, value)
    if figures["requests"]:
        row.cpu_ms = cpu * 1000 / figures["requests"]
    return row


def _page_rows(size, seeded, servers, queries, scratch) -> list[Row]:
    essay = seeded["after"]["essays"][str(size)]["path"]
    html = loadgen.fetch(servers["after"].port, essay)
    nginx = loadgen.StaticNginx(scratch / f"nginx-{size}", html)
    try:
        run = partial(loadgen.wrk, nginx.port, "/essay.html", seconds=SECONDS)
        limit = _measured(Row(size, "nginx static", "-", html=html), run, nginx.process.pid)
        limit.limit_rps = limit.rps
        # What compressing costs the web tier: the same file, gzip-5 on the fly for each request.
        compressed = _measured(
            Row(size, "nginx static gzip", "-", html=html, limit_rps=limit.rps),
            partial(run, gzip=True),
            nginx.process.pid,
        )
    finally:
        _stop(nginx.process)
    # The Python server's own floor: gunicorn as Lectern runs it, answering the same bytes.
    page_file = scratch / f"same-bytes-{size}.html"
    page_file.write_bytes(html)
    env = {**os.environ, "BENCH_PAGE_FILE": str(page_file)}
    with open(scratch / "same-bytes.log", "ab") as log:
        floor_server = _start_gunicorn(BASE_DIR, env, log, app="bench.same_bytes")
    try:
        run = partial(loadgen.wrk, floor_server.port, "/", seconds=SECONDS)
        floor = _measured(
            Row(size, "gunicorn, same bytes", "-", html=html, limit_rps=limit.rps),
            run,
            floor_server.pid,
        )
    finally:
        _stop(floor_server.process)
    rows = [limit, compressed, floor]
    for viewer in VIEWERS:
        for code, server in servers.items():
            if code == "before" and size not in BEFORE_SIZES:
                continue
            essay = seeded[code]["essays"][str(size)]["path"]
            cookie = seeded[code]["sessions"].get(viewer, "")
            page = loadgen.fetch(server.port, essay, cookie)  # fills the caches the code has
            row = Row(size, viewer, code, html=page, limit_rps=limit.rps)
            row.queries = queries[code].get(str(size), {}).get(viewer)
            run = partial(loadgen.wrk, server.port, essay, seconds=SECONDS, cookie=cookie)
            rows.append(_measured(row, run, server.pid))
    rows += _through_deploy_nginx(size, seeded, servers["after"], limit.rps, scratch)
    return rows


def _through_deploy_nginx(size, seeded, server, limit_rps, scratch) -> list[Row]:
    """Readers as production serves them: deploy/'s nginx site file (its micro-cache holds the
    page for the seconds the app allows) in front of the same gunicorn; without and with
    Accept-Encoding: gzip, as browsers send it (the compressed copy is kept as well)."""
    essay = seeded["after"]["essays"][str(size)]["path"]
    proxy = DeployNginx(scratch / f"deploy-nginx-{size}", [f"127.0.0.1:{server.port}"], workers=2)
    rows = []
    try:
        wait_for(lambda: _answers(proxy.port), seconds=10, what="deploy nginx did not answer")
        # Both copies into the micro-cache: a cold copy makes the first readers wait on nginx's
        # cache lock, which wakes them on a 500 ms tick (wrk's latency correction then turns
        # those few waits into ~1% of its samples: a p99 of ~435 ms that readers never see).
        page = loadgen.fetch(proxy.port, essay)
        loadgen.fetch(proxy.port, essay, gzip=True)
        for who, gzip in (("anonymous via nginx", False), ("anonymous via nginx, gzip", True)):
            row = Row(size, who, "after", html=page, limit_rps=limit_rps)
            row.queries = 0
            run = partial(loadgen.wrk, proxy.port, essay, seconds=SECONDS, gzip=gzip)
            rows.append(_measured(row, run, proxy.process.pid))
        return rows
    finally:
        proxy.stop()


def _answers(port: int) -> bool:
    """Whether a server on this port answers /healthz (anything but a refused connection)."""
    try:
        return loadgen.fetch(port, "/healthz") is not None
    except (OSError, RuntimeError):
        return False


def _post_rows(seeded, server) -> list[Row]:
    essay = seeded["essays"][str(POST_SIZE)]
    rows = []
    for kind in ("trusted", "held"):
        members = loadgen.csrf_tokens(server.port, seeded["token_path"], seeded["posters"][kind])
        run = partial(loadgen.post_loop, server.port, essay["post"], members, seconds=SECONDS)
        rows.append(_measured(Row(POST_SIZE, f"POST {kind}", "after"), run, server.pid))
    return rows


def _posting_in_process() -> list[Row]:
    from bench import posting
    from bench.throwaway_db import throwaway_database

    rows = []
    with throwaway_database():
        started = _load()
        for who, median_ms, cpu_ms, queries in posting.rows(POST_SIZE):
            # "trusted, comment" -> "POST trusted comment"
            rows.append(
                Row(
                    POST_SIZE,
                    f"POST {who.replace(',', '')}",
                    "in-proc",
                    p50_ms=median_ms,
                    cpu_ms=cpu_ms,
                    queries=queries,
                )
            )
        for row in rows:
            row.load_before, row.load_after = started, _load()
    return rows


def _interrupt(signum, frame):
    raise KeyboardInterrupt  # SIGTERM runs the finally blocks as Ctrl-C does


def main():
    if not shutil.which("wrk"):
        print("wrk is missing: apt-get install wrk (make system-deps installs it).")
        return
    if POST_SIZE not in SIZES:
        raise SystemExit(f"BENCH_POST_SIZE={POST_SIZE} must be one of BENCH_SIZES={SIZES}")
    signal.signal(signal.SIGTERM, _interrupt)
    started_at, load_at_start = time.monotonic(), _load()
    server = _server()
    static_root = BASE_DIR / "staticfiles"
    static_existed = static_root.exists()
    scratch = Path(tempfile.mkdtemp(prefix="lectern-bench-scale-"))
    scratch.chmod(0o755)  # nginx's workers read pages from below here
    trees = {"after": BASE_DIR}
    if BEFORE:
        trees["before"] = scratch / "before"
    redis, processes = None, []
    log_path = scratch / "gunicorn.log"
    try:
        # First, on the machine as it is before any load: the rows under load leave Postgres
        # busy afterwards (autovacuum and checkpoints for what they wrote), which would be timed.
        in_process_posts = _posting_in_process()
        redis = RedisServer()
        if BEFORE:
            subprocess.run(
                ["git", "worktree", "add", "--detach", str(trees["before"]), BEFORE],
                cwd=BASE_DIR, check=True, capture_output=True,
            )  # fmt: skip
        env = _environment(server, media_root=str(scratch / "media"))
        posters = int(SECONDS * POSTERS_PER_SECOND)
        servers, queries, seeded = {}, {}, {}
        with log_path.open("w") as log:
            for code, tree in trees.items():
                # Each code its own database, migrated and seeded by its own code (the schema
                # moves between revisions), and its own Redis database: with one, both would
                # serve each other's cached pages and threads (same keys).
                _recreate_database(server, create=True, name=DATABASES[code])
                code_env = {
                    **env,
                    "DATABASE_URL": env["DATABASE_URL"].replace(DATABASE, DATABASES[code], 1),
                    "REDIS_URL": f"{redis.url.rsplit('/', 1)[0]}/{len(servers)}",
                }
                subprocess.run(
                    [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
                    cwd=tree, env=code_env, check=True,
                )  # fmt: skip
                seeded[code] = _in_django(
                    tree, code_env, "seed.py", {"sizes": SIZES, "posters": posters}
                )
                subprocess.run(
                    [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
                    cwd=tree, env=code_env, check=True,
                )  # fmt: skip
                servers[code] = _start_gunicorn(tree, code_env, log)
                processes.append(servers[code].process)
                sizes = SIZES if code == "after" else BEFORE_SIZES
                paths = {size: seeded[code]["essays"][str(size)]["path"] for size in sizes}
                cookies = {viewer: seeded[code]["sessions"].get(viewer, "") for viewer in VIEWERS}
                queries[code] = _in_django(
                    tree, code_env, "count_queries.py", {"paths": paths, "cookies": cookies}
                )
            commit = subprocess.run(
                ["git", "rev-parse", "--short", "HEAD"],
                cwd=BASE_DIR, capture_output=True, text=True,
            ).stdout.strip()  # fmt: skip
            print(
                f"Lectern {commit}{f' vs before = {BEFORE}' if BEFORE else ''}: gunicorn 2 "
                f"workers {' '.join(deployed_workers())}, Redis, production settings; "
                f"wrk -t2 -c{loadgen.CONNECTIONS} "
                f"{SECONDS:g} s per row; {os.cpu_count()} CPUs, load average {load_at_start:.1f} "
                f"at the start"
            )
            rows = []
            for size in SIZES:
                section = _page_rows(size, seeded, servers, queries, scratch)
                print(
                    f"\nN = {size}: load {section[0].load_before:.1f} before, "
                    f"{section[-1].load_after:.1f} after\n{text_table(section)}",
                    flush=True,
                )
                rows += section
            section = _post_rows(seeded["after"], servers["after"])
        for process in processes:
            _stop(process)
        section += in_process_posts
        print(
            f"\nPOST at N = {POST_SIZE} (HTTP: {loadgen.CONNECTIONS} clients, each post by a new "
            f"member; in-proc: bench/posting.py, {os.environ.get('BENCH_POST_ROUNDS', '40')} "
            f"posts each, DEBUG off)\n{text_table(section)}"
        )
        rows += section
        minutes = (time.monotonic() - started_at) / 60
        print(
            f"\nMarkdown for docs/scaling.md (commit {commit}, {minutes:.1f} min, load average "
            f"{load_at_start:.1f} at the start, {_load():.1f} at the end; "
            f"{compression_note()}):\n\n{markdown_table(rows)}\n\nIssue 12's targets:\n"
            + "\n".join(targets(rows, size=POST_SIZE))
        )
    except Exception:
        if log_path.exists():
            print(f"gunicorn's log (last lines):\n{log_path.read_text()[-3000:]}")
        raise
    finally:
        for process in processes:
            _stop(process)
        if redis:
            redis.stop()
        for name in DATABASES.values():
            _recreate_database(server, create=False, name=name)
        if BEFORE:
            subprocess.run(
                ["git", "worktree", "remove", "--force", str(trees["before"])],
                cwd=BASE_DIR, capture_output=True,
            )  # fmt: skip
        shutil.rmtree(scratch, ignore_errors=True)
        if not static_existed:
            shutil.rmtree(static_root, ignore_errors=True)


if __name__ == "__main__":
    main()
