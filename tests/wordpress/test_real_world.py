"""Shapes real exports have that the tidy ones in test_import.py do not: what WordPress.com
writes, menus, hand-edited files. Each test is a small file of our own reproducing a problem
met while importing public exports."""

import zipfile

import pytest

from blog.models import Post
from comments.models import Comment
from tests.wordpress.wxr_files import author, comment, export, item

pytestmark = pytest.mark.django_db


def test_a_wordpress_com_export_with_https_namespaces_is_read(run_import):
    # WordPress.com declares xmlns:wp="https://wordpress.org/export/1.2/" (and excerpt alike).
    document = export(
        author(), item(7, title="From WordPress.com", excerpt="Short.", comments=[comment(3)])
    ).replace("http://wordpress.org/export/", "https://wordpress.org/export/")
    out = run_import(document)
    post = Post.objects.get(title="From WordPress.com")
    assert post.dek == "Short."
    assert Comment.objects.filter(post=post).count() == 1
    assert "Essays: 1 published (1 created)" in out


def test_menu_entries_sharing_an_id_do_not_stop_the_import(run_import):
    # WordPress.com repeats a menu entry's id in each menu it belongs to.
    document = export(
        author(),
        item(1, title="Kept"),
        item(40, title="", kind="nav_menu_item"),
        item(40, title="", kind="nav_menu_item"),
    )
    out = run_import(document)
    assert Post.objects.get().title == "Kept"
    assert "2 items of type nav_menu_item" in out


def test_long_addresses_logins_and_term_slugs_import_without_error(run_import, client):
    # A WordPress.com address longer than a redirect's "made by" label, a login longer than
    # WordPress allows (hand-made exports), and a term slug longer than an old address may be.
    site = "https://" + "a-very-long-association-name-for-the-tests" + ".wordpress.com"
    document = export(
        author("l" * 300),
        item(1, creator="l" * 300, categories=[("x" * 600, "Long")], comments=[comment(1)]),
        item(2, creator="c" * 300),
        site=site,
    )
    run_import(document)
    assert run_import(document).count("unchanged") >= 1  # a re-run finds the same rows
    assert Post.objects.count() == 2
    assert client.get("/?p=1").status_code == 301


@pytest.mark.parametrize(
    "prefix", [b"\n\n  ", b"\xef\xbb\xbf\r\n", b"\n" * 200_000], ids=["blank", "bom", "long"]
)
def test_blank_lines_before_the_xml_declaration_are_skipped(run_import, prefix):
    # A theme or plugin that prints blank lines during the export puts them before <?xml.
    data = prefix + export(author(), item(1, title="After blank lines")).encode()
    run_import(None, data=data)
    assert Post.objects.get().title == "After blank lines"


def test_a_utf16_export_is_read(run_import):
    # What "Save as Unicode" in Windows' Notepad writes.
    document = export(author(), item(1, title="Ünïcödé 中文 🎉"))
    data = document.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")
    run_import(None, data=data)
    assert Post.objects.get().title == "Ünïcödé 中文 🎉"


def test_a_zip_made_on_a_mac_is_read_without_its_resource_forks(run_import, tmp_path):
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("blog.wordpress.000.xml", export(author(), item(1, comments=[comment(1)])))
        archive.writestr("blog.wordpress.001.xml", export(author(), item(2, title="Second")))
        archive.writestr("__MACOSX/._blog.wordpress.000.xml", b"\x00\x05\x16\x07Mac OS X")
    run_import(None, data=path.read_bytes(), name="export.zip")
    assert Post.objects.count() == 2
    assert Comment.objects.count() == 1


def test_an_essay_longer_than_a_search_index_entry_holds_still_imports(run_import, client):
    # Postgres refuses a tsvector over 1 MB: 400,000 distinct words make one of 5 MB.
    words = " ".join(f"word{i}" for i in range(400_000))
    run_import(export(author(), item(1, slug="a-book", body=f"<p>{words}</p>", excerpt=words)))
    post = Post.objects.get()
    assert post.word_count == 400_000
    assert client.get("/search/", {"q": "word17"}).content.count(b"/a-book/") >= 1


