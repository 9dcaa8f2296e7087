"""Every write to the unit catalogue: importing a unit release, all or nothing."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Max

from ..importing.parsed import REQUIREMENT_KINDS, assessed_part, optional_sections
from ..models import Element, PerformanceCriterion, RequirementItem, Unit
from ..permissions import can_import_units


class UnitImportError(Exception):
    """The unit cannot be imported; the message says why, for the person importing it."""


@dataclass
class ImportOutcome:
    unit: Unit
    created: bool
    message: str


def unit_snapshot(unit):
    """Return a saved unit as the same plain data a parsed unit gives (the portal's JSON)."""
    elements = unit.elements.prefetch_related("criteria")
    items = list(unit.requirement_items.order_by("kind", "sequence"))
    by_parent = {}
    for item in items:
        by_parent.setdefault((item.kind, item.parent_id), []).append(item)

    def tree(kind, parent_id):
        return [
            {"text": item.text, **({"items": kids} if (kids := tree(kind, item.pk)) else {})}
            for item in by_parent.get((kind, parent_id), [])
        ]

    return {
        "code": unit.code,
        "title": unit.title,
        "release": unit.release,
        "application": unit.application,
        "licensing": unit.licensing,
        "foundation_skills": unit.foundation_skills,
        **optional_sections(unit),
        "elements": [
            {
                "number": element.number,
                "title": element.title,
                "criteria": [{"number": pc.number, "text": pc.text} for pc in element.criteria.all()],
            }
            for element in elements
        ],
        **{name: tree(kind, None) for name, kind in REQUIREMENT_KINDS.items()},
    }


def import_unit(parsed, *, by=None, equivalence=""):
    """Save a parsed unit as a new release, or say it is already in the catalogue unchanged.

    A bad unit saves nothing. The newest release of a code is current; older ones are marked
    superseded by it, and keep their rows (old enrolments were assessed against them). So is the
    current release of a unit the mapping note says this one supersedes. `equivalence`, when the
    admin chose one on the preview, stands instead of what the mapping note states.
    """
    if by is not None and not can_import_units(by):
        raise PermissionDenied
    if parsed.errors:
        raise UnitImportError("The unit has errors and was not imported: " + "; ".join(parsed.errors))
    if equivalence not in {"", *Unit.Equivalence.values}:
        raise UnitImportError(f"'{equivalence}' is not an equivalence the catalogue knows.")
    try:
        return _import_unit(parsed, by=by, equivalence=equivalence)
    except IntegrityError:
        # Two admins importing the same release at once: the second finds the first's row.
        return _import_unit(parsed, by=by, equivalence=equivalence)


@transaction.atomic
def _import_unit(parsed, *, by, equivalence):
    release = parsed.effective_release
    existing = Unit.objects.select_for_update().filter(code=parsed.code, release=release).first()
    if existing:
        if assessed_part(unit_snapshot(existing)) == assessed_part(parsed.snapshot()):
            return ImportOutcome(
                existing,
                created=False,
                message=f"{existing.code} release {release} is already in the catalogue; "
                "nothing was changed.",
            )
        raise UnitImportError(
            f"{parsed.code} release {release} is already in the catalogue with different text. "
            "A changed unit is a new release: give the release number training.gov.au shows."
        )
    unit = Unit.objects.create(
        code=parsed.code,
        title=parsed.title,
        release=release,
        application=parsed.application,
        licensing=parsed.licensing,
        foundation_skills=parsed.foundation_skills,
        range_statement=parsed.range_statement,
        evidence_guide=parsed.evidence_guide,
        prerequisites=parsed.prerequisites,
        mapping_note=parsed.mapping_note,
        supersedes_code=parsed.supersedes_code,
        **_equivalence(parsed, equivalence),
        imported_by=by,
        source_format=parsed.source_format,
    )
    elements = Element.objects.bulk_create(
        Element(unit=unit, number=element.number, title=element.title) for element in parsed.elements
    )
    PerformanceCriterion.objects.bulk_create(
        PerformanceCriterion(element=element, number=pc.number, text=pc.text)
        for element, parsed_element in zip(elements, parsed.elements, strict=True)
        for pc in parsed_element.criteria
    )
    for name, kind in REQUIREMENT_KINDS.items():
        _create_items(unit, kind, getattr(parsed, name))
    _mark_superseded(unit.code)
    unit.refresh_from_db()
    if unit.supersedes_code and unit.status == Unit.Status.CURRENT:
        # A major change is a new code: the old code's current release is superseded by this one.
        Unit.objects.filter(code=unit.supersedes_code, status=Unit.Status.CURRENT).update(
            status=Unit.Status.SUPERSEDED, superseded_by=unit
        )
    return ImportOutcome(unit, created=True, message=_created_message(unit, parsed))


def _equivalence(parsed, chosen):
    """Return the unit's equivalence fields: the admin's choice, else what the mapping note states."""
    if chosen and chosen != parsed.equivalence:
        return {"equivalence": chosen, "equivalence_source": Unit.EquivalenceSource.ADMIN}
    if parsed.equivalence:
        return {"equivalence": parsed.equivalence, "equivalence_source": Unit.EquivalenceSource.MAPPING_NOTE}
    return {}


def _create_items(unit, kind, parsed_items):
    """Save a nested list level by level, so each child knows its parent's key."""
    sequence = 0
    ordered = []

    def walk(items, depth, parent_index):
        nonlocal sequence
        for position, item in enumerate(items, start=1):
            sequence += 1
            ordered.append((item, depth, parent_index, position, sequence))
            walk(item.children, depth + 1, len(ordered) - 1)

    walk(parsed_items, 0, None)
    rows = [None] * len(ordered)
    for level in range(max((depth for _, depth, *_ in ordered), default=-1) + 1):
        batch = [
            (
                index,
                RequirementItem(
                    unit=unit,
                    kind=kind,
                    parent=rows[parent_index] if parent_index is not None else None,
                    position=position,
                    sequence=seq,
                    depth=depth,
                    text=item.text,
                ),
            )
            for index, (item, depth, parent_index, position, seq) in enumerate(ordered)
            if depth == level
        ]
        created = RequirementItem.objects.bulk_create(row for _, row in batch)
        for (index, _), row in zip(batch, created, strict=True):
            rows[index] = row


def _mark_superseded(code):
    releases = Unit.objects.filter(code=code)
    newest = releases.aggregate(newest=Max("release"))["newest"]
    current = releases.get(release=newest)
    releases.filter(pk=current.pk).update(status=Unit.Status.CURRENT, superseded_by=None)
    releases.exclude(pk=current.pk).update(status=Unit.Status.SUPERSEDED, superseded_by=current)


def _created_message(unit, parsed):
    message = (
        f"Imported {unit.code} {unit.title}, release {unit.release}: "
        f"{len(parsed.elements)} elements, {parsed.criteria_count} performance criteria."
    )
    older = unit.supersedes.order_by("-release").first()
    if older:
        named = "Release" if older.code == unit.code else f"{older.code} release"
        message += f" {named} {older.release} is now marked superseded."
    elif unit.status == Unit.Status.SUPERSEDED:
        message += f" A newer release ({unit.superseded_by.release}) is current."
    return message


REPORTING_FIELDS = ("nominal_hours", "field_of_education", "vet_flag")


@transaction.atomic
def set_unit_reporting(unit, *, by, nominal_hours, field_of_education, vet_flag):
    """Set what the national VET data standard reports about the unit (AVETMISS NAT00060).

    These are the RTO's figures, not training.gov.au's text, so they change even on a release that
    a published tool maps: nothing a student was assessed against moves.
    """
    if not can_import_units(by):
        raise PermissionDenied
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    unit.nominal_hours, unit.field_of_education, unit.vet_flag = nominal_hours, field_of_education, vet_flag
    unit.full_clean()
    unit.save(update_fields=REPORTING_FIELDS)
    return unit
