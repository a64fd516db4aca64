import gzip
import io
import zipfile
from datetime import UTC, datetime
from http import HTTPStatus

import pytest
from django.core.management import call_command

from accounts.models import Author
from blog.models import Post, Redirect, Tag
from comments.models import Comment, ModerationEvent, guest_email_digest
from tests.factories import make_author, make_post, make_user
from tests.wordpress.wxr_files import author, comment, export, item

pytestmark = pytest.mark.django_db


def test_a_post_becomes_an_essay_with_its_author_dates_tags_and_summary(run_import):
    document = export(
        author("ada", name="Ada Lovelace", email="ada@example.org"),
        item(
            12,
            title="On moving house",
            slug="on-moving-house",
            excerpt="<p>Boxes, <em>everywhere</em>.</p>",
            categories=[("news", "News")],
            tags=[("moving", "Moving")],
            comment_status="closed",
        ),
    )
    out = run_import(document)

    post = Post.objects.get(slug="on-moving-house")
    assert post.title == "On moving house"
    assert post.is_published()
    assert post.published_at == datetime(2019, 5, 12, 13, 3, tzinfo=UTC)
    assert post.dek == "Boxes, everywhere."
    assert post.comment_mode == Post.CommentMode.CLOSED
    assert post.source_format == Post.SourceFormat.HTML
    assert {t.name for t in post.tags.all()} == {"News", "Moving"}
    (byline,) = post.byline_authors
    assert (byline.name, byline.slug) == ("Ada Lovelace", "ada")
    assert "ada@example.org" not in str(vars(byline))
    assert "Essays: 1 published (1 created)" in out
    assert "of which categories: News" in out


@pytest.mark.parametrize(
    ("wp_status", "date_gmt", "expected"),
    [
        ("publish", "2019-05-12 13:03:00", "Published"),
        ("future", "2099-01-01 09:00:00", "Scheduled"),
        ("draft", "0000-00-00 00:00:00", "Draft"),
        ("pending", "0000-00-00 00:00:00", "Draft"),
        ("private", "2019-05-12 13:03:00", "Draft"),
    ],
)
def test_wordpress_statuses_map_to_essay_states(run_import, wp_status, date_gmt, expected):
    run_import(export(author(), item(5, status=wp_status, date_gmt=date_gmt)))
    assert Post.objects.get().state_label() == expected


def test_a_draft_without_gmt_date_is_dated_in_the_sites_time_zone(run_import):
    # The published post tells the zone (one hour ahead of GMT); the draft has only local time.
    run_import(
        export(
            author(),
            item(1, date="2019-05-12 14:03:00", date_gmt="2019-05-12 13:03:00"),
            item(2, status="draft", date="2019-06-01 10:00:00", date_gmt="0000-00-00 00:00:00"),
        )
    )
    draft = Post.objects.get(slug="post-2")
    assert draft.published_at == datetime(2019, 6, 1, 9, 0, tzinfo=UTC)


def test_body_keeps_its_html_reads_the_same_and_loses_what_is_not_allowed(run_import):
    body = (
        "<!-- wp:heading --><h2>Why</h2><!-- /wp:heading -->\n"
        '<!-- wp:paragraph --><p>Read <a href="https://example.org">this</a> '
        "&amp; that — ünïcödé, 日本語.</p><!-- /wp:paragraph -->\n"
        "<!--more-->\n"
        '[caption id="attachment_7" width="300"]<img src="https://old.example.org/wp-content/'
        'uploads/2019/05/cat.jpg" alt="A sleeping cat" /> The cat, asleep[/caption]\n'
        "<blockquote><p>Quoted words</p><cite>Someone wise</cite></blockquote>\n"
        "<table><tr><td>cell</td></tr></table><pre><code>print(1)</code></pre>\n"
        '<p>[gallery ids="1,2"][su_box title="x"]Boxed[/su_box] [sic]</p>\n'
        '<script>alert(1)</script><p onclick="evil()">Click</p>\n'
        '<iframe src="https://www.youtube.com/embed/abc"></iframe>'
    )
    run_import(export(author(), item(1, body=body)))
    post = Post.objects.get()
    html = post.body_html

    assert "<!--" not in post.body and "[caption" not in post.body  # source cleaned too
    assert "<h2>Why</h2>" in html
    assert "ünïcödé, 日本語" in html
    image = "https://old.example.org/wp-content/uploads/2019/05/cat.jpg"
    caption = "<figcaption>The cat, asleep</figcaption>"
    assert f'<figure><img src="{image}" alt="A sleeping cat">{caption}</figure>' in html
    assert "<blockquote><p>Quoted words</p><cite>Someone wise</cite></blockquote>" in html
    assert "<td>cell</td>" in html and "<code>print(1)</code>" in html
    assert "gallery" not in html and "su_box" not in html and "Boxed" in html and "[sic]" in html
    assert "script" not in html and "onclick" not in html and "alert" not in html
    assert '<a href="https://www.youtube.com/embed/abc"' in html


