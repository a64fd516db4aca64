import pytest

from tests.factories import make_moderator, make_post, make_user


@pytest.fixture
def post(db):
    return make_post(title="On Stewardship")


@pytest.fixture
def member(db):
    return make_user(display_name="Ada Member")


@pytest.fixture
def moderator(db):
    return make_moderator(display_name="Mo Derator", email="mo@example.org")


@pytest.fixture
def staff_moderator(moderator):
    """A moderator who may use the admin."""
    moderator.is_staff = True
    moderator.save()
    return moderator
