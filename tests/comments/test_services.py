import uuid

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from comments import services
from comments.models import Comment, ModerationEvent
from tests.factories import make_comment, make_moderator, make_user

pytestmark = pytest.mark.django_db
User = get_user_model()

S = Comment.Status


def submit(post, author, body="A considered thought.", **kwargs):
    return services.comment_submit(post=post, author=author, body=body, **kwargs)


def test_a_new_members_comment_waits_for_moderation_with_the_reason_recorded(post, member):
    comment = submit(post, member)

    assert comment.status == S.PENDING
    event = comment.events.get()
    assert (event.action, event.actor, event.to_status) == ("submitted", member, S.PENDING)
    assert "New members" in event.reason
    assert event.reason == comment.moderation_reason
    post.refresh_from_db()
    assert post.comment_count == 0


@pytest.mark.parametrize(
    ("settings_change", "body", "status", "reason_contains"),
    [
        ({}, "Plain words.", S.PENDING, "New members"),
        ({"COMMENTS_MAX_LINKS": 1}, "https://a.example https://b.example", S.PENDING, "2 links"),
        ({"COMMENTS_MODERATION_WORDS": ["casino"]}, "A Casino trip", S.PENDING, "casino"),
        ({"COMMENTS_BLOCKED_WORDS": ["viagra"]}, "cheap VIAGRA", S.SPAM, "viagra"),
    ],
)
def test_the_policy_decides_at_submission(
    settings, post, member, settings_change, body, status, reason_contains
):
    for name, value in settings_change.items():
        setattr(settings, name, value)

    comment = submit(post, member, body)

    assert comment.status == status
    assert reason_contains in comment.moderation_reason


def test_trusted_group_members_and_members_with_approved_comments_are_approved_at_once(
    settings, post
):
    settings.COMMENTS_AUTO_APPROVE_AFTER = 2
    trusted = make_user()
    trusted.groups.add(Group.objects.get(name="Trusted commenters"))
    regular = make_user()
    make_comment(author=regular, status=S.APPROVED)
    make_comment(author=regular, status=S.APPROVED)
    newcomer = make_user()
    make_comment(author=newcomer, status=S.APPROVED)

    assert submit(post, trusted).status == S.APPROVED
    assert submit(post, regular).status == S.APPROVED
    assert submit(post, newcomer).status == S.PENDING
    post.refresh_from_db()
    assert post.comment_count == 2


def test_a_comment_published_at_once_is_counted_and_the_essays_cached_pages_go_stale(post):
    trusted = make_user()
    trusted.groups.add(Group.objects.get(name="Trusted commenters"))
    post.refresh_from_db()
    count, version = post.comment_count, post.cache_version

    comment = submit(post, trusted)
    assert (post.comment_count, post.cache_version) == (count + 1, version + 1)  # read again
    event = comment.events.get()  # and its audit event, as for a held one
    assert (event.action, event.actor, event.to_status, event.reason) == (
        "submitted",
        trusted,
        S.APPROVED,
        "",
    )
    assert abs(event.created_at - comment.created_at) < timezone.timedelta(seconds=5)
    submit(post, make_user())  # held: neither counted nor a change to the public pages

    post.refresh_from_db()
    assert (post.comment_count, post.cache_version) == (count + 1, version + 1)


@pytest.mark.parametrize("how", ["moderators' group", "own permission", "superuser"])
def test_moderators_are_approved_at_once_however_they_hold_the_permission(post, how):
    author = make_user(is_superuser=how == "superuser")
    if how == "moderators' group":
        author.groups.add(make_moderator().groups.get())
    elif how == "own permission":
        author.user_permissions.add(Permission.objects.get(codename="moderate_comment"))
    make_user()  # someone else, neither moderator nor trusted

    comment = submit(post, User.objects.get(pk=author.pk), "Welcome, all.")  # nothing cached

    assert comment.status == S.APPROVED


