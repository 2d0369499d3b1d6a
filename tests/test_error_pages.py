"""Issue 8, a first part: Danish, branded error pages with a way back (not Django's bare English)."""

import pytest
from django.test import Client
from django.urls import path

from ligepraksis import urls as portal_urls


def _boom(request):
    raise RuntimeError("a bug")


urlpatterns = [*portal_urls.urlpatterns, path("boom/", _boom)]


@pytest.mark.django_db
def test_404_is_danish_with_a_way_home(client):
    response = client.get("/findes-ikke/")
    body = response.content.decode()
    assert response.status_code == 404
    assert 'lang="da"' in body and "Siden blev ikke fundet" in body and 'href="/"' in body


@pytest.mark.django_db
def test_500_is_danish_with_a_way_home(settings):
    settings.ROOT_URLCONF = __name__
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    body = response.content.decode()
    assert response.status_code == 500
    assert "Der gik noget galt" in body and 'href="/"' in body


@pytest.mark.django_db
def test_a_csrf_failure_is_danish_and_says_nothing_was_saved():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/login/", {"username": "a@b.dk", "password": "x"})
    body = response.content.decode()
    assert response.status_code == 403
    assert "Formularen var udløbet" in body and "intet blev gemt" in body.lower()
