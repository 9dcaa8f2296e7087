"""The import preview shows the nesting of evidence items and lets the admin fix it before saving."""

import pytest
from django.urls import reverse

from units.models import RequirementItem, Unit
from units.tests.test_parser_text import LOST_INDENTATION

pytestmark = pytest.mark.django_db


def preview(client, text):
    return client.post(reverse("units:unit_import"), {"text": text})


def test_preview_of_pasted_text_shows_the_nesting_and_keeps_the_text_to_edit(client, alice):
    client.force_login(alice)
    page = preview(client, LOST_INDENTATION).content.decode()
    assert (
        '<span class="lead-in">describe key features of:</span> <span class="badge text-bg-light border">2 sub-items</span>'
        in page
    )
    assert "Edit the text and preview again" in page
    assert "explain how to resolve conflict in a team\n" in page  # in the editable text
    assert "Start again" not in page
    assert not Unit.objects.exists()


def test_the_nesting_fixed_in_the_preview_is_what_is_saved(client, alice):
    client.force_login(alice)
    fixed = LOST_INDENTATION
    for line in ("privacy laws", "codes of practice", "explain how"):
        fixed = fixed.replace(f"\n{line}", f"\n    {line}")
    response = preview(client, fixed)
    assert "3 sub-items" in response.content.decode()
    confirm = response.context["confirm_form"]
    client.post(reverse("units:unit_import_confirm"), {field.name: field.value() or "" for field in confirm})
    lead_in = RequirementItem.objects.get(text="describe key features of:")
    assert list(lead_in.children.order_by("position").values_list("text", "depth")) == [
        ("privacy laws", 1),
        ("codes of practice", 1),
        ("explain how to resolve conflict in a team", 1),
    ]
    assert RequirementItem.objects.get(text="outline the organisation's complaints process").depth == 0
