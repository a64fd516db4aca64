from http import HTTPStatus

import pytest
from django.urls import reverse

from comments.models import Comment, ModerationEvent
from tests.factories import make_comment, make_post, make_user

pytestmark = pytest.mark.django_db

S = Comment.Status
QUEUE = "comments:queue"
MODERATE = "comments:moderate"


@pytest.fixture
def moderator_client(client, moderator):
    client.force_login(moderator)
    return client


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", HTTPStatus.FOUND),
        ("member", HTTPStatus.FORBIDDEN),
        ("moderator", HTTPStatus.OK),
    ],
)
@pytest.mark.parametrize(
    ("method", "url"), [("get", QUEUE), ("post", MODERATE), ("get", "comments:history")]
)
def test_moderation_pages_check_permission_on_every_request(
    client, member, moderator, post, who, status, method, url
):
    comment = make_comment(post=post, status=S.PENDING)
    if who != "anonymous":
        client.force_login(member if who == "member" else moderator)
    kwargs = {"pk": comment.pk} if url == "comments:history" else {}

    response = getattr(client, method)(
        reverse(url, kwargs=kwargs), {"action": "approve", "comments": comment.pk}
    )

    expected = HTTPStatus.FOUND if (who == "moderator" and method == "post") else status
    assert response.status_code == expected
    comment.refresh_from_db()
    assert (comment.status == S.APPROVED) is (who == "moderator" and method == "post")


def test_the_queue_lists_pending_comments_oldest_first_in_context(moderator_client, post):
    regular = make_user(display_name="Regular Reader")
    make_comment(author=regular, status=S.APPROVED)
    make_comment(author=regular, status=S.REJECTED)
    parent = make_comment(post=post, body="The comment replied to")
    older = make_comment(
        parent=parent,
        author=regular,
        status=S.PENDING,
        body="Older one",
        moderation_reason="Contains 3 links (more than 2).",
    )
    make_comment(post=post, status=S.PENDING, body="Newer one")

    html = moderator_client.get(reverse(QUEUE)).content.decode()

    assert html.index("Older one") < html.index("Newer one")
    assert "The comment replied to" in html
    assert "On Stewardship" in html
    assert "1 approved, 1 rejected" in html
    assert "Held because: Contains 3 links" in html
    assert f'id="queue-{older.pk}"' in html


def test_the_queue_counts_each_status_and_filters_by_essay_and_status(moderator_client, post):
    other = make_post(title="Another Essay")
    make_comment(post=post, status=S.PENDING, body="Here")
    make_comment(post=other, status=S.PENDING, body="There")
    make_comment(post=other, status=S.SPAM, body="Junk")

    everything = moderator_client.get(reverse(QUEUE)).content.decode()
    assert 'Awaiting moderation <span class="count">2</span>' in everything
    assert 'Spam <span class="count">1</span>' in everything

    one_essay = moderator_client.get(reverse(QUEUE), {"post": post.pk}).content.decode()
    assert "Here" in one_essay and "There" not in one_essay

    spam = moderator_client.get(reverse(QUEUE), {"status": "spam"}).content.decode()
    assert "Junk" in spam and "Here" not in spam


def test_bulk_actions_decide_every_selected_comment_once(moderator_client, moderator, post):
    comments = [make_comment(post=post, status=S.PENDING) for _ in range(3)]
    form = {"action": "approve", "comments": [c.pk for c in comments], "reason": "Good"}

    first = moderator_client.post(reverse(MODERATE), form, follow=True)
    moderator_client.post(reverse(MODERATE), form)

    assert "Approved 3 comments." in first.content.decode()
    assert Comment.objects.filter(status=S.APPROVED).count() == 3
    assert ModerationEvent.objects.filter(action="approved", actor=moderator).count() == 3
    post.refresh_from_db()
    assert post.comment_count == 3


def test_approve_and_reply_publishes_both(moderator_client, moderator, post):
    comment = make_comment(post=post, status=S.PENDING)

    moderator_client.post(
        reverse(MODERATE),
        {"action": "approve_reply", "comments": [comment.pk], "reply": "Welcome aboard."},
    )

    comment.refresh_from_db()
    reply = Comment.objects.get(parent=comment)
    assert comment.status == reply.status == S.APPROVED
    assert reply.author == moderator
    assert reply.body == "Welcome aboard."


@pytest.mark.parametrize(
    "form",
    [
        {"action": "approve"},
        {"action": "delete_everything", "comments": ["1"]},
        {"action": "approve_reply", "comments": ["1"], "reply": "  "},
    ],
)
def test_a_malformed_moderation_request_changes_nothing(moderator_client, post, form):
    comment = make_comment(post=post, status=S.PENDING)
    form = {k: ([comment.pk] if k == "comments" else v) for k, v in form.items()}

    response = moderator_client.post(reverse(MODERATE), form, follow=True)

    assert response.status_code == HTTPStatus.OK
    assert "message--error" in response.content.decode()
    comment.refresh_from_db()
    assert comment.status == S.PENDING


def test_moderation_redirects_stay_on_the_site(moderator_client, post):
    comment = make_comment(post=post, status=S.PENDING)

    response = moderator_client.post(
        reverse(MODERATE),
        {"action": "approve", "comments": [comment.pk], "next": "https://evil.example/"},
    )

    assert response["Location"] == reverse(QUEUE)


def test_the_history_shows_every_decision_with_who_and_why(moderator_client, moderator, post):
    comment = make_comment(post=post, status=S.PENDING)
    moderator_client.post(
        reverse(MODERATE), {"action": "spam", "comments": [comment.pk], "reason": "Link farm"}
    )

    html = moderator_client.get(reverse("comments:history", kwargs={"pk": comment.pk}))

    text = html.content.decode()
    assert "Marked as spam" in text
    assert "Mo Derator" in text
    assert "Link farm" in text


def test_the_queue_page_runs_a_constant_number_of_queries(
    moderator_client, post, django_assert_max_num_queries
):
    for _ in range(30):
        make_comment(parent=make_comment(post=post), status=S.PENDING)

    # 12, the canned reasons for the bulk form's menu, and the header's count on a cold cache.
    with django_assert_max_num_queries(14):
        moderator_client.get(reverse(QUEUE))


@pytest.mark.parametrize(
    "query",
    [
        {"post": "\u00b2"},
        {"post": "\u0663"},
        {"post": "-1"},
        {"post": "99999999999999999999999"},
        {"post": "1 OR 1=1"},
        {"status": "nonsense"},
        {"status": "\u00b2", "post": "abc"},
        {"page": "\u00b2"},
    ],
)
def test_junk_in_the_queue_filters_is_ignored(moderator_client, post, query):
    make_comment(post=post, status=S.PENDING, body="Still listed")

    response = moderator_client.get(reverse(QUEUE), query)

    assert response.status_code == HTTPStatus.OK
    assert response.context["chosen_post"] is None
    assert response.context["status"] == S.PENDING
    assert "Still listed" in response.content.decode()
