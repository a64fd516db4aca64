"""Members follow essays and choose how comment mail reaches them (each one at once, a daily
digest, or never). Every member mail carries a signed one-click unsubscribe link, also in the
List-Unsubscribe and List-Unsubscribe-Post headers (RFC 8058). Mail goes through tasks."""

from datetime import timedelta
from http import HTTPStatus

from django.core import signing
from django.core.mail import EmailMessage
from django.db.models import Q
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from comments.background import retried
from comments.forms import MailChoiceForm
from comments.models import Comment, EssayFollow, MailChoice, MailFrequency, ModerationEvent
from comments.notifications import absolute_url

SALT = "comments.unsubscribe"
# Old mail keeps working for a season; after that the account page is the way.
TOKEN_MAX_AGE = timedelta(days=120)
LISTED_IN_DIGEST = 50


class FollowRefused(Exception):
    """A follow that was not stored, with a message and an HTTP status."""

    def __init__(self, message: str, status: HTTPStatus):
        super().__init__(message)
        self.message, self.status = message, status


def essay_follow(*, member, post) -> bool:
    """Start following an essay; False when the member already did."""
    if member is None or not member.is_authenticated or not member.is_active:
        raise FollowRefused(_("Please log in to follow an essay."), HTTPStatus.FORBIDDEN)
    if not post.is_published():
        raise FollowRefused(_("This essay is not published."), HTTPStatus.NOT_FOUND)
    return EssayFollow.objects.get_or_create(member=member, post=post)[1]


def essay_unfollow(*, member, post) -> bool:
    """Stop following an essay (a Post or its id); False when the member did not follow it."""
    return EssayFollow.objects.filter(member=member, post=post).delete()[0] > 0


def mail_choice_update(
    *, member, follows: str, replies: str, decisions: bool, published: bool
) -> None:
    """Store how the member wants comment mail (every switch, in one row)."""
    choices = {"follows": follows, "replies": replies, "decisions": decisions}
    MailChoice.objects.update_or_create(member=member, defaults={**choices, "published": published})


def mail_section(request) -> dict:
    """The account page's comment-mail section: every switch, the same form as the mail page."""
    member = request.user
    return {
        "template": "comments/_account_mail.html",
        "mail_form": MailChoiceForm(instance=MailChoice.of(member), auto_id="account-mail-%s"),
        "follow_count": EssayFollow.objects.filter(member=member).count(),
    }


# One-click unsubscribe ---------------------------------------------------------------------
# A topic is "follow:<post id>" (one essay), "follows" (all followed essays), "replies",
# "decisions" (moderators' reasons), "published" (my comment is published), or "digest" (the
# daily digest, whatever it holds).
TOPIC_FIELDS = {
    "follows": ["follows"],
    "replies": ["replies"],
    "digest": ["follows", "replies"],
    "decisions": ["decisions"],
    "published": ["published"],
}
# The MailChoice value that means "no mail", by field.
OFF = {
    "follows": MailFrequency.OFF,
    "replies": MailFrequency.OFF,
    "decisions": False,
    "published": False,
}


