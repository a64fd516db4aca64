"""Fault tests run against a site of their own (tests.faults.site): nothing here touches the
test database of the rest of the suite."""

import pytest

from tests.faults.site import start_site


@pytest.fixture(scope="module")
def site():
    site = start_site()
    yield site
    site.postgres.close()
