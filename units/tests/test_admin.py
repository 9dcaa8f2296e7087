"""The Django admin never lets a unit's rows change under a tool that students are assessed on."""

import pytest
from django.conf import settings
from django.urls import reverse

from units.demo import load_demo_tool
from units.models import PerformanceCriterion

pytestmark = pytest.mark.django_db


@pytest.fixture
def published_fnspim409(seed_units, alice):
    return load_demo_tool(settings.BASE_DIR / "fixtures" / "tools" / "FNSPIM409-v1.0.json", by=alice)[0]


def test_unit_mapped_by_a_published_tool_is_read_only_in_the_admin(client, alice, published_fnspim409):
    unit = published_fnspim409.unit
    element = unit.elements.get(number=1)
    criterion = element.criteria.get(number=1)
    client.force_login(alice)

    unit_page = client.get(reverse("admin:units_unit_change", args=[unit.pk])).content.decode()
    element_page = client.get(reverse("admin:units_element_change", args=[element.pk])).content.decode()
    client.post(
        reverse("admin:units_element_change", args=[element.pk]),
        {
            "unit": unit.pk,
            "number": 1,
            "title": "Changed",
            "criteria-TOTAL_FORMS": 1,
            "criteria-INITIAL_FORMS": 1,
            "criteria-0-id": criterion.pk,
            "criteria-0-element": element.pk,
            "criteria-0-number": 1,
            "criteria-0-text": "Tampered",
            "criteria-0-DELETE": "on",
        },
    )
    deleted = client.post(reverse("admin:units_element_delete", args=[element.pk]), {"post": "yes"})

    assert 'name="_save"' not in unit_page
    assert 'name="_save"' not in element_page
    assert "Collect and check customer information with existing records" in element_page
    assert deleted.status_code == 403
    assert PerformanceCriterion.objects.get(pk=criterion.pk).text == criterion.text
    element.refresh_from_db()
    assert element.title != "Changed"


def test_unit_with_only_draft_tools_stays_editable_in_the_admin(client, alice, seed_units):
    element = seed_units["FNSPIM409"].elements.get(number=1)
    client.force_login(alice)
    page = client.get(reverse("admin:units_element_change", args=[element.pk])).content.decode()
    assert 'name="_save"' in page
