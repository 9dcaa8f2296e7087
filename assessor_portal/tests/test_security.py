"""Sign-in throttling, the Content Security Policy and the client's address behind proxies."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from assessor_portal.http import client_ip

pytestmark = pytest.mark.django_db


def sign_in(client, username, password, ip="203.0.113.7"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_five_wrong_passwords_pause_sign_in_even_with_the_right_one(client, charlie):
    for _ in range(5):
        sign_in(client, "charlie", "wrong-guess")
    response = sign_in(client, "charlie", charlie.raw_password)
    assert response.status_code == 429
    assert (
        "Too many failed sign-ins. Try again in 15 minutes or reset your password."
        in response.content.decode()
    )
    assert "_auth_user_id" not in client.session


def test_a_paused_sign_in_does_not_stop_another_person(client, charlie, dana):
    for _ in range(5):
        sign_in(client, "charlie", "wrong-guess")
    assert sign_in(client, "dana", dana.raw_password).status_code == 302


def test_a_successful_sign_in_clears_earlier_failures(client, charlie):
    for _ in range(4):
        sign_in(client, "charlie", "wrong-guess")
    assert sign_in(client, "charlie", charlie.raw_password).status_code == 302
    client.logout()
    for _ in range(4):
        sign_in(client, "charlie", "wrong-guess")
    assert sign_in(client, "charlie", charlie.raw_password).status_code == 302


def test_every_page_carries_a_strict_content_security_policy(client):
    policy = client.get(reverse("login"))["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["default-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "unsafe" not in policy


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "expected"),
    [
        (0, "198.51.100.4", "1.2.3.4", "198.51.100.4"),
        (1, "10.0.0.2", "1.2.3.4, 203.0.113.9", "203.0.113.9"),
        (2, "10.0.0.2", "1.2.3.4, 203.0.113.9, 10.0.0.1", "203.0.113.9"),
        (1, "10.0.0.2", "", "10.0.0.2"),
        (1, "10.0.0.2", "not-an-address", None),
    ],
)
def test_client_address_trusts_only_the_configured_proxies(settings, proxies, remote, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected
