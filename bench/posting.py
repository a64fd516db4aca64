"""How long posting a comment takes in-process, and how many queries.

Run by bench_scale (`make bench`), or alone: `.venv/bin/python -m bench.posting`.

Through Django's test client as comments.js posts (the form's fields url-encoded, answered in JSON,
"e-mail me when published" ticked as the form starts), DEBUG off and the production task queue
(django-tasks-db: mail is a row written with the comment, sent by the worker), on an essay with N
comments: a trusted member (approved at once, which refreshes the essay's count and cached pages
and queues the mail) and a new member (held for moderation, which queues the moderators' mail),
each posting a comment and a reply. Each post is a new member's first on the essay, so the rate
limit and duplicate checks run as usual and never refuse. "Queries" are the request's SQL
statements, session and user loads included; BEGIN and COMMIT are not statements here (psycopg
opens the transaction itself), so tests/comments/test_posting.py, which counts them, sees two more.
"""

import os
import statistics
import time
import uuid
from functools import partial
from urllib.parse import urlencode

from bench.throwaway_db import throwaway_database

SIZE = int(os.environ.get("BENCH_POST_SIZE", "500"))
ROUNDS = int(os.environ.get("BENCH_POST_ROUNDS", "40"))
# Other members of the association, signed up but silent: what checks that ask about "every
# member" (moderators, trusted) cost grows with them.
MEMBERS = int(os.environ.get("BENCH_POST_MEMBERS", "0"))
CASES = [
    ("trusted, comment", True, False),
    ("trusted, reply", True, True),
    ("held, comment", False, False),
    ("held, reply", False, True),
]


def count_and_run(counted: list, run, *args):
    counted.append(1)
    return run(*args)


def measure(post, *, trusted: bool, parent=None) -> tuple[float, float, int]:
    """(median ms, median CPU ms of this process, queries of the last post) over ROUNDS posts,
    each by a new member. The CPU figure leaves out waiting (for Postgres, for a busy machine's
    other processes): on a loaded machine it is the steadier of the two."""
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from tests.factories import make_user

    group = Group.objects.get_or_create(name="Trusted commenters")[0]
    url = reverse("comments:create", args=[post.pk])
    times, cpu_times, queries = [], [], 0
    # One client throughout, as a server process loads its middleware once (a new Client loads
    # it again on its first request); each round signs a new member in.
    client = Client()
    for number in range(ROUNDS):
        member = make_user()
        if trusted:
            member.groups.add(group)
        # The backend a member's session names when they sign in (allauth's adapter picks it).
        client.force_login(member, backend="accounts.backends.MemberBackend")
        data = {"body": f"A thought, number {number}.", "token": str(uuid.uuid4()), "notify": "on"}
        if parent is not None:
            data["parent"] = parent.pk
        counted = []
        with connection.execute_wrapper(partial(count_and_run, counted)):
            started, cpu_started = time.perf_counter(), time.process_time()
            response = client.post(
                url,
                urlencode(data),
                content_type="application/x-www-form-urlencoded",
                headers={"accept": "application/json"},
            )
            times.append((time.perf_counter() - started) * 1000)
            cpu_times.append((time.process_time() - cpu_started) * 1000)
        assert response.status_code == 201, response.content
        queries = len(counted)
    return statistics.median(times), statistics.median(cpu_times), queries


def add_silent_members(count: int) -> None:
    """`count` members, one in three in the trusted group, in bulk (no password hashing)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    User = get_user_model()
    members = User.objects.bulk_create(
        User(username=f"silent{n}", email=f"silent{n}@example.org", display_name=f"Silent {n}")
        for n in range(count)
    )
    group = Group.objects.get_or_create(name="Trusted commenters")[0]
    group.user_set.through.objects.bulk_create(
        group.user_set.through(user_id=member.pk, group_id=group.pk) for member in members[::3]
    )


def rows(size: int = SIZE):
    """[(case, median ms, median CPU ms, queries)] for both kinds of member, posting a comment
    and a reply."""
    from django.test import override_settings

    from tests.factories import make_comment, make_post, make_thread, make_user

    add_silent_members(MEMBERS)
    post = make_post(title=f"Essay with {size} comments")
    make_thread(post=post, count=size, depth=5, authors=[make_user() for _ in range(20)])
    parent = make_comment(post=post, author=make_user())
    # Production's queue, whatever DEBUG said when the settings were read (override_settings
    # tells django.tasks to drop the backend it made).
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        return [
            (case, *measure(post, trusted=trusted, parent=parent if reply else None))
            for case, trusted, reply in CASES
        ]


def main():
    with throwaway_database():
        print(
            f"POST a comment, essay with {SIZE} comments, {ROUNDS} posts each"
            + (f", {MEMBERS} other members" if MEMBERS else "")
        )
        print(f"{'who':<20} {'median ms':>9} {'CPU ms':>7} {'queries':>7}")
        for who, ms, cpu_ms, queries in rows():
            print(f"{who:<20} {ms:>9.1f} {cpu_ms:>7.1f} {queries:>7}")


if __name__ == "__main__":
    main()
