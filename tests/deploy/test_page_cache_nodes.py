"""The page cache across processes: two gunicorn nodes and this test process share one Redis.

A page rendered by node A is served by node B from the shared cache; every kind of change made
through the services (here, in a third process) shows on both nodes at once.
"""

import pytest

from accounts.authors import author_saved
from accounts.services import user_update_profile
from blog.models import Post
from blog.services import post_publish, post_saved
from comments import services as comments
from comments.models import Comment
from tests.deploy.conftest import read
from tests.factories import make_author, make_comment, make_moderator, make_post, make_user

pytestmark = [pytest.mark.deploy, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def servers(web_nodes):
    node_a, node_b = web_nodes(2)
    return {"A": node_a, "B": node_b}


def test_a_page_rendered_on_one_node_is_served_by_the_other(servers, shared_cache):
    post = make_post(title="Rotas that respect sleep")
    url = post.get_absolute_url()
    read(servers["A"] + url)
    # Changed behind the services' back: only a cached copy can still show the old title.
    Post.objects.filter(pk=post.pk).update(title="Changed without telling anyone")

    html, headers = read(servers["B"] + url)

    assert "Rotas that respect sleep" in html
    assert "s-maxage" in headers["Cache-Control"]


def test_every_kind_of_change_shows_on_both_nodes_at_once(servers, shared_cache):
    author = make_author(name="Dr Mirela Ionescu")
    post = make_post(title="Handover notes", authors=[author])
    member = make_user(display_name="Aino Virtanen")
    public = make_comment(post=post, author=member, body="Checklists help.")
    pending = make_comment(post=post, status=Comment.Status.PENDING, body="Worth the wait.")
    draft = make_post(title="A second essay", status=Post.Status.DRAFT, published_at=None)
    moderator = make_moderator()
    essay, author_page = post.get_absolute_url(), author.get_absolute_url()

    def renamed_essay():
        post.title = "Handover notes, revised"
        post.save()
        post_saved(post=post)

    def renamed_author():
        author.name = "Dr Mirela Ionescu-Pop"
        author.save()
        author_saved(author=author)

    # (change, page, text it brings, text it takes away)
    changes = [
        (lambda: comments.comment_approve(comment=pending, moderator=moderator), essay,
         "Worth the wait.", None),
        (renamed_essay, "/", "Handover notes, revised", None),
        (renamed_author, author_page, "Dr Mirela Ionescu-Pop", None),
        (lambda: user_update_profile(user=member, display_name="Aino V."),
         essay, "Aino V.", "Aino Virtanen"),
        (lambda: comments.comment_remove(comment=public, moderator=moderator), essay,
         None, "Checklists help."),
        (lambda: post_publish(post=draft), "/", "A second essay", None),
    ]  # fmt: skip
    for change, url, shown, gone in changes:
        for node in ("A", "B"):
            html = read(servers[node] + url)[0]
            assert shown not in html if shown else gone in html, (shown, gone, node)
        change()
        for node in ("B", "A"):
            html = read(servers[node] + url)[0]
            assert shown in html if shown else gone not in html, (shown, gone, node)
