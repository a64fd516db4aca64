"""Two gunicorn nodes behind nginx (deploy/), one Postgres, one Redis: one site.

A member signs in on node A and posts on node B; a moderator approves on A and an anonymous
reader on B sees the comment at once; the comment and admin-login limits count across nodes; a
photo uploaded through A shows from B; and nginx spreads readers over both nodes.
"""

import time
from http import HTTPStatus

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from oidc_provider_mock import User as IdentityProviderUser
from oidc_provider_mock import run_server_in_thread
from playwright.sync_api import expect

from accounts.models import Author
from comments.models import Comment
from tests.conftest import Bucket
from tests.factories import image_bytes, make_post, make_staff

pytestmark = [pytest.mark.deploy, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple 1"


@pytest.fixture(scope="module")
def site_servers(web_nodes, nginx, s3_server):
    """Node A, node B and nginx in front of both, with the association's sign-in configured and
    media in a bucket on the loopback S3 server."""
    bucket = Bucket(s3_server)
    member = IdentityProviderUser(
        sub="member-20931", claims={"name": "Aino Virtanen", "email": "aino@association.example"}
    )
    with run_server_in_thread(user_claims=[member]) as provider:
        node_a, node_b = web_nodes(
            2,
            SOCIAL_SSO_NAME="Association ID",
            SOCIAL_SSO_SERVER_URL=f"http://localhost:{provider.server_port}",
            SOCIAL_SSO_CLIENT_ID="lectern",
            SOCIAL_SSO_CLIENT_SECRET="lectern-secret",
            ADMIN_LOGIN_ATTEMPTS="3",
            DJANGO_TRUSTED_PROXY_HOPS="1",
            **bucket.environment(),
        )
        yield {"A": node_a, "B": node_b, "proxy": nginx([node_a, node_b]), "bucket": bucket}


@pytest.fixture
def site(site_servers, redis_server):
    """The running site with an empty shared cache (limits and cached pages start afresh)."""
    import redis

    redis.Redis.from_url(redis_server).flushall()
    return site_servers


def post_comment(page, url: str, text: str):
    page.goto(url)
    respond = page.locator("#respond")
    respond.get_by_label("Your comment").fill(text)
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        respond.get_by_role("button", name="Post comment").click()
    return posted.value


def with_password(user):
    # Hashed as production hashes (the test settings' fast hasher is unknown to the nodes).
    hasher = PBKDF2PasswordHasher()
    user.password = hasher.encode(PASSWORD, hasher.salt())
    user.save()
    return user


def staff_page(browser, base_url: str, user):
    page = browser.new_context(base_url=base_url).new_page()
    page.goto("/admin/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#user-tools")).to_be_visible()
    return page


def test_members_moderators_and_readers_share_one_site_across_two_nodes(browser, site):
    post = make_post(title="Rotas that respect sleep")
    essay = post.get_absolute_url()

    member = browser.new_context().new_page()
    member.goto(site["A"] + essay)
    member.locator("#respond").get_by_role("button", name="Log in with Association ID").click()
    member.get_by_role("button", name="Authorize as member-20931").click()
    expect(member.locator("#respond")).to_contain_text("Aino Virtanen")
    assert member.url.startswith(site["A"])

    # Signed in on A; the same session posts on B.
    response = post_comment(member, site["B"] + essay, "Night shifts need two days to recover.")
    assert response.status < HTTPStatus.BAD_REQUEST
    expect(member.locator("#comments")).to_contain_text("awaiting moderation")
    comment = Comment.objects.get(post=post)
    assert comment.status == Comment.Status.PENDING

    reader = browser.new_context().new_page()
    reader.goto(site["B"] + essay)
    assert "Night shifts" not in reader.locator("#comments").inner_text()  # B cached the thread

    moderator = with_password(make_staff(group="Moderators", display_name="Mo Derator"))
    queue = staff_page(browser, site["A"], moderator)
    queue.goto("/comments/moderation/")
    queue.locator(f"#queue-{comment.pk}").get_by_role("button", name="Approve", exact=True).click()
    queue.get_by_text("Approved 1 comment.").wait_for()

    reader.goto(site["B"] + essay)
    expect(reader.locator(f"#comment-{comment.pk}")).to_contain_text("Night shifts")

    # The comment limit (five in ten minutes) counts the posts made on either node.
    for number, node in enumerate(["A", "B", "A", "B"], start=2):
        response = post_comment(member, site[node] + essay, f"Further thought number {number}.")
        assert response.status < HTTPStatus.BAD_REQUEST, number
    refused = post_comment(member, site["A"] + essay, "One more than allowed.")
    assert refused.status == HTTPStatus.TOO_MANY_REQUESTS
    expect(member.locator("#respond")).to_contain_text("Please wait a few minutes")
    assert Comment.objects.filter(post=post).count() == 5


