"""Whole-page cache for anonymous readers: served without a query, fresh after every change that
alters what the public sees, never serving or storing a signed-in member's page."""

import os
import signal
import time
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.authors import author_saved
from accounts.services import user_update_profile
from blog.models import Post
from blog.services import post_publish, post_saved, post_unpublish
from comments import services as comments
from comments.models import Comment
from tests.factories import (
    make_author,
    make_comment,
    make_moderator,
    make_post,
    make_staff,
    make_tag,
    make_user,
    signed_in,
)
from tests.servers import RedisServer, redis_caches

pytestmark = pytest.mark.django_db

S = Comment.Status


@pytest.fixture
def essay():
    return make_post(
        title="On Stewardship", authors=[make_author(name="Ines Baptista")], tags=[make_tag()]
    )


def cached_read(client, url, django_assert_num_queries):
    """Read `url` twice as a reader; the second answer comes from the page cache, no query."""
    first = client.get(url)
    with django_assert_num_queries(0):
        second = client.get(url)
    assert second.status_code == HTTPStatus.OK
    assert second.content == first.content
    return second.text


def test_a_reader_gets_the_cached_page_without_a_query_a_session_or_a_token(
    client, essay, django_assert_num_queries
):
    make_comment(post=essay, body="First!")

    html = cached_read(client, essay.get_absolute_url(), django_assert_num_queries)

    assert "First!" in html
    assert "csrfmiddlewaretoken" not in html
    assert not client.cookies


@pytest.mark.parametrize(
    "name", ["home", "post_detail", "author_detail", "tag_detail", "archive_index", "feed"]
)
def test_every_public_page_is_cached_for_readers(client, essay, django_assert_num_queries, name):
    args = {
        "post_detail": [essay.slug],
        "author_detail": [essay.byline_authors[0].slug],
        "tag_detail": [essay.tag_list[0].slug],
    }.get(name, [])
    cached_read(client, reverse(f"blog:{name}", args=args), django_assert_num_queries)


def test_cached_pages_tell_proxies_they_may_hold_them_briefly_and_answer_304(client, essay):
    url = essay.get_absolute_url()
    client.get(url)

    cached = client.get(url)
    again = client.get(url, headers={"if-none-match": cached["ETag"]})

    control = cached["Cache-Control"]
    assert "public" in control and "s-maxage=" in control and "stale-while-revalidate=" in control
    assert "Cookie" in cached["Vary"]
    assert again.status_code == HTTPStatus.NOT_MODIFIED
    assert again["ETag"] == cached["ETag"]


def test_a_member_never_gets_the_readers_copy_and_their_page_is_private(
    client, essay, django_assert_num_queries
):
    url = essay.get_absolute_url()
    cached_read(client, url, django_assert_num_queries)  # a reader's copy is in the cache
    client.force_login(make_user(display_name="Ada Member"))

    response = client.get(url)

    assert "Ada Member" in response.text and "Log out" in response.text
    assert "Log in to reply" not in response.text
    assert response["Cache-Control"].startswith("private")
    assert "Cookie" in response["Vary"]


def test_a_members_page_is_never_stored_for_readers(client, essay):
    member = make_user(display_name="Ada Member")
    make_comment(post=essay, author=member, status=S.PENDING, body="Still private")
    client.force_login(member)
    assert "Still private" in client.get(essay.get_absolute_url()).text
    client.logout()
    client.cookies.clear()

    html = client.get(essay.get_absolute_url()).text

    assert "Still private" not in html and "Ada Member" not in html


@pytest.mark.parametrize("ended", ["expired", "signed out elsewhere"])
def test_a_page_that_ends_a_readers_session_is_theirs_alone(client, essay, ended):
    # Django deletes the cookie of a session that is no more: a page carrying that Set-Cookie
    # must not be held by a shared cache (it would sign out whoever got it next).
    from django.contrib.sessions.models import Session

    client.force_login(make_user(display_name="Ada Member"))
    if ended == "expired":
        Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    else:
        Session.objects.all().delete()

    page = client.get(essay.get_absolute_url())
    next_reader = Client().get(essay.get_absolute_url())

    assert page.status_code == HTTPStatus.OK and "Ada Member" not in page.text
    assert page.cookies["sessionid"].value == ""
    assert page["Cache-Control"].startswith("private")
    assert not next_reader.cookies and next_reader["Cache-Control"].startswith("public")


