"""Shapes real exports have that the tidy ones in test_import.py do not: what WordPress.com
writes, menus, hand-edited files. Each test is a small file of our own reproducing a problem
met while importing public exports."""

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
