"""Signing in, each role's landing page, signing out and changing a password."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("persona", "home", "heading"),
    [
        ("alice", "admin_home", "Unit catalogue"),
        ("bob", "assessor_home", "Your cohorts"),
        ("charlie", "student_home", "My units"),
    ],
)
def test_each_role_lands_on_its_own_home_after_signing_in(client, persona, home, heading, request):
    user = request.getfixturevalue(persona)
    response = client.post(
        reverse("login"), {"username": user.username, "password": user.raw_password}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse(home)
    assert heading in response.content.decode()


def test_wrong_password_is_refused_with_a_message(client, charlie):
    response = client.post(reverse("login"), {"username": "charlie", "password": "wrong"})
    assert "Please enter a correct username and password." in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(("persona", "other_home"), [("charlie", "admin_home"), ("bob", "student_home")])
def test_a_role_cannot_use_another_roles_home(client, persona, other_home, request):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse(other_home), follow=True)
    assert response.redirect_chain[-1][0] != reverse(other_home)


def test_admin_home_counts_the_catalogue(client, alice, seed_units):
    client.force_login(alice)
    html = client.get(reverse("admin_home")).content.decode()
    assert "2 unit releases in the catalogue, 2 current." in html


def test_sign_out_needs_post_and_ends_the_session(client, charlie):
    client.force_login(charlie)
    assert client.get(reverse("logout")).status_code == 405
    client.post(reverse("logout"))
    assert "_auth_user_id" not in client.session


def test_password_change_works_with_the_old_password(client, bob):
    client.force_login(bob)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": bob.raw_password,
            "new_password1": "a-new-Passphrase-2026",
            "new_password2": "a-new-Passphrase-2026",
        },
        follow=True,
    )
    assert "Password changed" in response.content.decode()
    bob.refresh_from_db()
    assert bob.check_password("a-new-Passphrase-2026")


def test_django_admin_is_for_admins_only(client, alice, charlie):
    client.force_login(charlie)
    assert client.get("/django-admin/units/unit/").status_code == 302
    client.force_login(alice)
    assert client.get("/django-admin/units/unit/").status_code == 200


def test_a_message_not_yet_shown_never_reaches_the_next_person_on_the_device(client, alice, charlie):
    """An admin saves a cohort, signs out before the message shows; a student signs in next."""
    from evidence.models import Cohort

    cohort = Cohort.objects.create(name="Evening class", code="EVE-1", start_date="2026-02-09")
    client.force_login(alice)
    client.post(
        reverse("evidence:cohort_edit", args=[cohort.pk]),
        {"name": "Evening class B", "code": "EVE-1", "start_date": "2026-02-09"},
    )
    client.post(reverse("logout"))
    client.post(reverse("login"), {"username": "charlie", "password": charlie.raw_password})
    page = client.get(reverse("student_home")).content.decode()
    assert "My units" in page
    assert "Cohort details saved." not in page
