"""Mail goes out from the real task worker (`manage.py db_worker`, a process of its own) reading the
test database's queue, never from the request: the web side only stores the job with its write.

The tests are transactional so the worker's own connection sees the committed rows; what it sent
is read from the folder its file-based mail backend writes to.
"""

import contextlib
import email
import email.policy
import os
import socket
import subprocess
import sys
import threading
import time
from http import HTTPStatus
from io import StringIO
from pathlib import Path

import psycopg
import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import connection, transaction
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from comments import services
from comments.models import Comment
from tests.conftest import database_url
from tests.factories import make_comment, make_moderator, make_post, make_user, wants_reply_mail

pytestmark = pytest.mark.django_db(transaction=True)

S = Comment.Status
DATABASE_BACKEND = "django_tasks_db.DatabaseBackend"
SEPARATOR = b"\n" + b"-" * 79 + b"\n"  # between messages in one file of the file-based backend


def wait_until(condition, timeout: float = 20, interval: float = 0.1) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "gave up waiting"
        time.sleep(interval)


class Worker:
    """One `manage.py db_worker` process and what it wrote: mail files and its log."""

    def __init__(self, folder: Path, environment: dict):
        self.mail_dir = folder / "mail"
        self.log_path = folder / "worker.log"
        folder.mkdir()
        env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "TASKS_BACKEND": DATABASE_BACKEND,
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(self.mail_dir),
            "REDIS_URL": "",  # its own memory cache: no throttle left over from another run
            "COMMENTS_MAIL_RETRY_SECONDS": "1",
            **environment,
        }
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "manage.py", "db_worker", "--interval", "0.2"]
                + ["--no-startup-delay", "--no-reload"],
                cwd=django_settings.BASE_DIR,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def mails(self) -> list:
        messages = []
        for path in sorted(self.mail_dir.glob("*.log")) if self.mail_dir.is_dir() else []:
            for raw in path.read_bytes().split(SEPARATOR):
                if raw.strip():
                    messages.append(email.message_from_bytes(raw, policy=email.policy.default))
        return messages

    def log(self) -> str:
        return self.log_path.read_text()

    def wait_for_mails(self, count: int, timeout: float = 20) -> list:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"the worker stopped:\n{self.log()}"
            if len(mails := self.mails()) >= count:
                return mails
            time.sleep(0.1)
        raise AssertionError(f"{len(self.mails())} mail(s), not {count}; worker log:\n{self.log()}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def start_worker(settings, tmp_path):
    """Queue tasks in the database, as production does; call it to start a worker on that queue
    (keyword arguments become its environment variables). Each worker is stopped at the end."""
    settings.TASKS = {"default": {"BACKEND": DATABASE_BACKEND}}
    workers = []

    def start(**environment) -> Worker:
        workers.append(Worker(tmp_path / f"worker-{len(workers)}", environment))
        return workers[-1]

    yield start
    for worker in workers:
        worker.stop()


def body_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def test_a_held_comment_is_announced_to_moderators_by_the_worker_not_the_request(
    client, start_worker
):
    moderator = make_moderator(email="mo@example.org")
    post = make_post(title="On Stewardship")
    client.force_login(make_user(display_name="Ada Member"))

    response = client.post(
        reverse("comments:create", kwargs={"post_id": post.pk}), {"body": "A first thought"}
    )

    assert response.status_code == HTTPStatus.FOUND
    # With no worker running yet, the mail waits in the queue: nothing was sent by the request.
    assert DBTaskResult.objects.ready().count() == 1
    worker = start_worker()
    [mail] = worker.wait_for_mails(1)
    assert mail["To"] == moderator.email
    assert mail["Subject"] == "One comment is waiting for moderation"
    assert "A first thought" in body_of(mail)


def test_a_reply_approved_at_once_queues_one_task_row_that_the_worker_fans_out_into_each_mail(
    client, start_worker
):
    from django.contrib.auth.models import Group

    from comments.models import EssayFollow

    post = make_post(title="On Care")
    parent_author = wants_reply_mail(make_user(display_name="Ada", email="ada@example.org"))
    parent = make_comment(post=post, author=parent_author)
    follower = make_user(email="fo@example.org")
    EssayFollow.objects.create(member=follower, post=post)
    member = make_user(display_name="Bo", email="bo@example.org")
    member.groups.add(Group.objects.get_or_create(name="Trusted commenters")[0])
    client.force_login(member)

    response = client.post(
        reverse("comments:create", kwargs={"post_id": post.pk}),
        {"body": "Agreed!", "parent": parent.pk, "notify": "on"},
    )

    assert response.status_code == HTTPStatus.FOUND
    # The request wrote one row for all three mails; the worker fans it out, a task per mail.
    assert [row.task_path for row in DBTaskResult.objects.all()] == [
        "comments.announcements.announce_publication"
    ]
    mails = start_worker().wait_for_mails(3)
    assert sorted(mail["To"] for mail in mails) == [
        "ada@example.org",
        "bo@example.org",
        "fo@example.org",
    ]


def test_a_published_reply_is_announced_to_the_parent_author_by_the_worker(start_worker):
    worker = start_worker()
    moderator = make_moderator(email="mo@example.org")
    parent_author = wants_reply_mail(make_user(display_name="Ada", email="ada@example.org"))
    parent = make_comment(post=make_post(title="On Care"), author=parent_author)
    reply = make_comment(
        parent=parent, author=make_user(display_name="Bo"), status=S.PENDING, body="Agreed!"
    )

    services.comment_approve(comment=reply, moderator=moderator)

    [mail] = worker.wait_for_mails(1)
    assert mail["To"] == parent_author.email
    assert mail["Subject"] == "Bo replied to you on “On Care”"
    assert f"/comments/{reply.pk}/" in body_of(mail)  # the reply's permalink
    assert "Agreed!" in body_of(mail)
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_comments_arriving_in_a_moderators_quiet_period_get_one_digest_when_it_ends(
    start_worker,
):
    interval = 4
    worker = start_worker(COMMENTS_MODERATOR_MAIL_INTERVAL=str(interval))
    make_moderator(email="mo@example.org")
    post = make_post()

    services.comment_submit(post=post, author=make_user(), body="First thought")
    worker.wait_for_mails(1)
    first_sent = time.monotonic()
    for body in ["Second thought", "Third thought"]:
        services.comment_submit(post=post, author=make_user(), body=body)

    time.sleep(1.5)
    assert len(worker.mails()) == 1, "a second mail inside the quiet period"
    first, follow_up = worker.wait_for_mails(2, timeout=interval + 10)
    assert time.monotonic() - first_sent >= interval - 1  # not before the quiet period ended
    assert follow_up["Subject"] == "3 comments are waiting for moderation"
    assert "Second thought" in body_of(follow_up) and "Third thought" in body_of(follow_up)
    time.sleep(1)
    assert len(worker.mails()) == 2, "one follow-up for the whole quiet period"


def test_failed_mail_is_tried_again_after_a_pause_and_sent_once_the_mail_server_is_back(
    start_worker, tmp_path
):
    # The mail folder's place is taken by a file: the backend cannot deliver until it is gone.
    blocked = tmp_path / "outbox"
    blocked.write_text("not a folder")
    worker = start_worker(EMAIL_FILE_PATH=str(blocked))
    worker.mail_dir = blocked
    author = make_user(email="ada@example.org")
    comment = make_comment(author=author, status=S.PENDING, notify_on_approval=True)

    services.comment_approve(comment=comment, moderator=make_moderator())

    wait_until(lambda: "trying again in 1 s" in worker.log())
    assert "send_published_notice" in worker.log()
    blocked.unlink()
    [mail] = worker.wait_for_mails(1)
    assert mail["To"] == author.email
    assert "gave up" not in worker.log()


def unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_mail_that_keeps_failing_is_given_up_after_the_last_attempt_with_an_error_logged(
    start_worker,
):
    # An SMTP server that is not there: every connection is refused.
    worker = start_worker(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(unused_port()),
        COMMENTS_MAIL_ATTEMPTS="3",
    )
    comment = make_comment(
        author=make_user(email="ada@example.org"), status=S.PENDING, notify_on_approval=True
    )

    services.comment_approve(comment=comment, moderator=make_moderator())

    attempts = DBTaskResult.objects.filter(task_path__endswith="send_published_notice")
    wait_until(lambda: attempts.failed().exists())
    attempts = list(attempts.order_by("enqueued_at"))
    assert [a.args_kwargs["kwargs"].get("attempt", 1) for a in attempts] == [1, 2, 3]
    pauses = [
        (later.run_after - earlier.finished_at).total_seconds()
        for earlier, later in zip(attempts, attempts[1:], strict=False)
    ]
    # Growing pauses between the tries: 1 s, then 4 s (counted from before the try was closed).
    assert 0 < pauses[0] <= 1 and 3 < pauses[1] <= 4
    assert [a.status for a in attempts] == ["SUCCESSFUL", "SUCCESSFUL", "FAILED"]
    assert (
        f"ERROR comments.background gave up on send_published_notice({comment.pk},) "
        "after 3 attempt(s): ConnectionRefusedError"
    ) in worker.log()


def terminate_connections(*pids: int) -> None:
    """Postgres drops connections to the test database, as in a restart or failover: those with
    the given backend pids, or all of them. A connection of its own does it; this process's pool
    is then replaced, as none of its connections may be alive."""
    params = connection.get_connection_params()
    keep = {"dbname", "user", "password", "host", "port"}
    with psycopg.connect(**{k: v for k, v in params.items() if k in keep}) as other:
        other.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid() "
            "AND (%s::int[] IS NULL OR pid = ANY(%s))",
            [list(pids) or None, list(pids)],
        )