def test_a_page_is_kept_once_however_its_host_is_written(client, essay, django_assert_num_queries):
    # A Host passes ALLOWED_HOSTS with any port and in any case: kept per spelling, every page
    # could be copied into the shared cache without end (the page is the same for all of them).
    url = essay.get_absolute_url()
    client.get(url)  # kept

    for host in ("TestServer", "testserver:8000", "TESTSERVER:65535"):
        with django_assert_num_queries(0):
            assert client.get(url, headers={"host": host}).status_code == HTTPStatus.OK


def test_search_and_previews_are_never_cached(client, essay, django_assert_num_queries):
    client.get(reverse("blog:search"), {"q": "stewardship"})
    with django_assert_num_queries(3):
        client.get(reverse("blog:search"), {"q": "stewardship"})


# — freshness: each change that alters what the public sees shows at once —————————————————————


def approve(essay):
    pending = make_comment(post=essay, status=S.PENDING, body="Worth the wait")
    return lambda: comments.comment_approve(comment=pending, moderator=make_moderator())


def remove(essay):
    public = make_comment(post=essay, body="Regrettable words")
    return lambda: comments.comment_remove(comment=public, moderator=make_moderator())


def edit_comment(essay):
    author = make_user()
    public = make_comment(post=essay, author=author, body="Teh first version")
    return lambda: comments.comment_edit(comment=public, editor=author, body="The second version")


def publish(essay):
    draft = make_post(
        title="A New Essay", slug="a-new-essay", status=Post.Status.DRAFT, tags=essay.tag_list
    )
    draft.published_at = None
    draft.save()
    return lambda: post_publish(post=draft)


def unpublish(essay):
    return lambda: post_unpublish(post=essay)


def saved_by_editor(row, service, **changes):
    """An editor's change to a row, saved, then announced by its service (as the admin does)."""

    def change():
        for name, value in changes.items():
            setattr(row, name, value)
        row.save()
        service(**{type(row).__name__.lower(): row})

    return change


def edit_essay(essay):
    return saved_by_editor(essay, post_saved, title="On Stewardship, Revised")


def edit_bio(essay):
    return saved_by_editor(essay.byline_authors[0], author_saved, name="Inês Baptista-Lopes")


def rename_member(essay):
    member = make_user(display_name="Old Name")
    make_comment(post=essay, author=member)
    return lambda: user_update_profile(user=member, display_name="Dr New Name")


@pytest.mark.parametrize(
    ("prepare", "page", "shown", "gone"),
    [
        (approve, "essay", "Worth the wait", None),
        (approve, "home", "1 comment", "No comments yet"),
        (remove, "essay", None, "Regrettable words"),
        # Edited, a member's comment goes back to moderation: its old text leaves the page.
        (edit_comment, "essay", None, "Teh first version"),
        (publish, "home", "A New Essay", None),
        (publish, "tag", "A New Essay", None),
        (publish, "feed", "A New Essay", None),
        (publish, "sitemap", "a-new-essay", None),
        (unpublish, "home", None, "On Stewardship"),
        (edit_essay, "essay", "On Stewardship, Revised", None),
        (edit_essay, "home", "On Stewardship, Revised", None),
        (edit_bio, "author", "Inês Baptista-Lopes", None),
        (edit_bio, "essay", "Inês Baptista-Lopes", None),
        (rename_member, "essay", "Dr New Name", "Old Name"),
    ],
)
def test_readers_see_every_change_at_once(
    client, essay, django_assert_num_queries, django_capture_on_commit_callbacks,
    prepare, page, shown, gone,
):  # fmt: skip
    change = prepare(essay)
    url = {
        "essay": essay.get_absolute_url(),
        "home": reverse("blog:home"),
        "tag": essay.tag_list[0].get_absolute_url(),
        "feed": reverse("blog:feed"),
        "sitemap": reverse("blog:sitemap"),
        "author": reverse("blog:author_detail", args=[essay.byline_authors[0].slug]),
    }[page]
    before = cached_read(client, url, django_assert_num_queries)
    assert shown is None or shown not in before

    with django_capture_on_commit_callbacks(execute=True):
        change()
    html = client.get(url).text

    assert shown is None or shown in html
    assert gone is None or gone not in html


def previous_essay(essay):
    earlier = make_post(
        title="An Earlier Essay", status=Post.Status.DRAFT, tags=essay.tag_list,
        published_at=essay.published_at - timedelta(days=1),
    )  # fmt: skip
    return lambda: post_publish(post=earlier)


