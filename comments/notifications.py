"""Mail about comments, sent through Django's tasks API after the deciding transaction commits.

Moderators get at most one "comments are waiting" mail each per COMMENTS_MODERATOR_MAIL_INTERVAL
(the throttle lives in the shared cache, so every web process agrees); members hear when their
comment is published (if they asked) and when someone's reply to them is (their account setting).
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sites.models import Site
from django.core.cache import cache
from django.core.mail import send_mail
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from comments.conf import setting
from comments.models import Comment, moderators

LISTED_IN_MAIL = 20


def absolute_url(path: str) -> str:
    scheme = "http" if settings.DEBUG else "https"
    return f"{scheme}://{Site.objects.get_current().domain}{path}"


def render_subject(template_name: str, context: dict) -> str:
    # One line whatever the names and titles contain: a line break in a header fails the mail.
    return " ".join(render_to_string(template_name, context).split())


@task
def send_waiting_digest(user_id: int) -> None:
    moderator = get_user_model().objects.get(pk=user_id)
    waiting = Comment.objects.in_moderation().select_related("post", "author")
    total = waiting.count()
    if not total:
        return
    context = {
        "moderator": moderator,
        "total": total,
        "comments": list(waiting[:LISTED_IN_MAIL]),  # evaluated here: templates run no queries
        "queue_url": absolute_url(reverse("comments:queue")),
    }
    send_mail(
        subject=render_subject("comments/mail/waiting_subject.txt", context),
        message=render_to_string("comments/mail/waiting_body.txt", context),
        from_email=None,
        recipient_list=[moderator.email],
    )


def comments_waiting() -> None:
    """Tell each moderator what waits, unless they were told within the interval; then, where
    the task backend can defer work, one more digest goes out when the interval ends."""
    interval = setting("COMMENTS_MODERATOR_MAIL_INTERVAL")
    can_defer = send_waiting_digest.get_backend().supports_defer
    for moderator in moderators().exclude(email=""):
        # cache.add is atomic: only the first caller within the interval gets True.
        if cache.add(f"comments:waiting-mail:{moderator.pk}", True, timeout=interval):
            send_waiting_digest.enqueue(moderator.pk)
        elif can_defer and cache.add(
            f"comments:waiting-mail-later:{moderator.pk}", True, timeout=interval
        ):
            later = timezone.now() + timedelta(seconds=interval)
            send_waiting_digest.using(run_after=later).enqueue(moderator.pk)


@task
def send_published_notices(comment_id: int) -> None:
    comment = Comment.objects.select_related("post", "author", "parent__author").get(pk=comment_id)
    if not comment.is_public():
        return
    context = {"comment": comment, "url": absolute_url(comment.get_absolute_url())}
    author = comment.author
    if comment.notify_on_approval and author is not None and author.email:
        send_mail(
            subject=render_subject("comments/mail/published_subject.txt", context),
            message=render_to_string("comments/mail/published_body.txt", context),
            from_email=None,
            recipient_list=[author.email],
        )
    parent_author = comment.parent.author if comment.parent_id else None
    if (
        parent_author is not None
        and parent_author != author
        and parent_author.email
        and getattr(parent_author, "notify_on_reply", False)
    ):
        send_mail(
            subject=render_subject("comments/mail/reply_subject.txt", context),
            message=render_to_string("comments/mail/reply_body.txt", context),
            from_email=None,
            recipient_list=[parent_author.email],
        )


def comment_published(comment_id: int) -> None:
    send_published_notices.enqueue(comment_id)
