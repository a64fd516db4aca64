"""Rules that must hold when requests arrive at the same moment: real threads, real connections."""

import threading
import time

import pytest
from django.contrib.auth import get_user_model
from django.db import DatabaseError, connection, transaction

from blog.models import Post
from comments import services
from comments.models import Comment
from tests.factories import make_post, make_user

pytestmark = pytest.mark.django_db(transaction=True)
User = get_user_model()


def submit_all_at_once(submissions) -> list:
    """Run each (post, author, body) submission in its own thread and connection, released
    together by a barrier; return what each one returned or raised."""
    barrier = threading.Barrier(len(submissions))
    outcomes = [None] * len(submissions)

    def run(index, post, author, body):
        try:
            barrier.wait(timeout=10)
            outcomes[index] = services.comment_submit(post=post, author=author, body=body)
        except Exception as error:
            outcomes[index] = error
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(index, *submission))
        for index, submission in enumerate(submissions)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def test_the_rate_limit_holds_for_concurrent_posts_to_different_essays(settings):
    settings.COMMENTS_RATE_LIMIT = 2
    member = make_user()
    posts = [make_post() for _ in range(8)]

    outcomes = submit_all_at_once([(post, member, f"Thought on {post.pk}") for post in posts])

    stored = [outcome for outcome in outcomes if isinstance(outcome, Comment)]
    refused = [outcome for outcome in outcomes if isinstance(outcome, services.CommentRefused)]
    assert (len(stored), len(refused)) == (2, 6)
    assert Comment.objects.filter(author=member).count() == 2


def _locked_by_another(post) -> bool:
    try:
        with transaction.atomic():
            Post.objects.select_for_update(nowait=True).filter(pk=post.pk).first()
    except DatabaseError:
        return True
    return False


def test_a_post_locks_the_essay_before_the_member_as_moderators_decisions_do():
    # Decisions lock the essay first, then a comment: a post holding the member while it waited
    # for the essay could close a cycle with them. One statement takes both locks (see
    # services.posting._lock_post_and_author); this holds it to that order.
    member, post = make_user(), make_post()
    member_locked, release = threading.Event(), threading.Event()
    outcome = []

    def hold_the_member():  # as the member's post on another essay would
        try:
            with transaction.atomic():
                User.objects.select_for_update(no_key=True).filter(pk=member.pk).first()
                member_locked.set()
                release.wait(timeout=10)
        finally:
            connection.close()

    def post_a_comment():
        try:
            outcome.append(services.comment_submit(post=post, author=member, body="My turn"))
        except Exception as error:
            outcome.append(error)
        finally:
            connection.close()

    holder = threading.Thread(target=hold_the_member)
    holder.start()
    member_locked.wait(timeout=10)
    poster = threading.Thread(target=post_a_comment)
    poster.start()
    # The post now waits for the member; the essay must be locked already.
    essay_locked = any(_locked_by_another(post) or time.sleep(0.05) for _ in range(100))
    release.set()
    holder.join(timeout=30)
    poster.join(timeout=30)

    assert essay_locked
    assert [type(item) for item in outcome] == [Comment]
