"""`make run` comes up again however the previous one was stopped (issue: an empty handle list)."""

import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import psutil
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
# Seconds within which make run and every process it started are gone after a signal: they take
# about 1 s on a 2-core machine with both cores busy, so this only catches a stop that hangs.
STOP_TIMEOUT = 30
OUTPUT_SHOWN = 4000  # characters: the end of make run's output, in a failure's message


@dataclass
class MakeRun:
    """A `make run` in its own session, its output in a file.

    Not a pipe: nobody reads it while the test waits, and once it is full (a run that logs a few
    hundred requests) the server blocks on its next log line and answers nothing more.
    """

    process: subprocess.Popen
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-OUTPUT_SHOWN:]


# make run started as a terminal starts it, Ctrl-C not ignored: a shell without job control
# (pytest run in the background) starts commands with SIGINT ignored, which exec passes on.
AS_FROM_A_TERMINAL = [
    sys.executable,
    "-c",
    "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); "
    "os.execvp(sys.argv[1], sys.argv[1:])",
]


def start_make_run(pgdata: Path, port: int) -> MakeRun:
    # Its own session, as a terminal or process manager would start it; signals go to the group.
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_DEBUG"}}
    env["LECTERN_PGDATA"] = str(pgdata)
    with tempfile.NamedTemporaryFile(
        "w", dir=pgdata.parent, prefix="make-run-", suffix=".log", delete=False
    ) as log:
        process = subprocess.Popen(
            [*AS_FROM_A_TERMINAL, "make", "--no-print-directory", "run", f"PORT={port}"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
    return MakeRun(process, Path(log.name))


def wait_until_serving(run: MakeRun, port: int, *, within: float = UP_TIMEOUT) -> bool:
    """Whether the site answers within the time given; a run that exits by itself fails the test."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if run.process.poll() is not None:
            raise AssertionError(f"make run exited with {run.process.returncode}:\n{run.output()}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
                if response.status == 200:
                    return True
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)
    return False


def still_running(run: MakeRun) -> list[str]:
    """The processes of make run's group that have not exited (a zombie has: only its reaping is
    left, by whoever adopted it)."""
    group = run.process.pid  # make leads the group its session started
    left = []
    for process in psutil.process_iter():
        with contextlib.suppress(psutil.Error, ProcessLookupError):
            if os.getpgid(process.pid) == group and process.status() != psutil.STATUS_ZOMBIE:
                left.append(f"{process.pid} {process.status()} {' '.join(process.cmdline())}")
    return left


def stop(run: MakeRun, signal_number: int) -> None:
    """Send the signal to make run's group; fail unless make and all it started are gone within
    STOP_TIMEOUT. Whatever is left is then killed, so the port and the data folder are free."""
    name = signal.Signals(signal_number).name
    try:
        with contextlib.suppress(ProcessLookupError):  # a run that exited by itself
            os.killpg(run.process.pid, signal_number)
        deadline = time.monotonic() + STOP_TIMEOUT
        try:
            run.process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            left = "\n".join(still_running(run))
            raise AssertionError(
                f"make run still ran {STOP_TIMEOUT} s after {name}:\n{left}\n{run.output()}"
            ) from None
        # make waits for the command it runs; anything that command started must not outlive it.
        while (left := still_running(run)) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not left, f"{name} stopped make run but left running:\n" + "\n".join(left)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(run.process.pid, signal.SIGKILL)
        run.process.wait(timeout=STOP_TIMEOUT)


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


def start_and_stop(pgdata: Path, port: int, *, wait: float, stop_with: int) -> bool:
    """Start make run, give its site up to `wait` seconds, stop it; whether the site answered."""
    run = start_make_run(pgdata, port)
    try:
        return wait_until_serving(run, port, within=wait)
    finally:
        stop(run, stop_with)


def restart_repeatedly(signal_number: int, pgdata: Path) -> None:
    """Stop make run at each of STOP_MOMENTS in a row, then check that the next one comes up.

    A stop lands at its moment, or earlier if the site already serves. A start that fails by
    itself (as with the broken handle list), or a stop that hangs, fails the test at once.
    """
    name = signal.Signals(signal_number).name
    port = free_port()
    for start_number, moment in enumerate(STOP_MOMENTS, start=1):
        try:
            served = start_and_stop(
                pgdata, port, wait=moment or UP_TIMEOUT, stop_with=signal_number
            )
        except AssertionError as error:
            raise AssertionError(f"{name}, start {start_number}: {error}") from None
        assert served or moment is not None, (
            f"{name}, start {start_number}: no site within {UP_TIMEOUT} s"
        )
    try:
        served = start_and_stop(pgdata, port, wait=UP_TIMEOUT, stop_with=signal.SIGTERM)
    except AssertionError as error:
        raise AssertionError(f"{name}, after {len(STOP_MOMENTS)} stops: {error}") from None
    assert served, f"{name}: no site {UP_TIMEOUT} s after the last stop"


def test_make_run_comes_up_after_being_stopped_by_every_signal_at_every_stage_of_its_start(
    data_folders,
):
    # One loop per signal, side by side (each on its own data folder and port) to keep the suite
    # short; within a loop every start follows the previous run's stop. The pool hands each
    # loop's exception back here, where it fails the test (raised in a thread, it would only be
    # a warning).
    with ThreadPoolExecutor(max_workers=3) as pool:
        loops = [
            pool.submit(restart_repeatedly, getattr(signal, f"SIG{name}"), data_folders[name])
            for name in ("INT", "TERM", "KILL")
        ]
    failures = [
        f"{type(error).__name__}: {error}"
        for error in (loop.exception() for loop in loops)
        if error is not None
    ]

    assert not failures, "\n\n".join(failures)
    assert (data_folders["TERM"] / ".handle_pids.json").read_text().startswith("[")


def test_two_make_runs_on_one_data_folder_started_at_once_both_serve(data_folders):
    pgdata = data_folders["twin"]
    ports = [free_port(), free_port()]
    runs = [start_make_run(pgdata, port) for port in ports]
    try:
        for run, port in zip(runs, ports, strict=True):
            assert wait_until_serving(run, port)
    finally:
        # Both are stopped (and checked) even if the first stop fails.
        with ThreadPoolExecutor(max_workers=2) as pool:
            stops = [pool.submit(stop, run, signal.SIGTERM) for run in runs]
        for stopped in stops:
            stopped.result()
