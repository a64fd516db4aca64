import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, Group, Permission
from django.test import RequestFactory

from comments.models import MODERATE_PERMISSION, Comment, is_moderator
from comments.thread import comment_thread as build_thread
from tests.factories import make_comment, make_user

pytestmark = pytest.mark.django_db
User = get_user_model()


def comment_thread(*, post, viewer):
    request = RequestFactory().get(post.get_absolute_url())
    request.user = viewer
    return build_thread(request=request, post=post)


S = Comment.Status


@pytest.mark.parametrize(
    ("status", "written_by_the_member", "anonymous_sees", "member_sees", "moderator_sees"),
    [
        (S.APPROVED, False, True, True, True),
        (S.PENDING, False, False, False, True),
        (S.PENDING, True, False, True, True),
        (S.REJECTED, True, False, False, True),
        (S.SPAM, True, False, False, True),
        (S.REMOVED, True, False, False, True),
    ],
)
def test_one_rule_decides_who_sees_a_comment(
    post,
    member,
    moderator,
    status,
    written_by_the_member,
    anonymous_sees,
    member_sees,
    moderator_sees,
):
    author = member if written_by_the_member else make_user()
    comment = make_comment(post=post, author=author, status=status)

    def sees(viewer):
        seen = Comment.objects.visible_to(viewer).filter(pk=comment.pk).exists()
        assert comment.is_visible_to(viewer) is seen  # the same rule, for a row in hand
        return seen

    assert sees(AnonymousUser()) is anonymous_sees
    assert sees(None) is anonymous_sees
    assert sees(member) is member_sees
    assert sees(moderator) is moderator_sees


def test_a_hidden_comment_with_visible_replies_stays_as_a_placeholder_without_its_text(post):
    removed = make_comment(post=post, status=S.REMOVED, body="Something regrettable")
    reply = make_comment(parent=removed, body="A fair answer")
    make_comment(post=post, status=S.SPAM, body="Buy pills")

    thread = comment_thread(post=post, viewer=AnonymousUser())

    assert [node.pk for node in thread.nodes] == [removed.pk, reply.pk]
    placeholder = thread.nodes[0]
    assert placeholder.is_placeholder
    assert placeholder.html == ""
    assert str(placeholder.placeholder_text) == "This comment was removed."


def test_a_hidden_comment_whose_replies_are_hidden_too_is_not_shown(post):
    pending = make_comment(post=post, status=S.PENDING)
    make_comment(parent=pending, status=S.PENDING)

    assert comment_thread(post=post, viewer=AnonymousUser()).nodes == []


def test_the_thread_is_in_reading_order_and_each_leaf_closes_its_open_lists(post):
    first = make_comment(post=post)
    reply = make_comment(parent=first)
    deeper = make_comment(parent=reply)
    second_reply = make_comment(parent=first)
    second = make_comment(post=post)

    nodes = comment_thread(post=post, viewer=AnonymousUser()).nodes

    assert [n.pk for n in nodes] == [first.pk, reply.pk, deeper.pk, second_reply.pk, second.pk]
    assert [n.closers for n in nodes] == [0, 0, 1, 1, 0]
    assert [n.depth for n in nodes] == [0, 1, 2, 1, 0]
    assert nodes[2].parent_node is nodes[1]


def _grant_directly(user):
    user.user_permissions.add(
        Permission.objects.get(codename="moderate_comment", content_type__app_label="comments")
    )


def _grant_by_group(user):
    group = Group.objects.create(name="Comment wardens")
    group.permissions.add(
        Permission.objects.get(codename="moderate_comment", content_type__app_label="comments")
    )
    user.groups.add(group)


@pytest.mark.parametrize(
    ("fields", "grant", "moderates"),
    [
        ({}, None, False),
        ({}, _grant_directly, True),
        ({}, _grant_by_group, True),
        ({"is_superuser": True}, None, True),
        ({"is_active": False}, _grant_by_group, False),
        ({"is_active": False, "is_superuser": True}, None, False),
    ],
)
def test_moderators_are_whoever_django_grants_the_moderation_permission_in_one_query(
    fields, grant, moderates, django_assert_max_num_queries
):
    user = make_user(**fields)
    if grant:
        grant(user)
    user = User.objects.get(pk=user.pk)  # a fresh object, as each request has

    with django_assert_max_num_queries(1):
        assert is_moderator(user) is moderates
        assert is_moderator(user) is moderates  # asked again in the same request: no query
    assert User.objects.get(pk=user.pk).has_perm(MODERATE_PERMISSION) is moderates
