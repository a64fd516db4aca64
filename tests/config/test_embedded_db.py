"""The embedded Postgres recovers from what a killed run leaves behind."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def embedded_db(action, pgdata):
    return subprocess.run(
        [sys.executable, "-m", "config.embedded_db", action],
        cwd=ROOT,
        env={**os.environ, "LECTERN_PGDATA": str(pgdata)},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_start_recovers_from_a_stale_pid_file_and_stop_stops(tmp_path):
    pgdata = tmp_path / "pgdata"
    try:
        assert embedded_db("start", pgdata).returncode == 0
        assert embedded_db("stop", pgdata).returncode == 0
        # A killed server leaves its pid file behind; here it names a live process that is
        # not a postgres (this test's own), the worst case for a naive liveness check.
        pid_file = pgdata / "postmaster.pid"
        lines = ["99999999"] + [str(pgdata), "0", "5432", str(pgdata), "", "0 0", "ready"]
        lines[0] = str(os.getpid())
        pid_file.write_text("\n".join(lines) + "\n")

        started = embedded_db("start", pgdata)

        assert started.returncode == 0, started.stderr
        assert embedded_db("status", pgdata).stdout.strip() == "running"
    finally:
        embedded_db("stop", pgdata)
    assert embedded_db("status", pgdata).stdout.strip() == "stopped"