def test_a_classic_editor_body_gets_its_paragraphs(run_import):
    body = "First line\nsame paragraph\n\nSecond paragraph\n\nhttps://vimeo.com/123"
    run_import(export(author(), item(1, body=body)))
    html = Post.objects.get().body_html
    assert "<p>First line<br>\nsame paragraph</p>" in html
    assert "<p>Second paragraph</p>" in html
    assert '<a href="https://vimeo.com/123"' in html


def test_comments_keep_threads_dates_statuses_and_an_audit_event(run_import, mailoutbox):
    document = export(
        author(),
        item(
            12,
            comments=[
                comment(100, text="<p>Top</p>", date_gmt="2019-05-13 09:00:00"),
                comment(101, parent=100, text="Reply <a href='https://ex.org/a'>link</a>"),
                comment(102, approved="0", text="Held"),
                comment(103, approved="spam", text="Buy pills"),
                comment(104, approved="trash", text="Binned"),
                comment(105, kind="pingback", text="Pinged"),
                comment(106, parent=999, text="Lost parent"),
            ],
        ),
    )
    out = run_import(document)

    by_original = {c.original_id: c for c in Comment.objects.all()}
    assert set(by_original) == {100, 101, 102, 103, 104, 106}
    assert by_original[101].parent == by_original[100]
    assert by_original[100].created_at == datetime(2019, 5, 13, 9, 0, tzinfo=UTC)
    assert by_original[101].body == "Reply link (https://ex.org/a)"
    statuses = {o: c.status for o, c in by_original.items()}
    assert statuses == {
        100: "approved", 101: "approved", 102: "pending", 103: "spam", 104: "removed",
        106: "approved",
    }  # fmt: skip
    assert by_original[106].parent is None
    assert Comment.objects.in_moderation().get() == by_original[102]
    event = ModerationEvent.objects.get(comment=by_original[103])
    assert event.action == ModerationEvent.Action.IMPORTED and "spam" in event.reason
    assert Post.objects.get().comment_count == 3  # the public count: approved only
    assert "1 pingbacks and trackbacks" in out
    assert "1 comments whose parent is missing became top-level" in out
    assert mailoutbox == []


def test_guests_keep_a_name_and_their_email_only_as_a_hash(run_import, client):
    run_import(
        export(
            author(),
            item(1, comments=[comment(1, name="Grace <b>H</b>", email="Grace@Example.org")]),
        )
    )
    imported = Comment.objects.get()
    assert imported.author is None
    assert imported.guest_name == "Grace <b>H</b>"
    assert imported.guest_email_hash == guest_email_digest("grace@example.org")
    page = client.get(Post.objects.get().get_absolute_url()).content.decode()
    assert "Grace &lt;b&gt;H&lt;/b&gt;" in page
    assert "Grace@Example.org" not in page and "192.0.2.7" not in page
    assert "guest.example.org" not in page


