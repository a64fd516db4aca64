"""A production-like Lectern on loopback, for fault tests and bench/bench_faults.py: its own
Postgres (tests.servers) migrated and loaded with the demo content, gunicorn, and HTTP clients
that behave like browsers (cookies, CSRF tokens).
"""

import json
import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.client import HTTPConnection
from urllib.parse import urlencode

from tests.servers import (
    GunicornServer,
    PostgresServer,
    collect_static,
    django_environment,
    manage,
)

# Run inside Django (manage.py shell) against the fault Postgres: members signed in through
# Django's own session engine, as after a real sign-in.
MEMBERS_SCRIPT = """
import importlib, json
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SESSION_KEY
from django.urls import reverse
from django.utils.crypto import get_random_string
from accounts.models import User
from blog.models import Post

store = importlib.import_module(settings.SESSION_ENGINE).SessionStore
essay = Post.objects.published().order_by("pk").first()
sessions, csrf_tokens = [], []
for number in range(User.objects.count(), User.objects.count() + {count}):
    user = User.objects.create_user(username=f"fault-member-{{number}}")
    session = store()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    # A sign-in gives the session a new CSRF secret (settings: CSRF_USE_SESSIONS), and the
    # unmasked secret is a valid token: the members can post without fetching a form first.
    session[CSRF_SESSION_KEY] = get_random_string(32, CSRF_ALLOWED_CHARS)
    session.create()
    sessions.append(session.session_key)
    csrf_tokens.append(session[CSRF_SESSION_KEY])
print(json.dumps({{"sessions": sessions, "csrf_tokens": csrf_tokens,
    "essay": essay.get_absolute_url(),
    "post_url": reverse("comments:create", args=[essay.pk])}}))
"""


@dataclass
class Site:
    postgres: PostgresServer
    env: dict
    database: str = "lectern"

    def members(self, count: int) -> dict:
        """`count` new signed-in members: their session keys and CSRF tokens, the essay and its
        comment URL."""
        output = manage(self.env, "shell", "-c", MEMBERS_SCRIPT.format(count=count))
        return json.loads(output.strip().splitlines()[-1])  # after the shell's own chatter

    def stored_bodies(self, prefix: str) -> set[str]:
        with self.postgres.connect(self.database) as conn:
            rows = conn.execute(
                "SELECT body FROM comments_comment WHERE body LIKE %s", [prefix + "%"]
            )
            return {body for (body,) in rows}

    def terminate_connections(self) -> int:
        with self.postgres.connect() as conn:
            rows = conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = %s AND pid <> pg_backend_pid()",
                [self.database],
            ).fetchall()
        return len(rows)

    def gunicorn(self, **options) -> GunicornServer:
        extra = options.pop("env", {})
        return GunicornServer({**self.env, **extra}, **options)


def start_site() -> Site:
    """A new Postgres cluster with the site's database, migrated and with the demo content."""
    postgres = PostgresServer()
    try:
        env = django_environment(database_url=postgres.create_database("lectern"))
        manage(env, "migrate", "--noinput")
        manage(env, "demo")
        # DEBUG off serves hashed static files from a manifest (the git-ignored staticfiles/).
        collect_static(env)
    except BaseException:
        postgres.close()
        raise
    return Site(postgres=postgres, env=env)


@dataclass
class Answer:
    status: int | None  # None: no HTTP answer at all (connection refused or reset)
    seconds: float
    body: str = ""
    headers: dict = field(default_factory=dict)


CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Visitor:
    """A browser-like client: keeps its cookies, one request at a time, bounded in time."""

    def __init__(self, port: int, *, session_key: str = "", csrf_token: str = ""):
        self.port = port
        self.cookies = {"sessionid": session_key} if session_key else {}
        self.csrf_token = csrf_token

    def request(self, method: str, path: str, data: dict | None = None) -> Answer:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if data is not None:
            body = urlencode(data)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.monotonic()
        connection = HTTPConnection("127.0.0.1", self.port, timeout=20)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode(errors="replace")
        except OSError:
            return Answer(None, time.monotonic() - started)
        finally:
            connection.close()
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, _, value = cookie.split(";", 1)[0].partition("=")
            self.cookies[name.strip()] = value
        answer = Answer(response.status, time.monotonic() - started, text, dict(response.headers))
        if match := CSRF_FIELD.search(text):
            self.csrf_token = match.group(1)
        return answer

    def get(self, path: str) -> Answer:
        return self.request("GET", path)

    def post(self, path: str, data: dict) -> Answer:
        return self.request("POST", path, {"csrfmiddlewaretoken": self.csrf_token, **data})


