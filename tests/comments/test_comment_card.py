"""The comment card is one template: the thread, a reply posted with JavaScript, the reply page
and the moderation queue all show a comment the same way, escaped."""

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment
from comments.render import DateFormat
from tests.factories import make_comment, make_user

pytestmark = pytest.mark.django_db

NASTY = "<b>\"Bold\" & 'Brash'</b>"
ESCAPED = "&lt;b&gt;&#34;Bold&#34; &amp; &#39;Brash&#39;&lt;/b&gt;"  # MarkupSafe's spelling
WRITTEN_AT = datetime(2026, 3, 3, 14, 5, tzinfo=UTC)


def _card(html: str, pk: int) -> str:
    """The <article> of comment `pk` in a page."""
    # The queue's items are "queue-<pk>": the page's own anchors are not the thread's.
    start = max(html.find(f'id="comment-{pk}"'), html.find(f'id="queue-{pk}"'))
    article = html.index('<article class="comment__card">', start)
    return html[article : html.index("</article>", article) + len("</article>")]


def _author_part(card: str) -> str:
    return card[: card.index("<time")]


@pytest.fixture
def nasty_comment(post):
    author = make_user(
        display_name=NASTY,
        provider_picture_url="https://img.example/a.png",
        picture_small="avatars/nasty-96.jpg",
    )
    comment = make_comment(post=post, author=author, body="Plain <words> & more")
    Comment.objects.filter(pk=comment.pk).update(created_at=WRITTEN_AT)
    comment.refresh_from_db()
    return comment


def test_every_place_shows_the_same_escaped_avatar_name_and_date(
    client, member, moderator, nasty_comment, post
):
    member_client = Client()
    member_client.force_login(member)
    essay = client.get(post.get_absolute_url()).content.decode()
    reply_page = client.get(reverse("comments:reply", args=[nasty_comment.pk])).content.decode()
    client.force_login(moderator)
    queue = client.get(reverse("comments:queue") + "?status=approved").content.decode()
    posted = member_client.post(
        reverse("comments:create", args=[post.pk]),
        {
            "body": "A reply",
            "parent": nasty_comment.pk,
            "token": "6f1d1c70-8d0b-4c3a-9a55-1d2b7c2e4f00",
        },
        HTTP_ACCEPT="application/json",
    ).json()

    cards = [_card(page, nasty_comment.pk) for page in (essay, reply_page, queue)]
    assert len({_author_part(card) for card in cards}) == 1
    for card in cards:
        assert f'<span class="comment__author">{ESCAPED}</span>' in card
        assert 'src="/media/avatars/nasty-96.jpg"' in card
        assert "img.example" not in card  # never the provider's copy
        assert '<time datetime="2026-03-03T14:05Z">3 March 2026 at 14:05</time>' in card
        assert "Plain &lt;words&gt; &amp; more" in card
        assert "<b>" not in card and "<y>" not in card
    assert f'in reply to <a href="#comment-{nasty_comment.pk}">{ESCAPED}</a>' in posted["html"]


def test_a_member_without_a_picture_gets_the_same_initials_everywhere(client, moderator, post):
    comment = make_comment(post=post, author=make_user(display_name="grace hopper"))

    essay = client.get(post.get_absolute_url()).content.decode()
    client.force_login(moderator)
    queue = client.get(reverse("comments:queue") + "?status=approved").content.decode()

    avatars = {
        re.search(r'<span class="avatar avatar--tone[^>]*>GH</span>', _card(page, comment.pk))[0]
        for page in (essay, queue)
    }
    assert len(avatars) == 1


def test_a_comment_just_posted_comes_with_the_reply_and_edit_links_it_has_in_the_thread(
    member, post
):
    member_client = Client()
    member_client.force_login(member)

    posted = member_client.post(
        reverse("comments:create", args=[post.pk]),
        {"body": "Fresh words", "token": "0b0e7d16-2f7a-4a52-9c1c-6a3f1e1d9a11"},
        HTTP_ACCEPT="application/json",
    ).json()
    essay = member_client.get(post.get_absolute_url()).content.decode()

    in_thread = _card(essay, posted["id"])
    assert 'class="comment__reply"' in posted["html"]
    assert "Edit or delete</a>" in posted["html"]
    for link in re.findall(r'<a (?:class="comment__reply" )?href="[^"]+"', in_thread):
        if "#comment-" not in link:
            assert link in posted["html"]


@pytest.mark.parametrize("zone", ["Europe/London", "Asia/Kolkata", "America/St_Johns", "UTC"])
def test_comment_dates_read_as_the_local_clock_across_a_daylight_saving_change(zone):
    start = datetime(2026, 3, 28, 22, 0, 30, tzinfo=UTC)  # London moves its clocks on the 29th
    with timezone.override(ZoneInfo(zone)):
        dates = DateFormat()
        for step in range(0, 60 * 30, 7):  # thirty hours, every seven minutes
            moment = start + timedelta(minutes=step)
            local = moment.astimezone(ZoneInfo(zone))
            attribute, text = dates.when(moment)
            assert text == f"{local.day} {local:%B %Y} at {local:%H:%M}"
            assert attribute == f"{moment:%Y-%m-%dT%H:%M}Z"
