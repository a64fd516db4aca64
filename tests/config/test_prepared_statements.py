"""Statements prepared on the server once per connection (config.database.PreparedCursor) keep
working when a migration, run by another process while the site serves, changes the type of a
column they return: Postgres then refuses the prepared plan ("cached plan must not change result
type") on every pooled connection that prepared it, until that connection is closed."""

import uuid
from http import HTTPStatus

import psycopg
import pytest
from django.db import connection
from django.urls import reverse

from tests.factories import make_post, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def _alter_from_another_process(sql: str) -> None:
    # Another connection, as `manage.py migrate` during a deploy would be: psycopg sees no ALTER
    # on the connections the site prepared its statements on.
    params = {**connection.get_connection_params(), "autocommit": True}
    with psycopg.connect(**params) as other:
        other.execute(sql)


@pytest.fixture
def wider_session_keys():
    yield lambda: _alter_from_another_process(
        "ALTER TABLE django_session ALTER COLUMN session_key TYPE varchar(64)"
    )
    _alter_from_another_process(
        "ALTER TABLE django_session ALTER COLUMN session_key TYPE varchar(40)"
    )


def test_a_member_stays_signed_in_when_a_migration_changes_a_sessions_column(
    client, wider_session_keys
):
    client.force_login(make_user())
    url = reverse("accounts:account")
    before = [client.get(url).status_code for _ in range(3)]  # the session's read is prepared

    wider_session_keys()
    after = [client.get(url).status_code for _ in range(3)]

    assert before == after == [HTTPStatus.OK] * 3


@pytest.fixture
def longer_titles():
    yield lambda: _alter_from_another_process(
        "ALTER TABLE blog_post ALTER COLUMN title TYPE varchar(300)"
    )
    _alter_from_another_process("ALTER TABLE blog_post ALTER COLUMN title TYPE varchar(200)")


def test_an_essay_page_kept_as_a_skeleton_is_served_after_a_migration(client, longer_titles):
    url = make_post(title="On Bridges").get_absolute_url()
    client.get(url)  # its skeleton kept: the essay's row comes from the prepared statement
    client.force_login(make_user())  # a member: no whole page from the page cache
    before = [client.get(url) for _ in range(2)]

    longer_titles()
    after = [client.get(url) for _ in range(2)]

    assert [page.status_code for page in before + after] == [HTTPStatus.OK] * 4
    assert all(b"On Bridges" in page.content for page in after)


def test_members_post_comments_after_a_migration_changes_a_column_their_post_reads(
    client, longer_titles
):
    # Posting reads the essay inside its transaction, prepared: a refused plan there loses the
    # transaction, which is then run once more (nothing of it was stored).
    post = make_post(title="On Bridges")
    client.force_login(make_user())
    url = reverse("comments:create", args=[post.pk])
    posted = []

    def post_one(number):
        data = {"body": f"Thought number {number}.", "token": uuid.uuid4()}
        response = client.post(url, data, headers={"accept": "application/json"})
        posted.append(response.status_code)

    post_one(1)  # the posting statements prepared on this connection
    longer_titles()
    post_one(2)
    post_one(3)

    assert posted == [HTTPStatus.CREATED] * 3
    assert post.comments.count() == 3
