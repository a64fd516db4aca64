"""Load on 127.0.0.1: wrk for pages, nginx serving a page as a static file (the machine's
limit), and a POST loop with real sessions and CSRF tokens. Each returns what report.Row needs."""

import json
import os
import re
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
import uuid
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlencode

from tests.servers import free_port, wait_for

CONNECTIONS = 8  # wrk -c8: four per gunicorn worker, so no worker idles between requests
WRK_SCRIPT = 'wrk.headers["Cookie"] = os.getenv("BENCH_COOKIE")\n'


def parse_wrk(output: str) -> dict:
    """req/s, p50 and p99 in ms and the error count from `wrk --latency`'s report."""
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    return {
        "requests": int(re.search(r"(\d+) requests in", output)[1]),
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1]),
        "p50_ms": _ms(re.search(r"50%\s+([\d.]+\w+)", output)[1]),
        "p99_ms": _ms(re.search(r"99%\s+([\d.]+\w+)", output)[1]),
        # A read error is gunicorn's sync worker closing the connection: not a failed request.
        "errors": (int(errors[1]) if errors else 0)
        + (int(socket_errors[1]) + int(socket_errors[4]) if socket_errors else 0),
    }


def _ms(text: str) -> float:
    number, unit = re.match(r"([\d.]+)(\w+)", text).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def wrk(port: int, path: str, *, seconds: float, cookie: str = "", gzip: bool = False) -> dict:
    with tempfile.TemporaryDirectory(prefix="lectern-wrk-") as folder:
        script = Path(folder) / "cookie.lua"
        script.write_text(WRK_SCRIPT if cookie else "")
        # A 10 s timeout, not wrk's 2 s: on a busy machine a slow page is slow, not an error.
        command = [
            "wrk",
            "-t2",
            f"-c{CONNECTIONS}",
            f"-d{seconds:g}s",
            "--latency",
            "--timeout=10s",
        ]
        command += ["-H", "Accept-Encoding: gzip"] if gzip else []
        command += ["-s", str(script), f"http://127.0.0.1:{port}{path}"]
        env = {**os.environ, "BENCH_COOKIE": f"sessionid={cookie}" if cookie else ""}
        done = subprocess.run(
            command, capture_output=True, text=True, env=env, timeout=seconds + 30
        )
    if "Requests/sec" not in done.stdout:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr or done.stdout}")
    return parse_wrk(done.stdout)


def cpu_seconds(master_pid: int) -> float:
    """CPU time (user + system) used so far by a server's worker processes, the children of its
    master: divided by the requests served, a cost per request that other work on a shared
    machine barely changes (req/s falls with the load; this does not)."""
    total = 0
    for task in Path(f"/proc/{master_pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            try:
                fields = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
            except FileNotFoundError:  # a worker that has just exited
                continue
            total += int(fields[11]) + int(fields[12])  # utime, stime: fields 14 and 15
    return total / os.sysconf("SC_CLK_TCK")


def fetch(port: int, path: str, cookie: str = "", *, gzip: bool = False) -> bytes:
    """The body of a GET (as sent: compressed when gzip is asked for and given)."""
    connection = HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Cookie": f"sessionid={cookie}"} if cookie else {}
    if gzip:
        headers["Accept-Encoding"] = "gzip"
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    body = response.read()
    if response.status != 200:
        raise RuntimeError(f"GET {path} answered {response.status}")
    return body


class StaticNginx:
    """nginx on 127.0.0.1 serving one HTML file, as the physical limit for that page; gzip as
    deploy/'s nginx compresses it, for clients that ask (on the fly, per request)."""

    def __init__(self, folder: Path, html: bytes):
        self.port = free_port()
        (folder / "www").mkdir(parents=True)
        (folder / "www" / "essay.html").write_bytes(html)
        folder.chmod(0o755)  # nginx's workers read the page from here
        temp = " ".join(f"{kind}_temp_path {folder}/{kind};" for kind in ("client_body", "proxy"))
        (folder / "nginx.conf").write_text(
            f"daemon off; worker_processes 2; pid {folder}/nginx.pid; error_log {folder}/error.log;"
            f" events {{ worker_connections 256; }} http {{ access_log off; sendfile on; {temp}"
            " gzip on; gzip_comp_level 5; gzip_min_length 1024;"
            f" server {{ listen 127.0.0.1:{self.port}; root {folder}/www; }} }}"
        )
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        self.process = subprocess.Popen(
            [nginx, "-p", str(folder), "-c", str(folder / "nginx.conf")]
        )
        wait_for(self._answers, seconds=10, what="nginx did not answer")

    def _answers(self) -> bool:
        try:
            fetch(self.port, "/essay.html")
            return True
        except OSError:
            return False


def csrf_tokens(port: int, path: str, sessions: list[str]) -> list[tuple[str, str]]:
    """(session key, CSRF token) for each session, asked of the site as sign-in.js does."""
    paired = []
    for session in sessions:
        connection = HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("GET", path, headers={"Cookie": f"sessionid={session}"})
        response = connection.getresponse()
        paired.append((session, json.loads(response.read())["token"]))
        connection.close()
    return paired


def post_loop(port: int, path: str, members: list[tuple[str, str]], *, seconds: float) -> dict:
    """POST a comment as comments.js does (form data, JSON answer), each member once, from
    CONNECTIONS clients until `seconds` pass or the members run out (each new member's first
    comment: the rate limit and duplicate checks run and let it through)."""
    queue = list(reversed(members))
    lock = threading.Lock()
    results = []  # (seconds, status)
    until = time.monotonic() + seconds

    def client():
        while time.monotonic() < until:
            with lock:
                if not queue:
                    return
                session, token = queue.pop()
            form = {"body": f"A thought {uuid.uuid4().hex[:8]}.", "token": str(uuid.uuid4())}
            form["csrfmiddlewaretoken"] = token
            headers = {
                "Cookie": f"sessionid={session}",
                "Accept": "application/json",
                "Content-Type": "application/x-www-form-urlencoded",
            }
            started = time.perf_counter()
            try:
                connection = HTTPConnection("127.0.0.1", port, timeout=30)
                connection.request("POST", path, body=urlencode(form), headers=headers)
                response = connection.getresponse()
                response.read()
                status = response.status
                connection.close()
            except OSError:
                status = None
            with lock:
                results.append((time.perf_counter() - started, status))

    started = time.perf_counter()
    clients = [threading.Thread(target=client) for _ in range(CONNECTIONS)]
    for thread in clients:
        thread.start()
    for thread in clients:
        thread.join()
    elapsed = time.perf_counter() - started
    latencies = sorted(latency * 1000 for latency, _ in results) or [0.0]
    percentiles = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else latencies * 99
    return {
        "requests": len(results),
        "rps": len(results) / elapsed,
        "p50_ms": statistics.median(latencies),
        "p99_ms": percentiles[98],
        "errors": sum(status != 201 for _, status in results),
    }
