"""The embedded Postgres starts once however many processes ask, and recovers from a killed run."""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def pgdata():
    # Not tmp_path: pytest keeps /tmp/pytest-of-<user> private (0700) and resets it when another
    # session starts, while the server runs as an unprivileged user that must reach its data.
    with tempfile.TemporaryDirectory(prefix="lectern-pgdata-") as parent:
        yield Path(parent) / "pgdata"


def embedded_db(action, pgdata, *, wait=True):
    """Run `python -m config.embedded_db ACTION`: finished (CompletedProcess) or still running."""
    command = [sys.executable, "-m", "config.embedded_db", action]
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}  # the embedded one, always
    options = {"cwd": ROOT, "env": {**env, "LECTERN_PGDATA": str(pgdata)}, "text": True}
    if wait:
        return subprocess.run(command, capture_output=True, timeout=120, **options)
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **options)


def status(pgdata) -> str:
    return embedded_db("status", pgdata).stdout.strip()


def test_two_processes_starting_at_once_share_one_server(pgdata):
    try:
        # Like runserver's autoreloader and its child, both ask before either has finished.
        first, second = (
            embedded_db("start", pgdata, wait=False),
            embedded_db("start", pgdata, wait=False),
        )
        for process in (first, second):
            _, err = process.communicate(timeout=120)
            assert process.returncode == 0, err

        assert status(pgdata) == "running"
        postmasters = subprocess.run(
            ["pgrep", "-f", f"bin/postgres -D {pgdata} "], capture_output=True, text=True
        ).stdout.split()
        assert len(postmasters) == 1
    finally:
        stopped = embedded_db("stop", pgdata)
    assert stopped.returncode == 0, stopped.stderr
    assert status(pgdata) == "stopped"


def test_start_recovers_from_a_stale_pid_file(pgdata):
    try:
        assert embedded_db("start", pgdata).returncode == 0
        assert embedded_db("stop", pgdata).returncode == 0
        # A killed server leaves its pid file behind; here it names a live process that is
        # not a postgres (this test's own), the worst case for a naive liveness check.
        fields = [os.getpid(), pgdata, 0, 5432, pgdata, "", "0 0", "ready"]
        (pgdata / "postmaster.pid").write_text("\n".join(map(str, fields)) + "\n")

        started = embedded_db("start", pgdata)

        assert started.returncode == 0, started.stderr
        assert status(pgdata) == "running"
    finally:
        stopped = embedded_db("stop", pgdata)
    assert stopped.returncode == 0, stopped.stderr
    assert status(pgdata) == "stopped", stopped.stdout + stopped.stderr


# What a process stopped while the wheel rewrote its handle list leaves behind.
HANDLE_LISTS = {
    "empty": "",
    "truncated": "[4242, ",
    "garbage": "\x00garbage{",
    "dead pids": "[999999999, 999999998]",
}


def test_start_works_whatever_the_handle_list_holds(pgdata):
    try:
        assert embedded_db("start", pgdata).returncode == 0
        for name, handle_list in HANDLE_LISTS.items():
            assert embedded_db("stop", pgdata).returncode == 0
            (pgdata / ".handle_pids.json").write_text(handle_list)

            started = embedded_db("start", pgdata)

            assert started.returncode == 0, f"{name}: {started.stderr}"
            assert status(pgdata) == "running", name
    finally:
        embedded_db("stop", pgdata)


def test_a_data_folder_without_a_database_is_set_aside_not_deleted(pgdata):
    # A first run killed during initdb, or a folder the developer pointed at by mistake.
    pgdata.mkdir()
    (pgdata / "notes.txt").write_text("mine")
    try:
        started = embedded_db("start", pgdata)

        assert started.returncode == 0, started.stderr
        assert status(pgdata) == "running"
        (aside,) = pgdata.parent.glob("pgdata.unusable-*")
        assert (aside / "notes.txt").read_text() == "mine"
    finally:
        embedded_db("stop", pgdata)