def test_admin_login_limit_holds_across_nodes_and_through_the_proxy(browser, site):
    with_password(make_staff(group="Editors", username="editor"))
    statuses = []
    # Three failures allowed per client address in the window, wherever they land.
    for node in ["A", "B", "proxy", "A"]:
        page = browser.new_context(base_url=site[node]).new_page()
        page.goto("/admin/login/")
        page.get_by_label("Username").fill("editor")
        page.get_by_label("Password").fill("not the password")
        with page.expect_response(lambda r: r.request.method == "POST") as answer:
            page.get_by_role("button", name="Log in").click()
        statuses.append(answer.value.status)
        page.context.close()

    assert statuses[:3] == [HTTPStatus.OK] * 3  # the form again, with its error
    assert statuses[3] == HTTPStatus.TOO_MANY_REQUESTS


def test_a_photo_uploaded_through_one_node_shows_from_the_other_out_of_the_bucket(
    browser, site, scratch
):
    author = Author.objects.create(name="Dr Mirela Ionescu", slug="mirela-ionescu")
    make_post(title="Handover notes that work", authors=[author])
    editor = with_password(make_staff(group="Editors", username="editor"))
    photo = scratch / "portrait.jpg"
    photo.write_bytes(image_bytes(size=(600, 600)))

    admin = staff_page(browser, site["A"], editor)
    admin.goto(f"/admin/accounts/author/{author.pk}/change/")
    admin.locator("input[type=file][name=photo]").set_input_files(photo)
    admin.get_by_role("button", name="Save", exact=True).click()
    expect(admin.locator(".messagelist")).to_contain_text("was changed successfully")
    # The worker cuts the renditions after the save (a task); the page shows them from then on.
    deadline = time.monotonic() + 20
    while not Author.objects.get(pk=author.pk).photo_renditions:
        assert time.monotonic() < deadline, "the worker rendered no photo"
        time.sleep(0.2)

    reader = browser.new_context().new_page()
    reader.goto(site["B"] + author.get_absolute_url())
    image = reader.locator(".author-intro img")
    expect(image).to_be_visible()
    reader.wait_for_function(
        "(img) => img.complete && img.naturalWidth > 0", arg=image.element_handle()
    )
    source = image.get_attribute("src")
    assert source.startswith(site["bucket"].public_url)
    stored = site["bucket"].keys()
    assert source.removeprefix(site["bucket"].public_url + "/") in stored


def test_nginx_spreads_readers_over_both_nodes_and_compresses_pages(site, scratch):
    import urllib.request

    post = make_post(title="Checklists without the theatre")
    for number in range(6):
        # Six addresses: nginx's micro-cache would answer a repeated one itself.
        request = urllib.request.Request(
            f"{site['proxy']}{post.get_absolute_url()}?n={number}",
            headers={"Accept-Encoding": "gzip"},
        )
        with urllib.request.urlopen(request) as response:
            assert response.status == HTTPStatus.OK
            assert response.headers["Content-Encoding"] == "gzip"
            assert "Server" not in response.headers or "nginx/" not in response.headers["Server"]

    served = [
        (scratch / f"gunicorn-{number}.log").read_text().count(post.get_absolute_url())
        for number in (0, 1)
    ]
    assert all(count > 0 for count in served), served
