"""A production-like site on loopback for fault tests: its own Postgres, gunicorn, and clients.

Nothing here touches the test database of the rest of the suite: each module gets a Postgres
cluster of its own (tests.servers), migrated and loaded with the demo content.
"""

import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.client import HTTPConnection
from urllib.parse import urlencode

import pytest

from tests.servers import GunicornServer, PostgresServer, django_environment, manage

# Run inside Django (manage.py shell) against the fault Postgres: members signed in through
# Django's own session engine, as after a real sign-in.
MEMBERS_SCRIPT = """
import importlib, json
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.urls import reverse
from accounts.models import User
from blog.models import Post

store = importlib.import_module(settings.SESSION_ENGINE).SessionStore
essay = Post.objects.published().order_by("pk").first()
sessions = []
for number in range(User.objects.count(), User.objects.count() + {count}):
    user = User.objects.create_user(username=f"fault-member-{{number}}")
    session = store()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    sessions.append(session.session_key)
print(json.dumps({{"sessions": sessions, "essay": essay.get_absolute_url(),
    "post_url": reverse("comments:create", args=[essay.pk])}}))
"""


@dataclass
class Site:
    postgres: PostgresServer
    env: dict
    database: str = "lectern"

    def members(self, count: int) -> dict:
        """`count` new signed-in members: their session keys, the essay and its comment URL."""
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


@pytest.fixture(scope="module")
def site():
    postgres = PostgresServer()
    try:
        env = django_environment(database_url=postgres.create_database("lectern"))
        manage(env, "migrate", "--noinput")
        manage(env, "demo")
        # DEBUG off serves hashed static files from a manifest (the git-ignored staticfiles/).
        manage(env, "collectstatic", "--noinput")
        yield Site(postgres=postgres, env=env)
    finally:
        postgres.close()


@dataclass
class Answer:
    status: int | None  # None: no HTTP answer at all (connection refused or reset)
    seconds: float
    body: str = ""
    headers: dict = field(default_factory=dict)


CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Visitor:
    """A browser-like client: keeps its cookies, one request at a time, bounded in time."""

    def __init__(self, port: int, *, session_key: str = ""):
        self.port = port
        self.cookies = {"sessionid": session_key} if session_key else {}
        self.csrf_token = ""

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


def run_for(seconds: float, target, *args) -> threading.Thread:
    """Start `target(*args, until)` in a thread that stops by itself."""
    thread = threading.Thread(target=target, args=(*args, time.monotonic() + seconds), daemon=True)
    thread.start()
    return thread
