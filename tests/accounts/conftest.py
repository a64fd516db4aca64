"""Accounts fixtures: the association's sign-in provider, faked at the HTTP boundary."""

import pytest
import responses

from tests.conftest import SSO_SERVER_URL

SSO_DISCOVERY = {
    "issuer": SSO_SERVER_URL,
    "authorization_endpoint": f"{SSO_SERVER_URL}/authorize",
    "token_endpoint": f"{SSO_SERVER_URL}/token",
    "userinfo_endpoint": f"{SSO_SERVER_URL}/userinfo",
    "jwks_uri": f"{SSO_SERVER_URL}/jwks",
    "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
}


@pytest.fixture
def sso(social_providers_configured):
    """The association's OpenID Connect provider, answered by `responses`."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.get(f"{SSO_SERVER_URL}/.well-known/openid-configuration", json=SSO_DISCOVERY)
        mock.post(
            f"{SSO_SERVER_URL}/token",
            json={"access_token": "access-1", "token_type": "Bearer", "expires_in": 3600},
        )
        yield mock
