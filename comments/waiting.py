"""How many comments wait for a moderator, for the "Moderation (N waiting)" link in the header.

The count lives in the shared cache (Redis in production) under a version key: every write that
puts a comment into the queue or takes one out moves the version after its commit, so every web
node reads the new count at once, and a count computed from rows read before that commit is
stored under the old version, which nobody reads again. Pages of moderators read it from the
cache (one query on a miss); members' and readers' pages never ask (see context_processors).
"""

import uuid

from django.core.cache import cache
from django.db import transaction

from comments.models import Comment

VERSION_KEY = "comments:waiting:version"
# A safety net for rows changed outside the services (an essay deleted with its thread).
COUNT_SECONDS = 10 * 60


def _version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        # add(): two nodes starting at once agree on the first one's version.
        cache.add(VERSION_KEY, uuid.uuid4().hex, None)
        version = cache.get(VERSION_KEY) or "unversioned"
    return version


def waiting_count() -> int:
    """Comments waiting for a moderator: from the cache, or one query when it has none."""
    key = f"comments:waiting:{_version()}"
    count = cache.get(key)
    if count is None:
        count = Comment.objects.in_moderation().count()
        cache.set(key, count, COUNT_SECONDS)
    return count


def waiting_changed() -> None:
    """The queue's length changed in this transaction: a new count once it commits. No query."""
    transaction.on_commit(lambda: cache.set(VERSION_KEY, uuid.uuid4().hex, None))
