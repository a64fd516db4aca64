import pytest
from django.urls import reverse

from accounts.personal_data import export_sections, run_erasers
from comments.models import Comment, ModerationEvent
from tests.factories import make_comment, make_user

pytestmark = pytest.mark.django_db

S = Comment.Status


@pytest.mark.parametrize(
    ("action", "status"),
    [
        ("comment_approve", S.APPROVED),
        ("comment_reject", S.REJECTED),
        ("comment_mark_spam", S.SPAM),
        ("comment_remove", S.REMOVED),
    ],
)
def test_admin_actions_use_the_same_services_and_log_events(
    client, staff_moderator, post, action, status
):
    comment = make_comment(post=post, status=S.PENDING)
    client.force_login(staff_moderator)

    client.post(
        reverse("admin:comments_comment_changelist"),
        {"action": action, "_selected_action": [comment.pk]},
    )

    comment.refresh_from_db()
    assert comment.status == status
    event = ModerationEvent.objects.get(comment=comment)
    assert event.actor == staff_moderator


def test_a_comments_own_admin_page_offers_the_same_actions(client, staff_moderator, post):
    comment = make_comment(post=post, status=S.PENDING)
    client.force_login(staff_moderator)
    url = reverse("admin:comments_comment_change", args=[comment.pk])

    assert "Mark as spam" in client.get(url).content.decode()
    client.post(url, {"CHANGE_FORM-action": "comment_mark_spam", "_selected_action": comment.pk})

    comment.refresh_from_db()
    assert comment.status == S.SPAM
    assert comment.events.get().actor == staff_moderator


def test_the_admin_never_deletes_comments(client, staff_moderator, post):
    comment = make_comment(post=post)
    client.force_login(staff_moderator)

    changelist = client.get(reverse("admin:comments_comment_changelist")).content.decode()
    change = client.get(reverse("admin:comments_comment_change", args=[comment.pk]))

    assert "delete_selected" not in changelist
    assert change.status_code == 200
    assert "Moderation events" in change.content.decode()


def test_a_members_export_lists_every_comment_with_its_status(member, post):
    make_comment(post=post, author=member, status=S.APPROVED, body="Visible")
    make_comment(post=post, author=member, status=S.SPAM, body="Flagged")

    exported = export_sections(member)["comments"]

    assert [(c["text"], c["status"]) for c in exported] == [
        ("Visible", "approved"),
        ("Flagged", "spam"),
    ]
    assert exported[0]["url"].endswith(f"/comments/{exported[0]['id']}/")  # its permalink


def test_erasing_a_member_keeps_answered_comments_as_former_member_and_deletes_the_rest(
    client, member, post
):
    answered = make_comment(post=post, author=member, body="Answered words")
    make_comment(parent=answered, author=make_user(), body="An answer")
    alone = make_comment(post=post, author=member, body="Alone words")
    own_reply = make_comment(parent=alone, author=member, body="Talking to myself")
    post.public_comments_changed(comment_count=4)

    run_erasers(member)

    answered.refresh_from_db()
    assert (answered.author, answered.body, answered.body_html) == (None, "", "")
    assert not Comment.objects.filter(pk__in=[alone.pk, own_reply.pk]).exists()
    post.refresh_from_db()
    assert post.comment_count == 2
    html = client.get(post.get_absolute_url()).content.decode()
    assert "Former member" in html
    assert "This comment was deleted by its author." in html
    assert "Answered words" not in html and "An answer" in html