def is_styled_503(answer: Answer) -> bool:
    return (
        answer.status == 503
        and "Retry-After" in answer.headers
        and "right back" in answer.body
        and "Traceback" not in answer.body
    )


def acknowledged(answer: Answer) -> bool:
    return answer.status is not None and 200 <= answer.status < 400


@dataclass
class RestartRun:
    """What clients saw while Postgres restarted: (start time, answer[, comment body]) each."""

    posts: list
    reads: list
    down_at: float  # the server has stopped
    starting_at: float  # asked to start again
    back_at: float  # accepts connections

    def acknowledged_bodies(self) -> set[str]:
        return {body for _, answer, body in self.posts if acknowledged(answer)}

    def answers(self) -> list[Answer]:
        return [post[1] for post in self.posts] + [read[1] for read in self.reads]

    def outage_reads(self) -> list[Answer]:
        """Reads that started and ended while the server was certainly down."""
        return [
            answer
            for at, answer in self.reads
            if self.down_at < at and at + answer.seconds < self.starting_at
        ]

    def seconds_to_recover(self) -> float:
        """From the server accepting connections to the first page served after it."""
        served = [at + a.seconds for at, a in self.reads if at > self.back_at and a.status == 200]
        return min(served) - self.back_at if served else float("inf")


def restart_under_load(
    site: Site,
    server: GunicornServer,
    *,
    posters: int = 8,
    members_per_poster: int = 30,  # each may post 5 comments per 10 minutes (the rate limit)
    warm_seconds: float = 3,
    down_seconds: float = 3,
    settle_seconds: float = 6,
    prefix: str = "fault-restart",
    phases_end_once_seen: bool = False,
) -> RestartRun:
    """`posters` members' threads post comments and a reader reads the essay, while Postgres
    stops (fast shutdown, as a restart or failover does) and starts again.

    Each phase lasts its seconds (a benchmark's fixed outage); with `phases_end_once_seen` they
    are upper bounds and each phase ends once what a test checks has happened: posts acknowledged
    and a page served before the stop, a few reads answered during the outage, a post
    acknowledged and a page served after the start."""
    info = site.members(posters * members_per_poster)
    stop = threading.Event()
    ready = threading.Barrier(posters + 1, timeout=120)
    posts, reads = [], []

    def poster(number: int) -> None:
        own = slice(number * members_per_poster, (number + 1) * members_per_poster)
        visitors = [
            Visitor(server.port, session_key=key, csrf_token=token)
            for key, token in zip(info["sessions"][own], info["csrf_tokens"][own], strict=True)
        ]
        ready.wait()
        sent = 0
        while not stop.is_set():
            sent += 1
            body = f"{prefix} {number}-{sent}"
            started = time.monotonic()
            answer = visitors[sent % len(visitors)].post(
                info["post_url"], {"body": body, "token": str(uuid.uuid4())}
            )
            posts.append((started, answer, body))
            if not acknowledged(answer):
                time.sleep(0.1)  # as a person would, before trying again

    def reader() -> None:
        visitor = Visitor(server.port)
        while not stop.is_set():
            started = time.monotonic()
            # A new address each time: a page from the page cache would not ask the database.
            reads.append((started, visitor.get(f"{info['essay']}?read={len(reads)}")))
            time.sleep(0.05)

    def acknowledged_posts_since(moment: float) -> list:
        return [post for post in posts if post[0] > moment and acknowledged(post[1])]

    def hold(seconds: float, seen) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and not (phases_end_once_seen and seen()):
            time.sleep(0.05)

    threads = [threading.Thread(target=poster, args=(n,)) for n in range(posters)]
    try:
        for thread in threads:
            thread.start()
        ready.wait()
        threads.append(threading.Thread(target=reader))
        threads[-1].start()
        hold(warm_seconds, lambda: len(acknowledged_posts_since(0)) >= posters and reads)
        site.postgres.stop()
        down_at = time.monotonic()
        hold(down_seconds, lambda: len([read for read in reads if read[0] > down_at]) >= 3)
        starting_at = time.monotonic()
        site.postgres.start()
        back_at = time.monotonic()
        hold(
            settle_seconds,
            lambda: (
                acknowledged_posts_since(back_at)
                and any(at > back_at and answer.status == 200 for at, answer in reads)
            ),
        )
    finally:
        stop.set()
        for thread in threads:
            thread.join(30)
    return RestartRun(posts, reads, down_at, starting_at, back_at)
