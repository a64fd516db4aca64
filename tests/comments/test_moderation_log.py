"""The moderation log: every decision of the site for moderators, filtered, paged, read only."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from comments import services, suspensions
from comments.models import Comment, ModerationEvent
from tests.factories import (
    canned_reason,
    make_comment,
    make_moderator,
    make_post,
    make_user,
    signed_in,
)

pytestmark = pytest.mark.django_db

S = Comment.Status
LOG = "comments:log"


@pytest.fixture
def history(moderator, post):
    """Two moderators' decisions on two essays, a suspension, and a site-made hiding."""
    other_moderator = make_moderator(display_name="Other Mod")
    other_post = make_post(title="On Thrift")
    writer = make_user(display_name="Wren Writer")
    off_topic = canned_reason("Off-topic")
    first = make_comment(post=post, author=writer, status=S.PENDING, body="Wren on stewardship")
    second = make_comment(post=other_post, status=S.PENDING, body="Someone on thrift")
    services.comment_reject(
        comment=first, moderator=moderator, canned_reason=off_topic, reason="Sports forum"
    )
    services.comment_approve(comment=second, moderator=other_moderator)
    suspensions.member_suspend(member=writer, moderator=other_moderator, reason="Cool off")
    return {"other_moderator": other_moderator, "other_post": other_post, "writer": writer}


def _rows(response) -> str:
    html = response.content.decode()
    return html[html.index("<tbody>") : html.index("</tbody>")] if "<tbody>" in html else ""


def test_moderators_read_every_decision_with_who_what_which_essay_and_why(moderator, post, history):
    response = signed_in(moderator).get(reverse(LOG))

    rows = _rows(response)
    assert response.status_code == HTTPStatus.OK
    for shown in ("Mo Derator", "Other Mod", "Rejected", "Approved", "Member suspended"):
        assert shown in rows
    for shown in ("Wren Writer", "On Stewardship", "On Thrift", "Off-topic", "Sports forum"):
        assert shown in rows
    assert "Cool off" in rows
    assert rows.index("Member suspended") < rows.index("Rejected")  # newest first


@pytest.mark.parametrize(
    ("filters", "shown", "hidden"),
    [
        ({"action": "approved"}, ["Someone on thrift"], ["Wren on stewardship"]),
        ({"moderator": "mine"}, ["Wren on stewardship"], ["Someone on thrift", "Cool off"]),
        ({"member": "writer"}, ["Wren on stewardship", "Cool off"], ["Someone on thrift"]),
        ({"essay": "other"}, ["Someone on thrift"], ["Wren on stewardship", "Cool off"]),
    ],
    ids=["action", "moderator", "member", "essay"],
)
def test_the_log_filters_by_moderator_action_member_and_essay(
    moderator, post, history, filters, shown, hidden
):
    ids = {"mine": moderator.pk, "writer": history["writer"].pk, "other": history["other_post"].pk}
    query = {key: ids.get(value, value) for key, value in filters.items()}

    rows = _rows(signed_in(moderator).get(reverse(LOG), query))

    assert all(text in rows for text in shown)
    assert not any(text in rows for text in hidden)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"moderator": "999999"}, "There is no such moderator."),
        ({"moderator": "abc"}, "There is no such moderator."),
        ({"action": "deleted"}, "There is no such action."),
        ({"member": "999999"}, "There is no such member."),
        ({"essay": "1 OR 1=1"}, "There is no such essay"),
        ({"page": "²"}, None),
    ],
)
def test_bad_filters_say_so_and_show_nothing_unfiltered(moderator, history, query, message):
    response = signed_in(moderator).get(reverse(LOG), query)

    if message is None:  # a page that is no page: the first one
        assert response.status_code == HTTPStatus.OK
    else:
        assert response.status_code == HTTPStatus.BAD_REQUEST
        assert message in response.content.decode()
        assert _rows(response) == ""


def test_a_members_id_that_is_not_a_moderator_is_refused_as_moderator_filter(moderator, history):
    response = signed_in(moderator).get(reverse(LOG), {"moderator": history["writer"].pk})

    assert response.status_code == HTTPStatus.BAD_REQUEST


@pytest.mark.parametrize(("who", "status"), [("anonymous", 302), ("member", 403)])
def test_only_moderators_read_the_log(client, member, who, status):
    if who == "member":
        client.force_login(member)

    assert client.get(reverse(LOG)).status_code == status


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_the_log_is_read_only(moderator, history, method):
    before = ModerationEvent.objects.count()

    response = getattr(signed_in(moderator), method)(reverse(LOG))

    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert ModerationEvent.objects.count() == before


def test_the_log_pages_by_fifty_and_keeps_its_filters(moderator, post):
    for _ in range(60):
        services.comment_approve(
            comment=make_comment(post=post, status=S.PENDING), moderator=moderator
        )
    client = signed_in(moderator)

    first = client.get(reverse(LOG), {"action": "approved"}).content.decode()
    second = client.get(reverse(LOG), {"action": "approved", "page": 2})

    assert first.count("<tr>") == 1 + 50
    assert "action=approved&amp;page=2" in first
    assert second.content.decode().count("<tr>") == 1 + 10


def test_the_log_runs_the_same_queries_whatever_its_length(
    moderator, post, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = signed_in(moderator)
    counts = []
    for size in (1, 40):
        for _ in range(size):
            comment = make_comment(post=make_post(), author=make_user(), status=S.PENDING)
            services.comment_reject(comment=comment, moderator=make_moderator(), reason="No")
        client.get(reverse(LOG))  # the header's count cached alike for both
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse(LOG)).status_code == HTTPStatus.OK
        counts.append(len(captured))

    assert counts[0] == counts[1]
    assert counts[0] <= 10