@pytest.mark.parametrize(
    ("prepare", "shown", "gone"),
    [
        (approve, "Worth the wait", None),
        (remove, None, "Regrettable words"),
        (edit_comment, None, "Teh first version"),
        (publish, "A New Essay", None),  # the next essay, and a related one
        (previous_essay, "An Earlier Essay", None),
        (edit_essay, "On Stewardship, Revised", None),
        (edit_bio, "Inês Baptista-Lopes", None),
        (rename_member, "Dr New Name", "Old Name"),
    ],
)
def test_members_see_every_change_to_the_essay_page_at_once(
    essay, django_capture_on_commit_callbacks, prepare, shown, gone
):
    # A member's page is the skeleton kept for its address (config.page_parts), under the same
    # versions as the readers' copy.
    member = signed_in(make_user())
    change = prepare(essay)
    before = member.get(essay.get_absolute_url()).text
    assert shown is None or shown not in before

    with django_capture_on_commit_callbacks(execute=True):
        change()
    html = member.get(essay.get_absolute_url()).text

    assert shown is None or shown in html
    assert gone is None or gone not in html


def test_the_comment_form_goes_when_comments_close_by_date(client, essay):
    Post.objects.filter(pk=essay.pk).update(
        comment_mode=Post.CommentMode.AUTO_CLOSE,
        comments_close_after_days=1,
        published_at=timezone.now() - timedelta(days=1) + timedelta(seconds=1.5),
    )
    member = signed_in(make_user())
    for viewer in (client, member):
        assert 'id="comment-form"' in viewer.get(essay.get_absolute_url()).text

    time.sleep(2)

    for viewer in (client, member):
        html = viewer.get(essay.get_absolute_url()).text
        assert 'id="comment-form"' not in html and "Comments are closed" in html