def test_a_commenter_who_is_a_mapped_author_becomes_that_member(run_import):
    member = make_user(username="ada-member")
    make_author(name="Ada L.", slug="ada-l", user=member)
    run_import(
        export(author("ada", wp_id=7), item(1, comments=[comment(1, user_id=7)])),
        "--author-map",
        "ada=ada-l",
    )
    assert Comment.objects.get().author == member
    assert Post.objects.get().byline_authors[0].slug == "ada-l"
    assert Author.objects.count() == 1


def test_comments_longer_than_the_new_comment_limit_are_kept_whole(run_import, settings):
    text = "word " * 3000
    run_import(export(author(), item(1, comments=[comment(1, text=text)])))
    assert Comment.objects.get().body == text.strip()


def test_replies_deeper_than_threads_go_are_kept_under_the_deepest_ancestor(
    run_import, settings, client
):
    settings.COMMENTS_MAX_DEPTH = 3
    chain = [comment(1)] + [comment(n, parent=n - 1, name=f"Person {n}") for n in range(2, 6)]
    out = run_import(export(author(), item(1, comments=chain)))

    by_original = {c.original_id: c for c in Comment.objects.all()}
    assert [by_original[n].depth for n in range(1, 6)] == [0, 1, 2, 2, 2]
    assert by_original[4].parent == by_original[2] and by_original[4].reply_to == by_original[3]
    assert by_original[5].reply_to == by_original[4]
    assert "2 replies nested deeper" in out
    page = client.get(Post.objects.get().get_absolute_url()).content.decode()
    assert f'in reply to <a href="#comment-{by_original[4].pk}">Person 4</a>' in page


def test_a_ten_thousand_level_chain_imports_without_losing_a_reply(run_import):
    chain = [comment(1)] + [comment(n, parent=n - 1) for n in range(2, 10_001)]
    run_import(export(author(), item(1, comments=chain)))
    assert Comment.objects.count() == 10_000
    assert Comment.objects.filter(reply_to__isnull=False).count() == 10_000 - 5


def test_pages_are_reported_not_imported_and_their_addresses_are_gone(run_import, client):
    out = run_import(
        export(
            author(), item(40, kind="page", title="About us", link="https://old.example.org/about/")
        )
    )
    assert not Post.objects.exists()
    assert "Pages not imported (their addresses answer 410 Gone): 1: About us" in out
    assert client.get("/about/").status_code == HTTPStatus.GONE
    assert client.get("/?page_id=40").status_code == HTTPStatus.GONE


def test_old_addresses_answer_with_a_permanent_redirect(run_import, client):
    run_import(
        export(
            author("ada"),
            item(
                12,
                slug="moving",
                categories=[("news", "News")],
                tags=[("boxes", "Boxes")],
                comments=[comment(345), comment(346, parent=345)],
            ),
        )
    )
    post = Post.objects.get()
    reply = Comment.objects.get(original_id=346)
    expected = {
        "/?p=12": post.get_absolute_url(),
        "/2019/05/moving/": post.get_absolute_url(),
        "/2019/05/12/moving/": post.get_absolute_url(),
        "/moving/": post.get_absolute_url(),
        "/2019/05/moving/feed/": post.get_absolute_url(),
        "/2019/05/moving/comment-page-2/": post.get_absolute_url(),
        "/?replytocom=346": f"{post.get_absolute_url()}#comment-{reply.pk}",
        "/2019/05/moving/?replytocom=346": f"{post.get_absolute_url()}#comment-{reply.pk}",
        "/category/news/": Tag.objects.get(name="News").get_absolute_url(),
        "/tag/boxes/feed/": Tag.objects.get(name="Boxes").get_absolute_url(),
        "/author/ada/": Author.objects.get().get_absolute_url(),
    }
    for old, new in expected.items():
        response = client.get(old)
        assert (old, response.status_code, response["Location"]) == (
            old, HTTPStatus.MOVED_PERMANENTLY, new,
        )  # fmt: skip
    assert client.get("/no-such-thing/").status_code == HTTPStatus.NOT_FOUND
    assert client.get("/?p=99999").status_code == HTTPStatus.OK  # the home page, as before


