import re
from datetime import datetime, timedelta
from http import HTTPStatus

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from blog.models import Post
from blog.services import post_publish
from tests.factories import make_author, make_post, make_tag, make_user

pytestmark = pytest.mark.django_db


def at(year, month, day):
    return timezone.make_aware(datetime(year, month, day, 12, 0))


def test_home_lists_latest_essays_with_dek_authors_date_reading_time_and_comments(client):
    amara = make_author(name="Amara Okafor", credentials="CCE")
    tom = make_author(name="Tom Lind")
    post = make_post(
        title="Alarm fatigue",
        dek="Too many beeps.",
        body="word " * 460,
        authors=[amara, tom],
        published_at=at(2026, 3, 4),
        comment_count=3,
    )

    body = client.get(reverse("blog:home")).content.decode()

    assert f'<a href="{post.get_absolute_url()}">Alarm fatigue</a>' in body
    assert "Too many beeps." in body
    assert 'By <a href="/authors/' in body and "Amara Okafor, CCE</a> and <a" in body
    assert "4 March 2026" in body and "2 min read" in body and "3 comments" in body


def test_home_pages_ten_essays_at_a_time_and_tolerates_odd_page_numbers(client):
    for day in range(1, 13):
        make_post(title=f"Essay of day {day}", published_at=at(2026, 1, day))

    first = client.get(reverse("blog:home")).content.decode()
    second = client.get(reverse("blog:home"), {"page": 2}).content.decode()
    odd = client.get(reverse("blog:home"), {"page": "zzz"})

    assert "Essay of day 12" in first and "Essay of day 3<" in first
    assert "Essay of day 2<" not in first
    assert "Essay of day 2<" in second and "Page 2 of 2" in second
    assert odd.status_code == HTTPStatus.OK


def test_essay_page_shows_byline_dates_tags_body_and_a_bio_box_per_author(client):
    amara = make_author(
        name="Amara Okafor",
        credentials="CCE",
        job_title="Vice president of clinical technology",
        organisation="Riverside Health",
        bio="She chairs the *standards* committee.",
    )
    tom = make_author(name="Tom Lind", bio="Tom fixes ventilators.")
    tag = make_tag(name="Alarms")
    post = make_post(body="## A heading\n\nThe body.", authors=[amara, tom], tags=[tag])

    body = client.get(post.get_absolute_url()).content.decode()

    assert f'<a href="{amara.get_absolute_url()}">Amara Okafor, CCE</a> and' in body
    assert '<h2 id="section-a-heading">A heading</h2>' in body
    assert f'<a href="{tag.get_absolute_url()}" rel="tag">Alarms</a>' in body
    assert "About the authors" in body
    assert "Vice president of clinical technology, Riverside Health" in body
    assert "She chairs the <em>standards</em> committee." in body
    assert "Tom fixes ventilators." in body
    assert body.index("About the authors") < body.index('<section id="comments"')


def test_essay_page_has_canonical_link_and_sharing_meta(client):
    post = make_post(title="Pumps", dek="On infusion pumps.", tags=[make_tag(name="Devices")])

    body = client.get(post.get_absolute_url()).content.decode()

    assert f'<link rel="canonical" href="http://127.0.0.1:8000{post.get_absolute_url()}">' in body
    assert '<meta property="og:type" content="article">' in body
    assert '<meta property="og:title" content="Pumps">' in body
    assert '<meta property="og:description" content="On infusion pumps.">' in body
    assert '<meta property="article:tag" content="Devices">' in body
    assert '<meta name="twitter:card" content="summary">' in body


def test_essay_updated_well_after_publication_says_so(client):
    post = make_post(published_at=timezone.now() - timedelta(days=10))

    body = client.get(post.get_absolute_url()).content.decode()

    assert "Updated <time" in body


def test_author_page_shows_bio_and_only_their_published_essays(client):
    author = make_author(name="Priya Raman", bio="Priya runs a *department*.")
    make_post(title="Hers", authors=[author])
    make_post(title="Somebody else's")

    body = client.get(author.get_absolute_url()).content.decode()

    assert "Priya runs a <em>department</em>." in body
    assert "Hers" in body and "Somebody else" not in body
    assert reverse("blog:author_feed", args=[author.slug]) in body