class BadUnsubscribeLink(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def unsubscribe_url(*, member, topic: str) -> str:
    token = signing.dumps({"m": member.pk, "t": topic}, salt=SALT, compress=True)
    return absolute_url(reverse("comments:unsubscribe", kwargs={"token": token}))


def read_unsubscribe_token(token: str) -> tuple[int, str]:
    """The member id and topic a link was made for; BadUnsubscribeLink if forged or old."""
    try:
        data = signing.loads(token, salt=SALT, max_age=TOKEN_MAX_AGE)
    except signing.SignatureExpired:
        raise BadUnsubscribeLink(
            _("This unsubscribe link has expired. Change your mail on your account page.")
        ) from None
    except signing.BadSignature:
        raise BadUnsubscribeLink(_("This unsubscribe link is not valid.")) from None
    return data["m"], data["t"]


def unsubscribe(*, member, topic: str) -> str:
    """Apply a link's unsubscription; the message says what changed (or that nothing had to)."""
    if topic.startswith("follow:"):
        if EssayFollow.objects.filter(member=member, post_id=topic.split(":")[1]).delete()[0]:
            return _("You no longer get mail about new comments on this essay.")
        return _("You were already unsubscribed from this essay.")
    if topic not in TOPIC_FIELDS:
        raise BadUnsubscribeLink(_("This unsubscribe link is not valid."))
    choice = MailChoice.of(member)
    fields = TOPIC_FIELDS[topic]
    if all(getattr(choice, field) == OFF[field] for field in fields):
        return _("You were already unsubscribed from these mails.")
    for field in fields:
        setattr(choice, field, OFF[field])
    choice.save()
    return _("You are unsubscribed. Change your mail at any time on your account page.")


def replies_wanted_now(member) -> bool:
    """Whether a reply to this member is mailed as it is published."""
    return MailChoice.of(member).replies == MailFrequency.IMMEDIATE


def send_member_mail(*, member, topic: str, name: str, context: dict) -> None:
    """comments/mail/<name>_subject.txt and _body.txt to one member, with a one-click
    unsubscribe link in the text and in the List-Unsubscribe headers (RFC 8058)."""
    link = unsubscribe_url(member=member, topic=topic)
    # One-line subject whatever the names and titles contain: a line break in a header fails.
    subject = " ".join(render_to_string(f"comments/mail/{name}_subject.txt", context).split())
    body = render_to_string(f"comments/mail/{name}_body.txt", context).rstrip()
    EmailMessage(
        subject=subject,
        body=f"{body}\n\n{_('Unsubscribe with one click:')} {link}\n",
        to=[member.email],
        headers={
            "List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    ).send()


# Mail to followers -------------------------------------------------------------------------


def _followers(post, *, frequency: str, exclude_id):
    immediate = frequency == MailFrequency.IMMEDIATE
    choices = MailChoice.objects.filter(follows=frequency).values("member_id")
    # No MailChoice row means the default, which is "each one, as it is published".
    wanted = Q(member__in=choices) | (
        Q(member__comment_mail_choice__isnull=True) if immediate else Q()
    )
    return (
        EssayFollow.objects.filter(post=post)
        .filter(wanted)
        .exclude(member_id=exclude_id)
        .exclude(member__email="")
        .filter(member__is_active=True)
        .select_related("member")
    )


@task
def send_follower_notices(comment_id: int, attempt: int = 1) -> None:
    """Queue one mail per follower (each its own task, so a failure retries only that one)."""
    with retried(send_follower_notices, comment_id, attempt=attempt):
        comment = Comment.objects.filter(pk=comment_id).select_related("post").first()
        if comment is None or not comment.is_public():
            return  # mail follows the final state: a comment rejected meanwhile is not announced
        followers = _followers(comment.post, frequency="immediate", exclude_id=comment.author_id)
        for member_id in followers.values_list("member_id", flat=True):
            send_follower_notice.enqueue(comment_id, member_id)


@task
def send_follower_notice(comment_id: int, member_id: int, attempt: int = 1) -> None:
    with retried(send_follower_notice, comment_id, member_id, attempt=attempt):
        comment = Comment.objects.select_related("post", "author").filter(pk=comment_id).first()
        follow = EssayFollow.objects.filter(
            member_id=member_id, post_id=comment and comment.post_id
        )
        follow = follow.select_related("member").first()
        if comment is None or follow is None or not comment.is_public():
            return  # unpublished, or unfollowed, since
        context = {"comment": comment, "url": absolute_url(comment.get_absolute_url())}
        send_member_mail(
            member=follow.member, topic=f"follow:{comment.post_id}", name="follow", context=context
        )


@task
def send_daily_digest(member_id: int) -> None:
    """One mail with what was published in the last day on the essays a member follows and in
    reply to them, as far as they chose the digest for each."""
    from django.contrib.auth import get_user_model

    member = get_user_model().objects.get(pk=member_id)
    choice = MailChoice.of(member)
    since = timezone.now() - timedelta(days=1)
    wanted = Q(pk__in=[])
    if choice.follows == MailFrequency.DAILY:
        wanted |= Q(post__in=EssayFollow.objects.filter(member=member).values("post_id"))
    if choice.replies == MailFrequency.DAILY:
        wanted |= Q(parent__author=member)
    published_lately = Q(created_at__gte=since) | Q(
        events__action=ModerationEvent.Action.APPROVED, events__created_at__gte=since
    )
    comments = list(
        Comment.objects.public()
        .filter(wanted)
        .filter(published_lately)
        .exclude(author=member)
        .select_related("post", "author")
        .distinct()
        .order_by("post_id", "created_at")[:LISTED_IN_DIGEST]
    )
    if not comments or not member.email:
        return
    context = {
        "comments": [(c, absolute_url(c.get_absolute_url())) for c in comments],
        "count": len(comments),
    }
    send_member_mail(member=member, topic="digest", name="digest", context=context)


def daily_digests_due() -> int:
    """Enqueue today's digest for every member who chose one (run once a day)."""
    members = MailChoice.objects.filter(
        Q(follows=MailFrequency.DAILY) | Q(replies=MailFrequency.DAILY)
    ).values_list("member_id", flat=True)
    count = 0
    for member_id in members:
        send_daily_digest.enqueue(member_id)
        count += 1
    return count