def test_a_redirect_follows_the_essay_when_its_slug_changes(run_import, client):
    run_import(export(author(), item(12, slug="moving")))
    post = Post.objects.get()
    post.slug = "moving-house"
    post.save()
    assert client.get("/?p=12")["Location"] == "/essays/moving-house/"


def test_running_the_same_export_twice_changes_nothing(run_import):
    document = export(author(), item(1, comments=[comment(1), comment(2, parent=1)]), item(2))
    run_import(document)
    before = (Post.objects.count(), Comment.objects.count(), Redirect.objects.count())
    updated_at = Post.objects.get(slug="post-1").updated_at

    out = run_import(document)

    assert out.startswith("Nothing changed")
    assert (Post.objects.count(), Comment.objects.count(), Redirect.objects.count()) == before
    assert Post.objects.get(slug="post-1").updated_at == updated_at


def test_a_newer_export_adds_and_updates(run_import):
    run_import(export(author(), item(1, title="Old title", comments=[comment(1)])))
    out = run_import(
        export(
            author(),
            item(1, title="New title", comments=[comment(1), comment(2, parent=1)]),
            item(2),
        )
    )
    assert Post.objects.get(slug="post-1").title == "New title"
    assert Post.objects.count() == 2 and Comment.objects.count() == 2
    assert "1 created, 1 updated" in out


def test_a_slug_taken_by_another_essay_gets_a_suffix_and_is_reported(run_import):
    mine = make_post(slug="moving", title="Mine")
    out = run_import(export(author(), item(1, slug="moving", title="Theirs")))
    assert Post.objects.get(pk=mine.pk).title == "Mine"
    assert Post.objects.get(title="Theirs").slug == "moving-2"
    assert "the slug “moving” was taken by another essay; used “moving-2”" in out


def test_dry_run_writes_nothing(run_import):
    out = run_import(export(author(), item(1, comments=[comment(1)])), "--dry-run")
    assert out.startswith("Dry run")
    assert not Post.objects.exists() and not Author.objects.exists()


@pytest.mark.parametrize("version", ["1.0", "1.1", "1.2"])
def test_every_wxr_version_is_read(run_import, version):
    run_import(export(author(), item(1), version=version))
    assert Post.objects.count() == 1


def test_gzipped_zipped_and_stdin_exports_are_read(run_import, monkeypatch):
    document = export(author(), item(1), item(2, slug="two"))
    run_import(None, name="export.xml.gz", data=gzip.compress(document.encode()))
    assert Post.objects.count() == 2
    Post.objects.all().delete()

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("site.wordpress.2026-11-30.000.xml", export(author(), item(1)))
        archive.writestr("site.wordpress.2026-11-30.001.xml", export(author(), item(2, slug="two")))
    run_import(None, name="export.zip", data=buffer.getvalue())
    assert Post.objects.count() == 2
    Post.objects.all().delete()

    class Stdin:
        buffer = io.BytesIO(document.encode())

    monkeypatch.setattr("sys.stdin", Stdin)
    call_command("import_wordpress", "-", stdout=io.StringIO())
    assert Post.objects.count() == 2


def test_uploads_go_to_media_storage_and_featured_images_are_set(run_import, tmp_path, settings):
    from tests.factories import image_bytes

    uploads = tmp_path / "uploads"
    (uploads / "2019/05").mkdir(parents=True)
    (uploads / "2019/05/cat.jpg").write_bytes(image_bytes(size=(800, 600)))
    url = "https://old.example.org/wp-content/uploads/2019/05/cat.jpg"
    body = f'<p><img src="{url}" alt="Cat"><img src="https://old.example.org/wp-content/uploads/gone.png"></p>'
    out = run_import(
        export(
            author(),
            item(
                7, kind="attachment", attachment_url=url, meta={"_wp_attachment_image_alt": "A cat"}
            ),
            item(1, body=body, meta={"_thumbnail_id": "7"}),
        ),
        "--uploads",
        str(uploads),
    )
    post = Post.objects.get()
    assert 'src="/media/wordpress/2019/05/cat.jpg"' in post.body_html
    assert (settings.MEDIA_ROOT / "wordpress/2019/05/cat.jpg").is_file()
    assert post.featured_image.name == "wordpress/2019/05/cat.jpg"
    assert (post.featured_image_width, post.featured_image_alt) == (800, "A cat")
    assert "Images imported into media storage: 1" in out
    assert "Images not found in the uploads folder (old addresses kept): 1" in out


