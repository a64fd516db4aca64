"""Fault tests run against a site of their own (tests.faults.site): nothing here touches the
test database of the rest of the suite."""

import pytest

from tests.faults.site import start_site


@pytest.fixture(scope="session")
def site():
    """One site for every fault test: each breaks only what it restores (Postgres restarted, its
    own Redis and gunicorn), and their comments carry their own prefixes."""
    site = start_site()
    yield site
    site.postgres.close()
