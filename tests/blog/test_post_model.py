from datetime import timedelta

import pytest
from django.utils import timezone

from blog.models import Post, Tag
from tests.factories import make_author, make_post

pytestmark = pytest.mark.django_db


def test_saving_an_essay_stores_sanitised_html_plain_text_and_word_count():
    post = make_post(body="## Safety first\n\nA *clean* pump. <script>alert(1)</script>")

    assert post.body_html.startswith('<h2 id="section-safety-first">Safety first</h2>')
    assert "<script" not in post.body_html
    assert post.body_text == "Safety first A clean pump."
    assert post.word_count == 5


@pytest.mark.parametrize(("words", "minutes"), [(0, 1), (230, 1), (231, 2), (1150, 5)])
def test_reading_time_rounds_up_to_whole_minutes(words, minutes):
    assert Post(word_count=words).reading_minutes == minutes


def test_slug_is_made_from_the_title_and_suffixed_when_taken():
    first = make_post(title="Alarm Fatigue, Revisited", slug="")
    second = make_post(title="Alarm fatigue revisited", slug="")

    assert first.slug == "alarm-fatigue-revisited"
    assert second.slug == "alarm-fatigue-revisited-2"


def test_tag_and_author_slugs_are_made_from_their_names():
    assert Tag.objects.create(name="Medical devices").slug == "medical-devices"
    assert make_author(name="Amara Okafor", slug="").slug == "amara-okafor"


def test_search_vector_follows_each_save():
    post = make_post(title="Ventilators", body="Nothing about pumps.")
    assert Post.objects.filter(search_vector="pump").count() == 1

    post.body = "Now about batteries."
    post.save()

    assert Post.objects.filter(search_vector="pump").count() == 0
    assert Post.objects.filter(search_vector="battery").get() == post


def test_publishing_without_a_date_publishes_now():
    post = make_post(status=Post.Status.PUBLISHED, published_at=None)

    assert post.published_at is not None
    assert post.is_published()


def test_author_bio_markdown_is_rendered_and_sanitised():
    author = make_author(bio="Writes about *alarms*. <img src=x onerror=alert(1)>")

    assert author.bio_html == '<p>Writes about <em>alarms</em>. <img src="x"></p>'


@pytest.mark.parametrize(
    ("status", "offset", "label"),
    [
        (Post.Status.DRAFT, None, "Draft"),
        (Post.Status.DRAFT, timedelta(days=-1), "Draft"),
        (Post.Status.PUBLISHED, timedelta(days=1), "Scheduled"),
        (Post.Status.PUBLISHED, timedelta(days=-1), "Published"),
    ],
)
def test_state_label_tells_draft_scheduled_and_published_apart(status, offset, label):
    now = timezone.now()
    post = Post(status=status, published_at=now + offset if offset else None)

    assert post.state_label(now=now) == label