def test_without_uploads_images_keep_their_addresses_and_are_listed(run_import):
    url = "https://old.example.org/wp-content/uploads/2019/05/cat.jpg"
    out = run_import(export(author(), item(1, body=f'<p><img src="{url}" alt="Cat"></p>')))
    assert f'src="{url}"' in Post.objects.get().body_html
    assert f"no --uploads given): 1: {url}" in out


def test_a_reply_dated_before_the_comment_it_answers_still_shows_in_its_thread(run_import, client):
    run_import(
        export(
            author(),
            item(
                1,
                comments=[
                    comment(1, approved="0", date_gmt="2019-05-13 09:00:00", text="Held parent"),
                    comment(2, parent=1, date_gmt="2019-05-13 08:00:00", text="Early reply"),
                ],
            ),
        )
    )
    page = client.get(Post.objects.get().get_absolute_url()).content.decode()
    assert "Early reply" in page
    assert "Held parent" not in page  # its place kept by a placeholder, its text never shown


def test_an_upload_address_cannot_reach_outside_the_uploads_folder(run_import, tmp_path):
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    (tmp_path / "secret.jpg").write_bytes(b"not for the web")
    url = "https://old.example.org/wp-content/uploads/../secret.jpg"
    out = run_import(
        export(author(), item(1, body=f'<p><img src="{url}" alt="x"></p>')),
        "--uploads",
        str(uploads),
    )
    assert "Images imported into media storage: 0" in out
    assert f'src="{url}"' in Post.objects.get().body


def test_a_password_protected_post_comes_in_as_a_draft(run_import):
    out = run_import(export(author(), item(1, title="Members only", password="hunter2")))
    assert Post.objects.get().state_label() == "Draft"
    assert "“Members only” was password-protected on WordPress: imported as a draft." in out


def test_with_a_bucket_configured_imported_images_land_in_it(run_import, tmp_path, media_bucket):
    from tests.factories import image_bytes

    uploads = tmp_path / "uploads"
    (uploads / "2019/05").mkdir(parents=True)
    (uploads / "2019/05/cat.jpg").write_bytes(image_bytes(size=(800, 600)))
    url = "https://old.example.org/wp-content/uploads/2019/05/cat.jpg"
    run_import(
        export(author(), item(1, body=f'<p><img src="{url}" alt="Cat"></p>')),
        "--uploads",
        str(uploads),
    )
    stored = media_bucket.keys()  # the bucket listing (a set), not a dict
    assert "wordpress/2019/05/cat.jpg" in stored
    html = Post.objects.get().body_html
    assert "wp-content" not in html and "wordpress/2019/05/cat.jpg" in html


def test_a_failure_mid_way_keeps_whole_batches_and_a_rerun_resumes(run_import, monkeypatch):
    import wordpress.importer

    document = export(author(), *(item(n, comments=[comment(n * 10)]) for n in range(1, 5)))
    monkeypatch.setattr(wordpress.importer, "BATCH_ITEMS", 2)
    real = wordpress.importer.comments_import

    def fail_on_the_third_post(*, post, **kwargs):
        if post.slug == "post-3":
            raise ConnectionError("database went away")
        return real(post=post, **kwargs)

    monkeypatch.setattr(wordpress.importer, "comments_import", fail_on_the_third_post)
    with pytest.raises(ConnectionError):
        run_import(document)
    # The first batch (two posts) is in; the failed batch left nothing behind.
    assert sorted(Post.objects.values_list("slug", flat=True)) == ["post-1", "post-2"]
    assert Comment.objects.count() == 2

    monkeypatch.setattr(wordpress.importer, "comments_import", real)
    out = run_import(document)
    assert Post.objects.count() == 4 and Comment.objects.count() == 4
    assert "2 created, 2 unchanged" in out