def test_reviews_on_shop_products_are_skipped_not_a_reason_to_refuse(run_import):
    # A WooCommerce site's export: products (a custom post type) with reviews as comments.
    document = export(
        author(),
        item(1, kind="product", comments=[comment(1, kind="review"), comment(2, kind="review")]),
        item(2, title="An essay", comments=[comment(3)]),
    )
    out = run_import(document)
    assert Post.objects.get().title == "An essay"
    assert Comment.objects.count() == 1
    assert "2 comments on items of type product" in out


def test_uploads_with_long_names_dot_segments_or_symlinks_out(run_import, tmp_path, settings):
    from tests.factories import image_bytes

    uploads, outside = tmp_path / "uploads", tmp_path / "outside"
    (uploads / "2019/05").mkdir(parents=True)
    outside.mkdir()
    long_name = "a-photograph-" + "n" * 110 + ".jpg"  # longer than a file field holds
    for name in (long_name, "cat.jpg"):
        (uploads / "2019/05" / name).write_bytes(image_bytes(size=(800, 600)))
    (outside / "secret.jpg").write_bytes(b"not for the web")
    (uploads / "2019/05/link.jpg").symlink_to(outside / "secret.jpg")
    (uploads / "2019/out").symlink_to(outside)
    base = "https://old.example.org/wp-content/uploads/"
    body = "".join(
        f'<p><img src="{base}{path}" alt="x"></p>'
        for path in ("2019/../2019/05/cat.jpg", "2019/05/link.jpg", "2019/out/secret.jpg")
    )
    document = export(
        author(),
        item(9, kind="attachment", attachment_url=f"{base}2019/05/{long_name}"),
        item(1, body=body, meta={"_thumbnail_id": "9"}),
    )
    out = run_import(document, "--uploads", str(uploads))
    post = Post.objects.get()
    assert len(post.featured_image.name) <= 100
    assert post.featured_image.name.endswith(".jpg") and post.featured_image_width == 800
    assert post.body_html.count('src="/media/wordpress/') == 1  # the "2019/../" one, stored
    assert f'src="{base}2019/05/link.jpg"' in post.body_html
    assert "Images not found in the uploads folder (old addresses kept): 2" in out
    stored = {p.read_bytes() for p in (settings.MEDIA_ROOT / "wordpress").rglob("*.jpg")}
    assert b"not for the web" not in stored
    run_import(document, "--uploads", str(uploads))  # a re-run finds the files it stored
    assert len(list((settings.MEDIA_ROOT / "wordpress").rglob("*.jpg"))) == 2


def test_markup_in_a_title_becomes_its_text(run_import, client):
    # WordPress shows titles as HTML; the Theme Unit Test data has one with <em> and <sup>.
    run_import(
        export(author(), item(1, title="Title <em>With</em> <b>Mark<sup>up</sup></b> Q&amp;A"))
    )
    post = Post.objects.get()
    assert post.title == "Title With Markup Q&A"
    assert b"&lt;em&gt;" not in client.get(post.get_absolute_url()).content


def test_a_gallery_shows_its_images_and_heading_ids_keep_clear_of_the_pages(run_import, client):
    base = "https://old.example.org/wp-content/uploads/2019/05/"
    body = (
        '<p><a href="#comments">Read the comments part</a></p>\n\n'
        '<h2 class="comments" id="comments">Comments</h2>\n\n'
        '[gallery columns="2" ids="7,8,99"]'
    )
    document = export(
        author(),
        item(7, kind="attachment", attachment_url=base + "cat.jpg",
             meta={"_wp_attachment_image_alt": "A cat"}),
        item(8, kind="attachment", attachment_url=base + "dog.jpg"),
        item(1, slug="pets", body=body),
    )  # fmt: skip
    run_import(document)
    html = Post.objects.get().body_html
    assert f'<img src="{base}cat.jpg" alt="A cat">' in html
    assert f'<img src="{base}dog.jpg" alt="">' in html
    assert "[gallery" not in html
    page = client.get(Post.objects.get().get_absolute_url()).content.decode()
    assert page.count('id="comments"') == 1  # the page's own comments section, once
    assert '<a href="#section-comments" rel="noopener noreferrer">' in page
    assert 'id="section-comments"' in page