def test_tag_page_lists_its_essays(client):
    tag = make_tag(name="Cybersecurity")
    make_post(title="Patch Tuesday", tags=[tag])
    make_post(title="Untagged")

    body = client.get(tag.get_absolute_url()).content.decode()

    assert "Patch Tuesday" in body and "Untagged" not in body and "1 essay ·" in body


def test_archive_lists_months_and_month_pages_list_their_essays(client):
    make_post(title="January one", published_at=at(2026, 1, 10))
    make_post(title="January two", published_at=at(2026, 1, 20))
    make_post(title="March one", published_at=at(2026, 3, 5))

    index = client.get(reverse("blog:archive_index")).content.decode()
    january = client.get(reverse("blog:archive_month", args=[2026, 1])).content.decode()
    year = client.get(reverse("blog:archive_year", args=[2026])).content.decode()

    assert 'January</a> <span class="meta">(2)</span>' in index
    assert 'March</a> <span class="meta">(1)</span>' in index
    assert "January one" in january and "January two" in january and "March one" not in january
    assert all(title in year for title in ("January one", "January two", "March one"))


@pytest.mark.parametrize(
    "url",
    [
        "/archive/2026/13/",
        "/archive/0/",
        "/archive/99999/",
        "/archive/2019/",
        "/authors/nobody/",
        "/tags/nothing/",
        "/essays/no-such-essay/",
    ],
)
def test_impossible_or_empty_addresses_are_not_found(client, url):
    make_post(published_at=at(2026, 1, 1))

    assert client.get(url).status_code == HTTPStatus.NOT_FOUND


def test_robots_txt_points_to_the_sitemap_and_keeps_crawlers_out_of_admin(client):
    response = client.get("/robots.txt")

    assert response["Content-Type"] == "text/plain; charset=utf-8"
    text = response.content.decode()
    assert "Disallow: /admin/" in text
    assert "Sitemap: http://127.0.0.1:8000/sitemap.xml" in text


def test_sitemap_lists_essays_authors_tags_and_pages(client):
    tag = make_tag()
    post = make_post(tags=[tag])
    author = post.byline_authors[0]

    xml = client.get("/sitemap.xml").content.decode()

    for url in (post.get_absolute_url(), author.get_absolute_url(), tag.get_absolute_url(), "/"):
        assert f"{url}</loc>" in xml


def test_header_navigation_marks_the_current_page(client):
    body = client.get(reverse("blog:archive_index")).content.decode()

    assert '<nav class="site-nav" aria-label="Main">' in body
    assert 'href="/archive/" aria-current="page">Archive</a>' in body
    assert 'href="/search/">Search</a>' in body


def _fill(n_posts):
    authors = [make_author() for _ in range(3)]
    tags = [make_tag() for _ in range(3)]
    for _ in range(n_posts):
        make_post(authors=authors, tags=tags)


@pytest.mark.parametrize("n_posts", [1, 12])
@pytest.mark.parametrize(
    ("name", "queries"),
    [
        # Public pages rendered into an empty page cache add one query: when the next scheduled
        # essay goes public (no cached page may outlive that moment). Readers start no session.
        ("home", 3 + 1),
        # The essay with its tags, its bylines; moderators and comments for the thread; the
        # previous/next essays (one query) and related essays (one).
        ("post_detail", 6 + 1),
        ("author_detail", 4 + 1),
        ("tag_detail", 4 + 1),
        ("archive_index", 1 + 1),
        ("archive_year", 3 + 1),
        ("search", 3),
        ("feed", 3 + 1),  # the essays, their bylines, and the Site for absolute links
        ("tag_feed_atom", 4 + 1),
        ("sitemap", 7 + 1),  # essays, authors, tags (items and paging), and the Site
    ],
)
def test_reader_pages_run_a_constant_number_of_queries(
    client, django_assert_max_num_queries, n_posts, name, queries
):
    _fill(n_posts)
    post = Post.objects.with_bylines().with_tags().first()
    args = {
        "post_detail": [post.slug],
        "author_detail": [post.byline_authors[0].slug],
        "tag_detail": [post.tag_list[0].slug],
        "tag_feed_atom": [post.tag_list[0].slug],
        "archive_year": [post.published_at.year],
    }.get(name, [])
    query = {"q": "essay"} if name == "search" else {}

    with django_assert_max_num_queries(queries):
        response = client.get(reverse(f"blog:{name}", args=args), query)

    assert response.status_code == HTTPStatus.OK