def test_mail_survives_the_database_going_away_after_the_commit_and_under_the_worker(
    start_worker,
):
    worker = start_worker()
    moderator = make_moderator(email="mo@example.org")
    post = make_post()
    worker.wait_for_mails(0)  # the worker is up and has its connection
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        [request_pid] = cursor.fetchone()

    with transaction.atomic():
        # Runs first after the commit: the request's connection is gone for anything that
        # would queue mail only then.
        transaction.on_commit(lambda: terminate_connections(request_pid))
        services.comment_submit(post=post, author=make_user(), body="Still here")
    terminate_connections()  # the worker's too
    connection.close()
    connection.close_pool()

    [mail] = worker.wait_for_mails(1)
    assert mail["To"] == moderator.email
    assert "Still here" in body_of(mail)


class BusyMailServer:
    """An SMTP server on loopback that keeps each caller waiting until released, then answers
    "421 service not available" (as a mail server about to restart does)."""

    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.called = threading.Event()
        self.release = threading.Event()
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self) -> None:
        with contextlib.suppress(OSError):  # the listener closed: the test is over
            while True:
                caller, _ = self.listener.accept()
                self.called.set()
                self.release.wait(timeout=30)
                with caller:
                    caller.sendall(b"421 4.3.2 Service not available, closing channel\r\n")

    def close(self) -> None:
        self.release.set()
        self.listener.close()


