from datetime import timedelta
from http import HTTPStatus

import feedparser
import pytest
from django.urls import reverse
from django.utils import timezone

from blog.search import highlight
from tests.factories import make_author, make_post, make_tag

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_site_feed_parses_cleanly_with_authors_tags_and_dates(client, kind):
    amara = make_author(name="Amara Okafor", credentials="CCE")
    tag, other = make_tag(name="Alarms"), make_tag(name="Pumps")
    post = make_post(
        title="Alarm fatigue", dek="Too many beeps.", authors=[amara], tags=[tag, other]
    )

    response = client.get(reverse("blog:feed" if kind == "rss" else "blog:feed_atom"))
    feed = feedparser.parse(response.content)

    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == ("rss20" if kind == "rss" else "atom10")
    entry = feed.entries[0]
    assert entry.title == "Alarm fatigue"
    assert entry.link.endswith(post.get_absolute_url())
    assert entry.summary == "Too many beeps."
    assert "Amara Okafor, CCE" in entry.author
    assert {t.term for t in entry.tags} == {"Alarms", "Pumps"}
    assert entry.published_parsed is not None


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_tag_feed_has_only_that_tag_and_keeps_every_category(client, kind):
    tag, other = make_tag(name="Alarms"), make_tag(name="Pumps")
    make_post(title="Tagged", tags=[tag, other])
    make_post(title="Elsewhere", tags=[other])

    name = "blog:tag_feed" if kind == "rss" else "blog:tag_feed_atom"
    feed = feedparser.parse(client.get(reverse(name, args=[tag.slug])).content)

    assert not feed.bozo
    assert "essays on Alarms" in feed.feed.title
    assert [entry.title for entry in feed.entries] == ["Tagged"]
    assert {t.term for t in feed.entries[0].tags} == {"Alarms", "Pumps"}


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_author_feed_has_only_their_essays(client, kind):
    author = make_author(name="Priya Raman")
    make_post(title="Hers", authors=[author, make_author()])
    make_post(title="Not hers")

    name = "blog:author_feed" if kind == "rss" else "blog:author_feed_atom"
    feed = feedparser.parse(client.get(reverse(name, args=[author.slug])).content)

    assert not feed.bozo
    assert [entry.title for entry in feed.entries] == ["Hers"]


def test_feed_goes_out_in_one_piece_and_a_repeat_poll_gets_not_modified(client):
    make_post(title="Alarm fatigue")

    first = client.get(reverse("blog:feed"))
    # One chunk: the WSGI server writes the whole feed at once, not piece by piece.
    assert len(list(first)) == 1
    repeat = client.get(reverse("blog:feed"), headers={"if-none-match": first["ETag"]})

    assert repeat.status_code == HTTPStatus.NOT_MODIFIED
    assert repeat.content == b""


def test_feed_of_an_unknown_tag_is_not_found(client):
    assert client.get(reverse("blog:tag_feed", args=["nope"])).status_code == HTTPStatus.NOT_FOUND


def test_search_ranks_title_matches_above_body_matches(client):
    make_post(title="Battery care", dek="", body="Charge them gently.")
    make_post(title="Ward rounds", dek="", body="Talk to nurses. Check each battery on the way.")

    response = client.get(reverse("blog:search"), {"q": "batteries"})

    titles = [post.title for post in response.context["page_obj"].object_list]
    assert titles == ["Battery care", "Ward rounds"]


def test_search_understands_web_search_syntax(client):
    make_post(title="Infusion pumps", body="Smart pumps and drug libraries.")
    make_post(title="Ventilators", body="Pumps are not the topic here, ventilation is.")
    make_post(title="Pump alarms", body="Alarm limits on the pump.")

    def titles(q):
        response = client.get(reverse("blog:search"), {"q": q})
        return sorted(post.title for post in response.context["page_obj"].object_list)

    assert titles("pumps -ventilation") == ["Infusion pumps", "Pump alarms"]
    assert titles('"drug libraries"') == ["Infusion pumps"]
    assert titles("ventilators or alarms") == ["Pump alarms", "Ventilators"]


def test_search_results_show_escaped_excerpts_with_marked_matches(client):
    make_post(title="Autoclaves", body="Keep the pressure < 20 & watch sterilisation cycles.")

    body = client.get(reverse("blog:search"), {"q": "sterilisation"}).content.decode()

    assert "<mark>sterilisation</mark>" in body
    assert "pressure &lt; 20 &amp; watch" in body


def test_highlight_escapes_everything_but_the_marks():
    html = str(highlight("a <script>x</script> \x02hit\x03 & more"))

    assert html == "a &lt;script&gt;x&lt;/script&gt; <mark>hit</mark> &amp; more"


@pytest.mark.parametrize(
    "q", ["", "   ", "the", "-", '"', "a" * 5000, "pump)&(|!:*", "nul\x00byte", "\x02pump\x03"]
)
def test_odd_search_input_never_fails(client, q):
    make_post(title="Pumps")

    response = client.get(reverse("blog:search"), {"q": q})

    assert response.status_code == HTTPStatus.OK


FEEDS = ["feed", "feed_atom", "tag_feed", "tag_feed_atom", "author_feed", "author_feed_atom"]


@pytest.mark.parametrize("name", FEEDS)
def test_every_feed_lists_the_twenty_newest_essays_newest_first(client, name):
    author, tag = make_author(), make_tag()
    now = timezone.now()
    # Created in an order unrelated to their dates (ids do not follow publication): 25 essays,
    # published 1..25 days ago.
    days = [7, 3, 25, 1, 18, 11, 22, 5, 14, 9, 2, 20, 16, 24, 4, 12, 8, 23, 6, 19, 13, 21, 10, 15]
    for day in [*days, 17]:
        make_post(
            title=f"{day} days ago",
            authors=[author],
            tags=[tag],
            published_at=now - timedelta(days=day),
        )
    args = [] if name.startswith("feed") else [tag.slug if "tag" in name else author.slug]

    feed = feedparser.parse(client.get(reverse(f"blog:{name}", args=args)).content)

    assert [entry.title for entry in feed.entries] == [f"{day} days ago" for day in range(1, 21)]
