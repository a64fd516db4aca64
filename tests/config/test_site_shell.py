from http import HTTPStatus

import pytest
from django.db import OperationalError
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_healthz_answers_ok_when_the_database_answers(client):
    response = client.get(reverse("healthz"))

    assert response.status_code == HTTPStatus.OK
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_answers_503_when_the_database_is_unreachable(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr("django.db.backends.utils.CursorWrapper.execute", refuse)

    response = client.get(reverse("healthz"))

    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE


def test_page_shows_styled_503_without_traceback_when_database_is_unreachable(
    client, django_user_model, monkeypatch
):
    # A signed-in visitor's page must read the session from the database.
    client.force_login(django_user_model.objects.create_user("reader"))

    def refuse(*args, **kwargs):
        raise OperationalError("could not connect to server: Connection refused")

    monkeypatch.setattr("django.db.backends.utils.CursorWrapper.execute", refuse)
    # The CSRF middleware reads the session before any view runs, so the outage reaches Django's
    # handler500 (config.views.server_error), which answers with the same page: look at that
    # answer, as a browser would, instead of the re-raised exception.
    client.raise_request_exception = False

    response = client.get(reverse("blog:home"))

    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    body = response.content.decode()
    assert "We’ll be right back" in body
    assert "Traceback" not in body and "Connection refused" not in body
    assert response["Retry-After"] == "30"


def test_unknown_address_gets_the_styled_404_page(client):
    response = client.get("/no-such-page/")

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "We couldn’t find that page" in response.content.decode()


def test_home_page_has_landmarks_and_local_stylesheet(client):
    body = client.get(reverse("blog:home")).content.decode()

    assert '<main id="main"' in body
    assert 'class="skip-link" href="#main"' in body
    assert "<footer" in body and "<nav" in body
    assert "/static/css/site.css" in body
    assert "https://" not in body  # no CDN, no remote fonts