def test_uploaded_media_is_served_and_paths_cannot_escape_the_media_folder(client, settings):
    (settings.MEDIA_ROOT / "authors").mkdir(parents=True)
    (settings.MEDIA_ROOT / "authors" / "a.txt").write_text("hello")

    ok = client.get("/media/authors/a.txt")
    escape = client.get("/media/../../etc/passwd")

    assert ok.status_code == HTTPStatus.OK and b"".join(ok.streaming_content) == b"hello"
    assert escape.status_code in {HTTPStatus.BAD_REQUEST, HTTPStatus.NOT_FOUND}


def test_an_essay_links_to_the_previous_and_next_published_essays_and_related_ones(client):
    alarms, pumps, other = make_tag(name="Alarms"), make_tag(name="Pumps"), make_tag(name="Misc")
    now = timezone.now()
    older = make_post(title="Older", published_at=now - timedelta(days=3), tags=[other])
    essay = make_post(title="This one", published_at=now - timedelta(days=2), tags=[alarms, pumps])
    newer = make_post(title="Newer", published_at=now - timedelta(days=1), tags=[alarms])
    make_post(title="Scheduled", published_at=now + timedelta(days=1), tags=[alarms, pumps])
    make_post(title="Draft", status=Post.Status.DRAFT, tags=[alarms, pumps])
    both = make_post(title="Both tags", published_at=now - timedelta(days=9), tags=[alarms, pumps])

    response = client.get(essay.get_absolute_url())

    assert response.context["previous_post"] == older
    assert response.context["next_post"] == newer
    assert response.context["related_posts"] == [both, newer]
    body = response.content.decode()
    assert f'href="{older.get_absolute_url()}" rel="prev"' in body
    assert f'href="{newer.get_absolute_url()}" rel="next"' in body
    assert "Scheduled" not in body and "Draft" not in body


def test_the_newest_essay_has_no_next_link_and_an_untagged_one_no_related_list(client):
    make_post(title="Older", published_at=timezone.now() - timedelta(days=3))
    essay = make_post(title="Newest")

    response = client.get(essay.get_absolute_url())

    assert response.context["next_post"] is None
    assert 'rel="next"' not in response.content.decode()
    assert "Related essays" not in response.content.decode()


def test_an_essay_offers_plain_share_links_and_no_third_party_script(client, settings):
    settings.SITE_URL = "https://essays.example.org"
    essay = make_post(title="Pumps & alarms", slug="pumps")

    body = client.get(essay.get_absolute_url()).content.decode()

    shared = "https%3A//essays.example.org/essays/pumps/"
    assert f'href="https://www.linkedin.com/sharing/share-offsite/?url={shared}"' in body
    assert f"mailto:?subject=Pumps%20%26%20alarms&amp;body={shared}" in body
    assert all(
        src.startswith("/static/") for src in re.findall(r'<script[^>]* src="([^"]+)"', body)
    )


def test_previous_and_next_follow_a_publication_made_after_they_were_shown(
    client, django_capture_on_commit_callbacks
):
    older = make_post(title="Older", published_at=timezone.now() - timedelta(days=2))
    assert client.get(older.get_absolute_url()).context["next_post"] is None
    newer = make_post(title="Newer", status=Post.Status.DRAFT, published_at=None)

    with django_capture_on_commit_callbacks(execute=True):
        post_publish(post=newer)

    assert client.get(older.get_absolute_url()).context["next_post"] == newer


@pytest.mark.parametrize("viewer", ["reader", "member"])
def test_the_essay_page_hands_its_template_everything_so_rendering_runs_no_query(
    client, monkeypatch, viewer
):
    # DESIGN: templates run no queries. The view prepares the tags, bylines and thread; here any
    # query made while the template renders is counted against it.
    from blog import views

    post = make_post(tags=[make_tag(name="Alarms"), make_tag(name="Pumps")])
    if viewer == "member":
        client.force_login(make_user())
    rendering_queries = []

    def render_counting_queries(*args, **kwargs):
        def count(execute, sql, params, many, context):
            rendering_queries.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            return real_render(*args, **kwargs)

    real_render = views.render
    monkeypatch.setattr(views, "render", render_counting_queries)

    html = client.get(post.get_absolute_url()).content.decode()

    assert 'rel="tag">Alarms</a>' in html and 'content="Pumps"' in html
    assert rendering_queries == []
