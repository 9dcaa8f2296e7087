"""Forgot password: a link by email through the queue, never saying whether an account exists."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def ask_for_link(client, email):
    return client.post(reverse("password_reset"), {"email": email}, follow=True)


def test_sign_in_page_offers_forgot_password(client):
    page = client.get(reverse("login")).content.decode()
    assert f'<a href="{reverse("password_reset")}">Forgot password?</a>' in page


def test_a_known_email_gets_a_link_that_sets_a_new_password(
    client, charlie, mailoutbox, django_capture_on_commit_callbacks
):
    charlie.email = "charlie@example.edu.au"
    charlie.save()
    with django_capture_on_commit_callbacks(execute=True):
        page = ask_for_link(client, "Charlie@example.edu.au").content.decode()
    assert "Check your email" in page
    [email] = mailoutbox
    assert email.subject == "Choose a new password for Assessor Portal"
    assert "Your username is: charlie" in email.body
    link = re.search(r"http://testserver(/accounts/reset/\S+)", email.body).group(1)
    form = client.get(link, follow=True)
    assert "Choose your password" in form.content.decode()
    client.post(
        form.redirect_chain[-1][0], {"new_password1": "Tr1cky-ledger-42", "new_password2": "Tr1cky-ledger-42"}
    )
    charlie.refresh_from_db()
    assert charlie.check_password("Tr1cky-ledger-42")


def test_an_unknown_email_gets_the_same_page_and_no_mail(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        page = ask_for_link(client, "nobody@example.edu.au").content.decode()
    assert "Check your email" in page
    assert "If the address you entered belongs to an account" in page
    assert mailoutbox == []


def test_healthz_answers_ok_without_a_session(client):
    response = client.get("/healthz")
    assert response.json() == {"status": "ok"}
    assert "sessionid" not in response.cookies


def test_healthz_answers_503_when_the_database_does_not(client, monkeypatch):
    from django.db import DatabaseError
    from django.db.backends.utils import CursorWrapper

    def broken(*args, **kwargs):
        raise DatabaseError("connection refused")

    monkeypatch.setattr(CursorWrapper, "execute", broken)
    response = client.get("/healthz")
    assert (response.status_code, response.json()) == (503, {"status": "database unavailable"})