def test_mail_whose_task_lost_the_database_while_sending_is_queued_again_not_dropped(
    start_worker,
):
    server = BusyMailServer()
    worker = start_worker(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(server.port),
    )
    comment = make_comment(
        author=make_user(email="ada@example.org"), status=S.PENDING, notify_on_approval=True
    )
    services.comment_approve(comment=comment, moderator=make_moderator())
    try:
        assert server.called.wait(timeout=20), worker.log()
        # The worker is inside the task, talking to the mail server: Postgres drops it now.
        terminate_connections()
        connection.close()
        connection.close_pool()
        server.release.set()

        attempts = DBTaskResult.objects.filter(task_path__endswith="send_published_notice")
        wait_until(lambda: attempts.filter(args_kwargs__kwargs__attempt=2).exists())
    finally:
        server.close()
    assert "trying again in 1 s: SMTPConnectError" in worker.log()
    assert worker.process.poll() is None  # the worker carries on


def test_mail_of_a_worker_killed_mid_task_is_sent_by_the_next_worker(start_worker):
    server = BusyMailServer()
    killed = start_worker(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(server.port),
    )
    comment = make_comment(
        author=make_user(email="ada@example.org"), status=S.PENDING, notify_on_approval=True
    )
    services.comment_approve(comment=comment, moderator=make_moderator())
    try:
        assert server.called.wait(timeout=20), killed.log()
        killed.process.kill()  # SIGKILL inside the task: no handler runs
        killed.process.wait()
    finally:
        server.close()
    notice = DBTaskResult.objects.get(task_path__endswith="send_published_notice")
    assert notice.status == "RUNNING"  # and no worker will ever look at it again by itself

    call_command("requeue_stalled_tasks", older_than=0, stdout=StringIO())
    [mail] = start_worker().wait_for_mails(1)

    assert mail["To"] == "ada@example.org"
    # The worker marks the task done just after the mail is written.
    wait_until(lambda: DBTaskResult.objects.get(pk=notice.pk).status == "SUCCESSFUL")


@pytest.mark.parametrize(
    ("decisions", "mailed"),
    [
        (["approve", "reject"], False),  # public for a moment only: nothing to announce
        (["reject", "approve"], True),  # declined, then published after all
    ],
)
def test_the_published_mail_follows_the_comments_state_when_the_worker_sends_it(
    start_worker, decisions, mailed
):
    author = make_user(email="ada@example.org")
    comment = make_comment(author=author, status=S.PENDING, notify_on_approval=True)
    moderator = make_moderator()
    # Both decisions are taken before any worker looks at the queue, as when a moderator
    # corrects a click within the worker's polling interval.
    for decision in decisions:
        getattr(services, f"comment_{decision}")(comment=comment, moderator=moderator)

    worker = start_worker()
    wait_until(lambda: not DBTaskResult.objects.exclude(status="SUCCESSFUL").exists())

    published = [mail for mail in worker.mails() if "is published" in mail["Subject"]]
    assert [mail["To"] for mail in published] == (["ada@example.org"] if mailed else [])
