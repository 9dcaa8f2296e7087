"""A unit's AVETMISS subject details (nominal hours, field of education, VET flag), set by an admin."""

import re

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from units.services import set_unit_reporting

pytestmark = pytest.mark.django_db


def reporting_url(unit):
    return reverse("units:unit_reporting", args=[unit.code, unit.release])


def test_an_admin_sets_the_reporting_details_and_returns_where_she_came_from(client, alice, seed_units):
    unit = seed_units["FNSPIM409"]
    client.force_login(alice)

    response = client.post(
        reporting_url(unit) + "?next=/outcomes/avetmiss/",
        {"nominal_hours": "30", "field_of_education": "081101", "vet_flag": "on"},
    )

    assert response.status_code == 302
    assert response["Location"] == "/outcomes/avetmiss/"
    unit.refresh_from_db()
    assert (unit.nominal_hours, unit.field_of_education, unit.vet_flag) == (30, "081101", True)


def test_a_malformed_field_of_education_is_refused_with_its_reason(client, alice, seed_units):
    unit = seed_units["FNSPIM409"]
    client.force_login(alice)

    response = client.post(reporting_url(unit), {"nominal_hours": "30", "field_of_education": "1311"})

    assert "Give the six-digit ASCED code" in response.text
    unit.refresh_from_db()
    assert unit.field_of_education == ""


def test_a_next_address_off_the_site_is_ignored(client, alice, seed_units):
    unit = seed_units["FNSPIM409"]
    client.force_login(alice)

    response = client.post(
        reporting_url(unit) + "?next=https://evil.example/", {"nominal_hours": "30", "field_of_education": ""}
    )

    assert response["Location"] == unit.get_absolute_url()


def test_assessors_cannot_set_reporting_details(client, bob, seed_units):
    unit = seed_units["FNSPIM409"]
    client.force_login(bob)

    assert client.post(reporting_url(unit), {"nominal_hours": "30"}).status_code == 403
    with pytest.raises(PermissionDenied):
        set_unit_reporting(unit, by=bob, nominal_hours=30, field_of_education="", vet_flag=True)


def test_nominal_hours_beyond_the_four_digit_field_are_refused(client, alice, seed_units):
    unit = seed_units["FNSPIM409"]
    client.force_login(alice)

    response = client.post(reporting_url(unit), {"nominal_hours": "10000", "field_of_education": ""})

    assert "Ensure this value is less than or equal to 9999." in response.text
    unit.refresh_from_db()
    assert unit.nominal_hours is None


def test_each_change_is_listed_with_who_made_it_newest_first(client, alice, seed_units):
    unit = seed_units["FNSPIM409"]
    client.force_login(alice)
    client.post(
        reporting_url(unit), {"nominal_hours": "30", "field_of_education": "081101", "vet_flag": "on"}
    )
    client.post(
        reporting_url(unit), {"nominal_hours": "30", "field_of_education": "081101", "vet_flag": "on"}
    )
    client.post(reporting_url(unit), {"nominal_hours": "40", "field_of_education": "081101"})

    page = client.get(reporting_url(unit)).text
    changes = page.split('id="changes-heading"', 1)[1].split("</table>", 1)[0]
    rows = [
        [
            re.sub(r"<[^>]+>|\s+", " ", cell).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        for row in changes.split("<tbody>", 1)[1].split("</tr>")[:-1]
    ]
    # The same values saved twice are one change; the import is the first recorded.
    assert [row[1:] for row in rows] == [
        ["Alice Nguyen", "40", "081101", "No"],
        ["Alice Nguyen", "30", "081101", "Yes"],
        ["—", "—", "—", "Yes"],
    ]
    assert rows[2][0].endswith("first recorded")
    today = timezone.localdate().strftime("%d/%m/%Y")
    assert all(row[0].startswith(today) for row in rows)
