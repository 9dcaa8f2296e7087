"""The cohort page counts and lists only the enrolments made through that cohort."""

import datetime

import pytest
from django.urls import reverse

from evidence.models import Cohort, Enrolment

pytestmark = pytest.mark.django_db


@pytest.fixture
def charlie_in_two_cohorts(cohort, tools, charlie, dana):
    """Charlie does FNSPIM409 with this cohort and FNSCUS504 with an evening class."""
    evening = Cohort.objects.create(
        name="Evening class", code="FNS-E1", start_date=datetime.date(2026, 10, 5)
    )
    for group in (cohort, evening):
        group.students.add(charlie)
    cohort.students.add(dana)
    Enrolment.objects.create(
        student=charlie, tool=tools["FNSPIM409"], cohort=cohort, enrolled_on=datetime.date(2026, 10, 5)
    )
    Enrolment.objects.create(
        student=charlie, tool=tools["FNSCUS504"], cohort=evening, enrolled_on=datetime.date(2026, 10, 5)
    )
    return cohort, evening


def enrolled_units(page):
    """The units listed as enrolled, and each student's enrolment badges, as the page shows them."""
    listed = page.split('<ul class="mb-3">')[1].split("</ul>")[0]
    table = page.split("<tbody>")[1].split("</tbody>")[0]
    return listed, table


def test_cohort_page_shows_only_its_own_enrolments(client, alice, charlie_in_two_cohorts):
    cohort, evening = charlie_in_two_cohorts
    client.force_login(alice)
    listed, table = enrolled_units(
        client.get(reverse("evidence:cohort_detail", args=[cohort.pk])).content.decode()
    )
    assert "FNSPIM409</span> Maintain customer relationship</a> · v1.0 · 1 of 2 students enrolled" in listed
    assert "FNSCUS504" not in listed
    assert "FNSCUS504" not in table
    listed, table = enrolled_units(
        client.get(reverse("evidence:cohort_detail", args=[evening.pk])).content.decode()
    )
    assert (
        "FNSCUS504</span> Manage premium customer relationships</a> · v1.0 · 1 of 1 student enrolled"
        in listed
    )
    assert "FNSPIM409" not in listed
    assert "FNSPIM409" not in table
