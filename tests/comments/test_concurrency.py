"""Rules that must hold when requests arrive at the same moment: real threads, real connections."""

import threading

import pytest
from django.db import connection

from comments import services
from comments.models import Comment
from tests.factories import make_post, make_user

pytestmark = pytest.mark.django_db(transaction=True)


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