def test_trusted_members_are_still_held_for_too_many_links(settings, post):
    settings.COMMENTS_MAX_LINKS = 0
    trusted = make_user()
    trusted.groups.add(Group.objects.get(name="Trusted commenters"))

    assert submit(post, trusted, "see https://example.org").status == S.PENDING


def test_approving_records_the_decision_updates_the_count_and_tells_the_member(
    post, member, moderator, mailoutbox, django_capture_on_commit_callbacks
):
    comment = submit(post, member, notify_on_approval=True)
    mailoutbox.clear()
    version = post.cache_version

    with django_capture_on_commit_callbacks(execute=True):
        assert services.comment_approve(comment=comment, moderator=moderator, reason="Fine")

    comment.refresh_from_db()
    post.refresh_from_db()
    assert comment.status == S.APPROVED
    assert (post.comment_count, post.cache_version) == (1, version + 1)
    event = comment.events.latest("id")
    assert (event.actor, event.from_status, event.to_status, event.reason) == (
        moderator,
        S.PENDING,
        S.APPROVED,
        "Fine",
    )
    assert [m.to for m in mailoutbox] == [[member.email]]
    assert "is published" in mailoutbox[0].subject


@pytest.mark.parametrize(
    ("decisions", "published_mails"),
    [
        (["approve", "reject"], 0),  # sent after both: the comment is no longer public
        (["reject", "approve"], 1),
        (["approve", "remove", "approve"], 1),  # announced once, not again on its return
    ],
)
def test_the_published_mail_goes_out_only_for_a_comment_public_when_it_is_sent(
    post,
    member,
    moderator,
    mailoutbox,
    django_capture_on_commit_callbacks,
    decisions,
    published_mails,
):
    comment = submit(post, member, notify_on_approval=True)
    mailoutbox.clear()

    # The mail's task runs after every decision, as a busy worker would.
    with django_capture_on_commit_callbacks(execute=True):
        for decision in decisions:
            getattr(services, f"comment_{decision}")(comment=comment, moderator=moderator)

    assert len([m for m in mailoutbox if "is published" in m.subject]) == published_mails


def test_approving_twice_changes_nothing_twice(post, member, moderator):
    comment = make_comment(post=post, author=member, status=S.PENDING)

    assert services.comment_approve(comment=comment, moderator=moderator) is True
    assert services.comment_approve(comment=comment, moderator=moderator) is False
    assert comment.events.filter(action=ModerationEvent.Action.APPROVED).count() == 1


@pytest.mark.parametrize(
    ("service", "status"),
    [
        (services.comment_reject, S.REJECTED),
        (services.comment_mark_spam, S.SPAM),
        (services.comment_remove, S.REMOVED),
    ],
)
def test_every_decision_keeps_the_comment_and_logs_an_event(post, moderator, service, status):
    comment = make_comment(post=post, status=S.APPROVED)
    post.public_comments_changed(comment_count=1)

    service(comment=comment, moderator=moderator, reason="Off topic")

    comment.refresh_from_db()
    post.refresh_from_db()
    assert comment.status == status
    assert post.comment_count == 0
    assert comment.events.get().reason == "Off topic"


def test_only_moderators_may_decide(post, member):
    comment = make_comment(post=post, status=S.PENDING)

    with pytest.raises(PermissionDenied):
        services.comment_approve(comment=comment, moderator=member)
    comment.refresh_from_db()
    assert comment.status == S.PENDING


