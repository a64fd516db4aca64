"""Mail about comments, sent by background tasks that the deciding write queues.

Moderators get at most one "comments are waiting" mail each per COMMENTS_MODERATOR_MAIL_INTERVAL
(the throttle lives in the shared cache, so every process agrees); comments that arrive during
that quiet period are announced by one follow-up digest when it ends. Members hear when their
comment is published (if they asked), when someone's reply to them is, and why a moderator
declined or removed their comment: each as their MailChoice says, with a one-click unsubscribe.
Each mail is a task of its own, so a failure is retried without sending the others twice.
"""

from datetime import UTC, datetime

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.mail import send_mail
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from comments.background import enqueue_with_write, retried
from comments.conf import setting
from comments.models import Comment, MailChoice, ModerationEvent, moderators
from config.links import absolute_url

LISTED_IN_MAIL = 20


def mail(name: str, context: dict, recipient: str) -> None:
    """Send comments/mail/<name>_subject.txt and _body.txt to one address."""
    # One-line subject whatever the names and titles contain: a line break in a header fails.
    subject = " ".join(render_to_string(f"comments/mail/{name}_subject.txt", context).split())
    body = render_to_string(f"comments/mail/{name}_body.txt", context)
    send_mail(subject=subject, message=body, from_email=None, recipient_list=[recipient])


@task
def send_waiting_digest(user_id: int, attempt: int = 1) -> None:
    with retried(send_waiting_digest, user_id, attempt=attempt):
        moderator = get_user_model().objects.filter(pk=user_id).first()
        waiting = Comment.objects.in_moderation().select_related("post", "author")
        total = waiting.count()
        if moderator is None or not total:
            return  # gone, or all decided meanwhile: a follow-up has nothing to say
        context = {
            "moderator": moderator,
            "total": total,
            "comments": list(waiting[:LISTED_IN_MAIL]),  # evaluated here: templates run no queries
            "queue_url": absolute_url(reverse("comments:queue")),
        }
        mail("waiting", context, moderator.email)


@task
def announce_waiting_comments(attempt: int = 1) -> None:
    """Tell each moderator what waits, unless they were told within the interval: then one
    follow-up digest is scheduled for the end of that quiet period (where the backend can defer
    work), and that follow-up opens the next quiet period."""
    with retried(announce_waiting_comments, attempt=attempt):  # the cache may be down a while
        interval = setting("COMMENTS_MODERATOR_MAIL_INTERVAL")
        can_defer = send_waiting_digest.get_backend().supports_defer
        now = timezone.now().timestamp()
        for moderator in moderators().exclude(email=""):
            quiet_key = f"comments:waiting-mail:{moderator.pk}"
            # cache.add is atomic: only the first caller within the interval gets True. The value is
            # when the quiet period ends.
            if cache.add(quiet_key, now + interval, timeout=interval):
                send_waiting_digest.enqueue(moderator.pk)
            elif can_defer:
                _schedule_follow_up(moderator.pk, quiet_key, now=now, interval=interval)


def _schedule_follow_up(moderator_id: int, quiet_key: str, *, now: float, interval: int) -> None:
    # One follow-up per quiet period, at its end. It opens the next quiet period, so a comment
    # arriving after it was scheduled waits for the end of that one: mails stay an interval apart.
    quiet_until = max(cache.get(quiet_key, now), now)
    if cache.add(
        f"comments:waiting-mail-later:{moderator_id}", True, timeout=_seconds(quiet_until - now)
    ):
        cache.set(quiet_key, quiet_until + interval, timeout=_seconds(quiet_until + interval - now))
        run_after = datetime.fromtimestamp(quiet_until, tz=UTC)
        send_waiting_digest.using(run_after=run_after).enqueue(moderator_id)


def _seconds(duration: float) -> int:
    return max(1, round(duration))  # a cache timeout of 0 would mean "expire at once"


def comments_waiting() -> None:
    """Queue the moderators' announcement with the write that left a comment waiting."""
    enqueue_with_write(announce_waiting_comments)


@task
def send_published_notice(comment_id: int, attempt: int = 1) -> None:
    with retried(send_published_notice, comment_id, attempt=attempt):
        comment = Comment.objects.select_related("post", "author").filter(pk=comment_id).first()
        # A comment erased meanwhile (its author deleted their data) is not mailed about.
        author = comment.author if comment else None
        if author is None or not author.email or not comment.is_public():
            return
        if MailChoice.of(author).published:
            from comments.following import send_member_mail  # it builds on this module

            context = {"comment": comment, "url": absolute_url(comment.get_absolute_url())}
            send_member_mail(member=author, topic="published", name="published", context=context)


@task
def send_reply_notice(comment_id: int, attempt: int = 1) -> None:
    with retried(send_reply_notice, comment_id, attempt=attempt):
        comment = (
            Comment.objects.select_related("post", "author", "parent__author")
            .filter(pk=comment_id)
            .first()
        )
        parent_author = comment.parent.author if comment and comment.parent_id else None
        if wants_reply_notice(parent_author, comment) and comment.is_public():
            context = {"comment": comment, "url": absolute_url(comment.get_absolute_url())}
            # With a one-click unsubscribe link; not for members who chose a digest or no mail.
            # (Imported here: comments.following builds on this module.)
            from comments.following import replies_wanted_now, send_member_mail

            if replies_wanted_now(parent_author):
                send_member_mail(
                    member=parent_author, topic="replies", name="reply", context=context
                )


def wants_reply_notice(parent_author, comment: Comment) -> bool:
    return (
        parent_author is not None
        and parent_author != comment.author
        and bool(parent_author.email)
        and parent_author.is_active
    )


@task
def send_decision_notice(event_id: int, attempt: int = 1) -> None:
    """Tell a member why a moderator declined or removed their comment, if they want such mail
    and the comment is still in the state that decision left it in (mail follows the final
    state: a decision reversed meanwhile is not explained)."""
    with retried(send_decision_notice, event_id, attempt=attempt):
        event = (
            ModerationEvent.objects.select_related("comment__post", "comment__author")
            .filter(pk=event_id)
            .first()
        )
        comment = event.comment if event else None
        member = comment.author if comment else None
        if member is None or not member.is_active or not member.email:
            return
        if comment.status != event.to_status or not MailChoice.of(member).decisions:
            return
        from comments.following import send_member_mail  # it builds on this module

        context = {
            "comment": comment,
            "notice": event.member_notice,
            "mine_url": absolute_url(reverse("my_comments:list")),
        }
        send_member_mail(member=member, topic="decisions", name="decision", context=context)


def decision_explained(event: ModerationEvent) -> None:
    """Queue the member's "why" mail with the decision that gave a reason."""
    enqueue_with_write(send_decision_notice, event.pk)
