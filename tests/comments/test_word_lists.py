"""Moderators edit the moderation words, blocked words and link limit in the admin."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from comments import services
from comments.models import Comment
from comments.word_lists import current_word_lists
from tests.factories import make_user

pytestmark = pytest.mark.django_db

S = Comment.Status


def submit(post, body):
    return services.comment_submit(post=post, author=make_user(), body=body)


def save_in_admin(client, **values):
    form = {"moderation_words": "", "blocked_words": "", "max_links": "2", **values}
    url = reverse("admin:comments_moderationsettings_changelist")
    form_url = client.get(url).url
    return client.post(form_url, form)


def test_before_any_save_the_settings_apply_and_the_admin_form_starts_from_them(
    settings, client, staff_moderator, post
):
    settings.COMMENTS_MODERATION_WORDS = ["casino", "lottery"]
    settings.COMMENTS_MAX_LINKS = 3
    client.force_login(staff_moderator)

    page = client.get(reverse("admin:comments_moderationsettings_changelist"), follow=True)

    assert page.status_code == HTTPStatus.OK
    form = page.context["adminform"].form
    assert form.initial["moderation_words"] == "casino\nlottery"
    assert form.initial["max_links"] == 3
    assert submit(post, "A casino night").status == S.PENDING


def test_a_moderators_words_apply_to_the_very_next_comment(
    settings, client, staff_moderator, post, django_capture_on_commit_callbacks
):
    settings.COMMENTS_BLOCKED_WORDS = ["viagra"]
    client.force_login(staff_moderator)
    assert submit(post, "cheap viagra").status == S.SPAM  # cached from the settings

    with django_capture_on_commit_callbacks(execute=True):
        response = save_in_admin(
            client, moderation_words="Crypto\n\n  crypto \nget rich", blocked_words="scam"
        )

    assert response.status_code == HTTPStatus.FOUND
    assert submit(post, "cheap viagra").status != S.SPAM  # the settings no longer apply
    spam = submit(post, "A SCAM, plainly")
    assert (spam.status, spam.moderation_reason) == (S.SPAM, "Contains the blocked word “scam”.")
    held = submit(post, "Buy crypto now")
    assert "moderation word “Crypto”" in held.moderation_reason
    page = client.get(reverse("admin:comments_moderationsettings_changelist"), follow=True)
    assert page.context["adminform"].form.initial["moderation_words"] == "Crypto\nget rich"


def test_the_link_limit_from_the_admin_holds_comments_of_trusted_members(
    client, staff_moderator, post
):
    client.force_login(staff_moderator)
    save_in_admin(client, max_links="0")

    comment = services.comment_submit(
        post=post, author=staff_moderator, body="see https://example.org"
    )
    member_comment = submit(post, "see https://example.org")

    assert comment.status == S.APPROVED  # moderators are never held
    assert "1 links (more than 0)" in member_comment.moderation_reason


def test_a_negative_link_limit_is_refused_and_nothing_changes(client, staff_moderator, post):
    client.force_login(staff_moderator)

    response = save_in_admin(client, max_links="-1", blocked_words="scam")

    assert response.status_code == HTTPStatus.OK
    assert response.context["adminform"].form.errors["max_links"]
    assert submit(post, "a scam").status == S.PENDING


def test_moderators_who_are_not_superusers_may_edit_it_but_never_delete_it(client, staff_moderator):
    client.force_login(staff_moderator)
    save_in_admin(client, blocked_words="scam")

    change = client.get(reverse("admin:comments_moderationsettings_change", args=[1]))
    delete = client.get(reverse("admin:comments_moderationsettings_delete", args=[1]))
    add = client.get(reverse("admin:comments_moderationsettings_add"))

    assert change.status_code == HTTPStatus.OK
    assert delete.status_code == HTTPStatus.FORBIDDEN
    assert add.status_code == HTTPStatus.FORBIDDEN  # one row only


def test_posting_reads_the_word_lists_from_the_cache(
    client, staff_moderator, post, django_assert_num_queries
):
    client.force_login(staff_moderator)
    save_in_admin(client, blocked_words="scam")
    author = make_user()
    services.comment_submit(post=post, author=author, body="First.")  # warms the cache

    with django_assert_num_queries(0):
        assert current_word_lists().blocked_words == ("scam",)