def test_moderators_get_at_most_one_waiting_mail_per_interval(
    post, moderator, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submit(post, make_user(), "First thought")
        submit(post, make_user(), "Second thought")

    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [moderator.email]
    assert "First thought" in mail.body
    assert "/comments/moderation/" in mail.body


def test_a_double_submitted_form_stores_one_comment(post, member):
    token = uuid.uuid4()

    first = submit(post, member, token=token)
    second = submit(post, member, token=token)

    assert first.pk == second.pk
    assert Comment.objects.count() == 1


def test_editing_keeps_the_old_text_and_asks_the_policy_again(settings, post, member):
    settings.COMMENTS_BLOCKED_WORDS = ["scam"]
    comment = make_comment(post=post, author=member, status=S.APPROVED, body="Original")

    services.comment_edit(comment=comment, editor=member, body="Now a scam")

    comment.refresh_from_db()
    assert comment.status == S.SPAM
    assert comment.revisions.get().body == "Original"
    assert comment.events.get().action == "edited"
    assert comment.edited_at is not None


@pytest.fixture
def trusted(db):
    user = make_user()
    user.groups.add(Group.objects.get(name="Trusted commenters"))
    return user


def test_an_edit_from_a_stale_page_cannot_undo_a_moderators_rejection(post, trusted, moderator):
    comment = make_comment(post=post, author=trusted, status=S.PENDING, body="Draft")
    stale = Comment.objects.get(pk=comment.pk)
    services.comment_reject(comment=comment, moderator=moderator)

    with pytest.raises(services.CommentRefused, match="can no longer be edited"):
        services.comment_edit(comment=stale, editor=trusted, body="Draft, improved")

    comment.refresh_from_db()
    assert (comment.status, comment.body) == (S.REJECTED, "Draft")
    assert not comment.revisions.exists()


def test_a_withdrawal_from_a_stale_page_records_the_status_it_really_had(post, member, moderator):
    comment = make_comment(post=post, author=member, status=S.PENDING)
    stale = Comment.objects.get(pk=comment.pk)
    services.comment_approve(comment=comment, moderator=moderator)

    services.comment_withdraw(comment=stale, author=member)

    event = comment.events.get(action=ModerationEvent.Action.REMOVED)
    assert (event.from_status, event.to_status) == (S.APPROVED, S.REMOVED)
    post.refresh_from_db()
    assert post.comment_count == 0


def test_a_withdrawal_from_a_stale_page_cannot_touch_a_rejected_comment(post, member, moderator):
    comment = make_comment(post=post, author=member, status=S.APPROVED)
    stale = Comment.objects.get(pk=comment.pk)
    services.comment_reject(comment=comment, moderator=moderator)

    with pytest.raises(services.CommentRefused):
        services.comment_withdraw(comment=stale, author=member)

    comment.refresh_from_db()
    assert comment.status == S.REJECTED
    assert not comment.events.filter(action=ModerationEvent.Action.REMOVED).exists()


@pytest.mark.parametrize(
    "again",
    ["Same words ", "same WORDS", "Same  words", "Same\nwords", "  Same words\n", "SAME WORDS"],
)
def test_the_same_text_again_on_an_essay_is_refused_whatever_its_case_or_spacing(
    post, member, again
):
    submit(post, member, "Same words")

    with pytest.raises(services.CommentRefused, match="already posted this text"):
        submit(post, member, again)

    assert Comment.objects.count() == 1


def test_different_words_on_the_same_essay_are_not_a_duplicate(post, member):
    submit(post, member, "Same words")

    assert submit(post, member, "Same words, more or less").pk


@pytest.mark.parametrize(
    ("from_status", "settings_change", "body", "to_status"),
    [
        (S.PENDING, {}, "Better words", S.PENDING),
        (S.PENDING, {"COMMENTS_BLOCKED_WORDS": ["scam"]}, "A scam", S.SPAM),
        (S.APPROVED, {}, "Better words", S.APPROVED),
        (S.APPROVED, {"COMMENTS_MODERATION_WORDS": ["casino"]}, "A casino", S.PENDING),
        (S.APPROVED, {"COMMENTS_BLOCKED_WORDS": ["scam"]}, "A scam", S.SPAM),
    ],
)
def test_an_edit_never_raises_a_comments_status_only_the_policy_may_lower_it(
    settings, post, trusted, from_status, settings_change, body, to_status
):
    for name, value in settings_change.items():
        setattr(settings, name, value)
    comment = make_comment(post=post, author=trusted, status=from_status, body="Words")

    edited = services.comment_edit(comment=comment, editor=trusted, body=body)

    comment.refresh_from_db()
    assert comment.status == edited.status == to_status
    assert comment.body == body