def test_an_unpublished_essay_is_gone_at_once(
    client, essay, django_assert_num_queries, django_capture_on_commit_callbacks
):
    cached_read(client, essay.get_absolute_url(), django_assert_num_queries)

    with django_capture_on_commit_callbacks(execute=True):
        post_unpublish(post=essay)

    assert client.get(essay.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND


def test_editors_changes_in_the_admin_show_at_once(
    client, essay, django_capture_on_commit_callbacks
):
    editor = make_staff(group="Editors")
    tag = essay.tag_list[0]
    draft = make_post(title="Published From The Admin", status=Post.Status.DRAFT, tags=[tag])
    assert "Published From The Admin" not in client.get(reverse("blog:home")).text
    assert "Renamed Tag" not in client.get(essay.get_absolute_url()).text
    admin = type(client)()
    admin.force_login(editor)

    with django_capture_on_commit_callbacks(execute=True):
        admin.post(
            reverse("admin:blog_post_changelist"),
            {"action": "publish_selected", "_selected_action": [draft.pk]},
        )
        admin.post(
            reverse("admin:blog_tag_change", args=[tag.pk]),
            {"name": "Renamed Tag", "slug": tag.slug},
        )

    assert "Published From The Admin" in client.get(reverse("blog:home")).text
    assert "Renamed Tag" in client.get(essay.get_absolute_url()).text


def test_a_scheduled_essay_appears_when_its_time_comes(client, essay):
    make_post(title="Due Any Second", published_at=timezone.now() + timedelta(seconds=2))
    assert "Due Any Second" not in client.get(reverse("blog:home")).text

    time.sleep(2.5)

    assert "Due Any Second" in client.get(reverse("blog:home")).text


def test_a_restored_revision_shows_at_once(client, essay, django_capture_on_commit_callbacks):
    from blog.revisions import post_restore

    first = essay.history.earliest()
    with django_capture_on_commit_callbacks(execute=True):
        saved_by_editor(essay, post_saved, title="A Title Regretted")()
    assert "A Title Regretted" in client.get(reverse("blog:home")).text

    with django_capture_on_commit_callbacks(execute=True):
        post_restore(post=essay, revision=first, user=make_staff(group="Editors"))

    html = client.get(reverse("blog:home")).text
    assert "On Stewardship" in html and "A Title Regretted" not in html


def test_a_page_whose_body_left_the_shared_cache_is_rendered_again_not_served_empty(
    client, essay, django_assert_num_queries
):
    import hashlib

    from django.core.cache import cache

    from config import page_cache

    url = essay.get_absolute_url()
    html = cached_read(client, url, django_assert_num_queries)
    digest = hashlib.sha256(html.encode()).hexdigest()
    # As another web process sees it after the shared cache dropped the body (memory pressure):
    # nothing in its own memory, the page's entry still there.
    page_cache._local_bodies.clear()
    cache.delete(f"pages:body:{digest}")

    again = client.get(url)

    assert again.status_code == HTTPStatus.OK
    assert "On Stewardship" in again.text  # rendered anew (its form has a new token)
    assert again.text != html
    assert cached_read(client, url, django_assert_num_queries) == again.text  # and kept again


def stored_under(url) -> bool:
    """Whether the shared cache holds a reader's page for exactly this address."""
    from django.core.cache import cache
    from django.test import RequestFactory

    from config.page_cache import address_key

    return cache.get(address_key(RequestFactory().get(url))) is not None


@pytest.mark.parametrize(
    "query",
    ["utm_source=newsletter", "comments=1", "order=oldest", "comments=2&x=1", "x=" + "9" * 50],
)
def test_a_page_asked_for_under_a_made_up_address_is_answered_but_never_stored(
    client, essay, query
):
    for number in range(60):  # two pages of threads
        make_comment(post=essay, body=f"Thought {number}.")
    url = f"{essay.get_absolute_url()}?{query}"

    first, second = client.get(url), client.get(url)

    assert first.status_code == second.status_code == HTTPStatus.OK
    assert "On Stewardship" in second.text
    assert not stored_under(url)


def test_each_real_page_of_an_essay_or_a_list_is_stored_under_its_own_address(client, essay):
    for number in range(60):
        make_comment(post=essay, body=f"Thought {number}.")
    for number in range(11):
        make_post(title=f"Essay {number}")
    kept = [
        essay.get_absolute_url(),
        f"{essay.get_absolute_url()}?comments=2",
        f"{essay.get_absolute_url()}?order=newest",
        f"{essay.get_absolute_url()}?comments=2&order=newest",
        reverse("blog:home") + "?page=2",
    ]
    made_up = [reverse("blog:home") + "?page=999", reverse("blog:home") + "?page=1"]

    for url in kept + made_up:
        assert client.get(url).status_code == HTTPStatus.OK

    assert [stored_under(url) for url in kept] == [True] * len(kept)
    assert [stored_under(url) for url in made_up] == [False] * len(made_up)


@pytest.fixture
def paused_redis(settings):
    """The shared cache on a real Redis, and a way to pause it (it keeps what it holds) and let
    it go on, as a Redis that stops answering for a while does."""
    redis = RedisServer()
    settings.CACHES = redis_caches(redis.url)

    class Pause:
        def __enter__(self):
            os.kill(redis.process.pid, signal.SIGSTOP)

        def __exit__(self, *exc):
            os.kill(redis.process.pid, signal.SIGCONT)
            time.sleep(2.1)  # past config.redis_connection's moment of not asking

    yield Pause()
    redis.stop()


def test_a_change_made_while_redis_did_not_answer_shows_once_it_answers_again(
    client, essay, paused_redis, django_capture_on_commit_callbacks
):
    url = essay.get_absolute_url()
    held = make_comment(post=essay, body="Held while Redis slept.", status=S.PENDING)
    assert "Held while Redis slept." not in client.get(url).text  # kept for readers

    with paused_redis, django_capture_on_commit_callbacks(execute=True):
        comments.comment_approve(comment=held, moderator=make_moderator())

    assert "Held while Redis slept." in client.get(url).text


def test_a_rename_made_while_redis_did_not_answer_shows_in_members_threads_once_it_answers(
    client, essay, paused_redis, django_capture_on_commit_callbacks
):
    writer = make_user(display_name="Before Rename")
    make_comment(post=essay, author=writer, body="Signed with my old name.")
    client.force_login(make_user())
    url = essay.get_absolute_url()
    assert "Before Rename" in client.get(url).text  # the public thread is kept

    with paused_redis, django_capture_on_commit_callbacks(execute=True):
        user_update_profile(user=writer, display_name="After Rename")

    page = client.get(url).text
    assert "After Rename" in page and "Before Rename" not in page


def test_pages_kept_by_one_release_are_not_served_by_the_next(
    client, essay, settings, tmp_path, django_assert_num_queries
):
    """A deploy that changes only CSS: the new release's pages name the new hashed files, and a
    page kept by the old release (naming files the new image lacks) is not served by it."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from config.page_cache import release_fingerprint

    url = essay.get_absolute_url()
    settings.STATIC_ROOT = tmp_path
    manifest = tmp_path / "staticfiles.json"
    manifest.write_text('{"paths": {"css/site.css": "css/site.1.css"}}')
    release_fingerprint.cache_clear()
    try:
        cached_read(client, url, django_assert_num_queries)  # kept by the old release

        manifest.write_text('{"paths": {"css/site.css": "css/site.2.css"}}')
        release_fingerprint.cache_clear()  # a process of the new release
        with CaptureQueriesContext(connection) as rendered:
            client.get(url)

        assert len(rendered) > 0  # not the old release's page: rendered by this one
        cached_read(client, url, django_assert_num_queries)  # and kept for it
    finally:
        release_fingerprint.cache_clear()
