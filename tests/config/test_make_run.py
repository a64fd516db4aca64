"""`make run` comes up again however the previous one was stopped (issue: an empty handle list)."""

import contextlib
import os
import signal
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.config.test_embedded_db import embedded_db
from tests.servers import free_port

ROOT = Path(__file__).resolve().parents[2]
# When each signal stops `make run`, in seconds after it started (None: once the site serves).
# Spread over a start on a 2-core machine (~5 s, see UP_TIMEOUT): the first stops land while the
# database starts, the next during migrate and the demo load, the last on a serving site, which
# is awaited rather than hoped for. Every stop is followed by the next start, as before; more
# stops at other moments of the same phases add time, not cases.
STOP_MOMENTS = (0.3, 0.9, 1.6, 2.5, 3.5, None)
UP_TIMEOUT = 90  # seconds; a loaded 2-core machine runs migrate, demo and runserver in ~5


def start_make_run(pgdata: Path, port: int) -> subprocess.Popen:
    # Its own session, as a terminal or process manager would start it; signals go to the group.
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_DEBUG"}}
    env["LECTERN_PGDATA"] = str(pgdata)
    return subprocess.Popen(
        ["make", "--no-print-directory", "run", f"PORT={port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


def wait_until_serving(run: subprocess.Popen, port: int, *, within: float = UP_TIMEOUT) -> bool:
    """Whether the site answers within the time given; a run that exits by itself fails the test."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if run.poll() is not None:
            raise AssertionError(f"make run exited with {run.returncode}:\n{run.stdout.read()}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
                if response.status == 200:
                    return True
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)
    return False


def stop(run: subprocess.Popen, signal_number: int) -> None:
    try:
        os.killpg(run.pid, signal_number)
        run.wait(timeout=30)
    finally:
        # Whatever the signal left behind (runserver's reloader child) goes, so the port is free.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(run.pid, signal.SIGKILL)
        run.wait(timeout=30)
        run.stdout.close()


@pytest.fixture
def data_folders():
    # Not tmp_path: the server runs as an unprivileged user that must reach its data (see
    # test_embedded_db); one folder per signal.
    with tempfile.TemporaryDirectory(prefix="lectern-make-run-") as parent:
        folders = {name: Path(parent) / name / "pgdata" for name in ("INT", "TERM", "KILL", "twin")}
        for folder in folders.values():
            folder.parent.mkdir()
        yield folders
        # Side by side: each stop waits for its own server to shut down.
        stops = [embedded_db("stop", folder, wait=False) for folder in folders.values()]
        for stop_command in stops:
            stop_command.communicate(timeout=120)


def restart_repeatedly(signal_number: int, pgdata: Path, failures: list[str]) -> None:
    """Stop make run at each of STOP_MOMENTS in a row, then check that the next one comes up.

    A stop lands at its moment, or earlier if the site already serves. A start that fails by
    itself (as with the broken handle list) fails the test at once.
    """
    name = signal.Signals(signal_number).name
    port = free_port()
    for stop_number, moment in enumerate(STOP_MOMENTS, start=1):
        run = start_make_run(pgdata, port)
        try:
            served = wait_until_serving(run, port, within=moment or UP_TIMEOUT)
            if moment is None and not served:
                failures.append(f"{name}, start {stop_number}: no site within {UP_TIMEOUT} s")
                return
        except AssertionError as error:
            failures.append(f"{name}, start {stop_number}: {error}")
            return
        finally:
            stop(run, signal_number)
    run = start_make_run(pgdata, port)
    try:
        if not wait_until_serving(run, port):
            failures.append(f"{name}: no site {UP_TIMEOUT} s after the last stop")
    except AssertionError as error:
        failures.append(f"{name}, after {len(STOP_MOMENTS)} stops: {error}")
    finally:
        stop(run, signal.SIGTERM)


def test_make_run_comes_up_after_being_stopped_by_every_signal_at_every_stage_of_its_start(
    data_folders,
):
    failures: list[str] = []
    # One loop per signal, side by side (each on its own data folder and port) to keep the suite
    # short; within a loop every start follows the previous run's stop.
    loops = [
        threading.Thread(
            target=restart_repeatedly,
            args=(getattr(signal, f"SIG{name}"), data_folders[name], failures),
        )
        for name in ("INT", "TERM", "KILL")
    ]
    for loop in loops:
        loop.start()
    for loop in loops:
        loop.join()

    assert failures == []
    assert (data_folders["TERM"] / ".handle_pids.json").read_text().startswith("[")


def test_two_make_runs_on_one_data_folder_started_at_once_both_serve(data_folders):
    pgdata = data_folders["twin"]
    ports = [free_port(), free_port()]
    runs = [start_make_run(pgdata, port) for port in ports]
    try:
        for run, port in zip(runs, ports, strict=True):
            assert wait_until_serving(run, port)
    finally:
        for run in runs:
            stop(run, signal.SIGTERM)
