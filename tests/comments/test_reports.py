"""Members report comments; enough reports hide a comment until a moderator looks."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from comments.models import Comment, CommentReport, ModerationEvent
from tests.factories import make_comment, make_post, make_user, signed_in

pytestmark = pytest.mark.django_db

S = Comment.Status
THANKS = "Thanks — a moderator will look at it."


def _report(user, comment, reason="abuse", text=""):
    return signed_in(user).post(
        reverse("comments:report", args=[comment.pk]),
        {"reason": reason, "text": text},
        follow=True,
    )


@pytest.fixture
def comment(post):
    return make_comment(post=post, author=make_user(display_name="Rex Rude"), body="Rude words")


def test_a_member_reports_a_comment_and_still_sees_it(comment, member):
    response = _report(member, comment, reason="spam")

    html = response.content.decode()
    assert THANKS in html
    assert "Rude words" in html
    report = CommentReport.objects.get()
    assert (report.comment, report.reporter, report.reason) == (comment, member, "spam")
    comment.refresh_from_db()
    assert comment.status == S.APPROVED


def test_published_comments_offer_a_report_link_that_asks_signing_in_first(client, comment):
    html = client.get(comment.post.get_absolute_url()).content.decode()
    url = reverse("comments:report", args=[comment.pk])
    assert f'href="{url}"' in html

    response = client.get(url)

    assert response.status_code == HTTPStatus.FOUND
    assert reverse("account_login") in response["Location"]


@pytest.mark.parametrize(
    ("setup", "message", "status"),
    [
        ("own", "You cannot report your own comment.", HTTPStatus.BAD_REQUEST),
        ("twice", "You have already reported this comment.", HTTPStatus.CONFLICT),
        ("other_without_text", "Please say what is wrong with the comment.", 400),
    ],
)
def test_refused_reports_say_why_and_store_nothing_more(comment, member, setup, message, status):
    reason = "abuse"
    if setup == "own":
        comment.author = member
        comment.save()
    elif setup == "twice":
        _report(member, comment)
    elif setup == "other_without_text":
        reason = "other"
    before = CommentReport.objects.count()

    response = signed_in(member).post(
        reverse("comments:report", args=[comment.pk]), {"reason": reason, "text": ""}
    )

    assert response.status_code == status
    assert message in response.content.decode()
    assert CommentReport.objects.count() == before


@pytest.mark.parametrize("status", [S.PENDING, S.REMOVED, S.SPAM])
def test_a_comment_readers_cannot_see_cannot_be_reported(post, member, status):
    hidden = make_comment(post=post, status=status)

    response = signed_in(member).post(
        reverse("comments:report", args=[hidden.pk]), {"reason": "spam"}
    )

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert not CommentReport.objects.exists()


def test_a_forged_reason_is_refused(comment, member):
    response = signed_in(member).post(
        reverse("comments:report", args=[comment.pk]), {"reason": "because"}
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert not CommentReport.objects.exists()


def test_reports_are_rate_limited_per_member(settings, post, member):
    settings.COMMENTS_REPORT_RATE_LIMIT = 2
    comments = [make_comment(post=post) for _ in range(3)]
    for comment in comments[:2]:
        _report(member, comment)

    response = signed_in(member).post(
        reverse("comments:report", args=[comments[2].pk]), {"reason": "spam"}
    )

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "reported many comments" in response.content.decode()
    assert CommentReport.objects.count() == 2


def test_reports_from_enough_members_hide_the_comment_and_tell_moderators(
    client, settings, comment, moderator, mailoutbox, django_capture_on_commit_callbacks
):
    settings.COMMENTS_REPORTS_TO_HIDE = 3
    reporters = [make_user() for _ in range(3)]
    for reporter in reporters[:2]:
        _report(reporter, comment)
    assert "Rude words" in client.get(comment.post.get_absolute_url()).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        _report(reporters[2], comment)

    comment.refresh_from_db()
    assert comment.status == S.PENDING
    page = client.get(comment.post.get_absolute_url()).content.decode()
    assert "Rude words" not in page
    event = comment.events.last()
    assert (event.action, event.actor) == (ModerationEvent.Action.HIDDEN, None)
    assert [message.to for message in mailoutbox] == [[moderator.email]]


def test_the_commenter_never_learns_who_reported(comment):
    reporter = make_user(display_name="Wanda Whistle")
    for user in (reporter, make_user(), make_user()):
        _report(user, comment)

    page = signed_in(comment.author).get(comment.post.get_absolute_url()).content.decode()

    assert "Wanda Whistle" not in page
    assert "Rude words" in page  # their own comment, now held, is still theirs to see


def test_a_moderator_sees_reports_with_reasons_and_dismissing_restores_the_comment(
    client, comment, moderator
):
    for user, reason, text in [
        (make_user(), "abuse", ""),
        (make_user(), "abuse", ""),
        (make_user(), "other", "Mocks a member's illness"),
    ]:
        _report(user, comment, reason=reason, text=text)
    moderator_client = signed_in(moderator)

    queue = moderator_client.get(reverse("comments:queue") + "?status=reported")

    html = queue.content.decode()
    assert "Abuse or harassment: 2 reports" in html
    assert "Other: 1 report — “Mocks a member&#x27;s illness”" in html
    assert 'value="dismiss"' in html

    moderator_client.post(
        reverse("comments:moderate"), {"action": "dismiss", "comments": [comment.pk]}
    )

    comment.refresh_from_db()
    assert comment.status == S.APPROVED
    assert not CommentReport.objects.open().exists()
    assert "Rude words" in client.get(comment.post.get_absolute_url()).content.decode()
    assert comment.events.last().action == ModerationEvent.Action.DISMISSED


def test_removing_a_reported_comment_settles_its_reports(comment, moderator):
    _report(make_user(), comment)

    signed_in(moderator).post(
        reverse("comments:moderate"), {"action": "remove", "comments": [comment.pk]}
    )

    assert not CommentReport.objects.open().exists()
    comment.refresh_from_db()
    assert comment.status == S.REMOVED


def test_a_comment_on_a_draft_essay_cannot_be_reported(member):
    draft = make_comment(post=make_post(status="draft"))

    response = signed_in(member).post(
        reverse("comments:report", args=[draft.pk]), {"reason": "spam"}
    )

    assert response.status_code == HTTPStatus.NOT_FOUND
