"""The embedded Postgres starts once however many processes ask, and recovers from a killed run."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def embedded_db(action, pgdata, *, wait=True):
    process = subprocess.Popen(
        [sys.executable, "-m", "config.embedded_db", action],
        cwd=ROOT,
        env={**os.environ, "LECTERN_PGDATA": str(pgdata)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    if not wait:
        return process
    process.communicate(timeout=120)
    return process


def status(pgdata) -> str:
    process = embedded_db("status", pgdata, wait=False)
    out, _ = process.communicate(timeout=60)
    return out.strip()


def test_two_processes_starting_at_once_share_one_server(tmp_path):
    pgdata = tmp_path / "pgdata"
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
        embedded_db("stop", pgdata)
    assert status(pgdata) == "stopped"


def test_start_recovers_from_a_stale_pid_file(tmp_path):
    pgdata = tmp_path / "pgdata"
    try:
        assert embedded_db("start", pgdata).returncode == 0
        assert embedded_db("stop", pgdata).returncode == 0
        # A killed server leaves its pid file behind; here it names a live process that is
        # not a postgres (this test's own), the worst case for a naive liveness check.
        fields = [os.getpid(), pgdata, 0, 5432, pgdata, "", "0 0", "ready"]
        (pgdata / "postmaster.pid").write_text("\n".join(map(str, fields)) + "\n")

        started = embedded_db("start", pgdata)

        assert started.returncode == 0, started.stderr.read() if started.stderr else ""
        assert status(pgdata) == "running"
    finally:
        embedded_db("stop", pgdata)
    assert status(pgdata) == "stopped"
