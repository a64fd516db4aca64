"""How comments' background work is queued with a write, and tried again when it fails.

Production queues tasks in Postgres (django-tasks-db) for `manage.py db_worker`; development and
most tests run them at once with Django's immediate backend.
"""

import functools
import logging
import time
from contextlib import contextmanager
from datetime import timedelta
from functools import partial

from django.db import DatabaseError, close_old_connections, transaction
from django.tasks import Task
from django.tasks.signals import task_enqueued
from django.utils import timezone
from django.utils.json import normalize_json
from django_tasks_db import DatabaseBackend

from comments.conf import setting
from config.database.compiled import compile_full_insert, insert_new

logger = logging.getLogger(__name__)

# When the database itself failed, re-queueing needs it back: wait this long between tries.
REQUEUE_PAUSES = (1, 2, 4, 8)


def enqueue_with_write(task: Task, *args) -> None:
    """Queue a task as part of the current write.

    A queue kept in this database takes the task in the same transaction: the job commits with the
    comment or vanishes with it, and no connection lost after the commit can drop it (an enqueue
    in on_commit would then be lost, after the member was told their comment was stored). Any
    other backend gets the task after the commit, so that work run at once never sees, or
    announces, a write that is later rolled back.
    """
    backend = task.get_backend()
    if isinstance(backend, DatabaseBackend):
        _enqueue_in_database(backend, task, args)
    else:
        transaction.on_commit(partial(task.enqueue, *args))


def _enqueue_in_database(backend: DatabaseBackend, task: Task, args: tuple) -> None:
    # What DatabaseBackend.enqueue does (the same row, the same signal), its insert compiled
    # once per process: the ORM built it anew for every comment posted (a millisecond of CPU).
    # Through run(), so that a writer sending its writes together sends this one with them.
    from django_tasks_db.models import DBTaskResult

    backend.validate_task(task)
    row = DBTaskResult(
        id=backend._get_id(),
        args_kwargs=normalize_json({"args": args, "kwargs": {}}),
        priority=task.priority,
        task_path=task.module_path,
        queue_name=task.queue_name,
        run_after=task.run_after,
        backend_name=backend.alias,
    )
    insert_new(_task_insert(), row)  # its pre_save receiver sets run_after when none is given
    task_enqueued.send(type(backend), task_result=row.task_result)


@functools.cache
def _task_insert():
    from django_tasks_db.models import DBTaskResult

    return compile_full_insert(DBTaskResult)


@contextmanager
def retried(task: Task, *args, attempt: int):
    """Run the block; if it fails, queue the task again after a growing pause (1, 4, 16… times
    COMMENTS_MAIL_RETRY_SECONDS) with the next attempt number, and after COMMENTS_MAIL_ATTEMPTS
    log at ERROR what was given up and let the failure mark the task failed."""
    try:
        yield
    except Exception as error:
        attempts = setting("COMMENTS_MAIL_ATTEMPTS")
        if attempt >= attempts or not task.get_backend().supports_defer:
            logger.error(
                "gave up on %s%r after %d attempt(s): %s: %s",
                task.name,
                tuple(args),
                attempt,
                type(error).__name__,
                error,
            )
            raise
        pause = setting("COMMENTS_MAIL_RETRY_SECONDS") * 4 ** (attempt - 1)
        logger.warning(
            "%s%r failed (attempt %d of %d), trying again in %d s: %s: %s",
            task.name,
            tuple(args),
            attempt,
            attempts,
            pause,
            type(error).__name__,
            error,
        )
        _requeue(task.using(run_after=timezone.now() + timedelta(seconds=pause)), args, attempt)


def _requeue(task: Task, args: tuple, attempt: int) -> None:
    # The failure may have been the database going away; the queue lives there too, so wait for
    # it a little (dropping the broken connection each time) rather than lose the mail.
    for pause in (*REQUEUE_PAUSES, None):
        try:
            task.enqueue(*args, attempt=attempt + 1)
            return
        except DatabaseError:
            if pause is None:
                raise
            close_old_connections()
            time.sleep(pause)


def requeue_stalled(*, older_than: timedelta) -> int:
    """Queue again the tasks a worker claimed longer ago than `older_than` and never finished.

    A worker killed outright (SIGKILL, a lost machine) leaves its task marked running for good, and
    django-tasks-db never looks at it again: the mail would be lost. Run before each worker starts
    (deploy/Procfile) and from a timer; `older_than` must exceed the longest task, or a task still
    running elsewhere would run twice.
    """
    from django.tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    stalled = DBTaskResult.objects.running().filter(started_at__lt=timezone.now() - older_than)
    count = stalled.update(status=TaskResultStatus.READY, run_after=timezone.now(), started_at=None)
    if count:
        logger.warning("queued %d stalled task(s) again (claimed over %s ago)", count, older_than)
    return count
