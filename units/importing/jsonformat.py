"""The portal's own JSON format for a unit: what `ParsedUnit.snapshot()` writes, read back.

{"format": "assessor-portal-unit/1", "code": "FNSPIM409", "title": "…", "release": 1,
 "application": "…", "licensing": "…", "foundation_skills": "",
 "elements": [{"number": 1, "title": "…", "criteria": [{"number": 1, "text": "…"}]}],
 "performance_evidence": [{"text": "…", "items": [{"text": "…"}]}],
 "knowledge_evidence": […], "assessment_conditions": […]}
"""

import json

from .checks import check_unit
from .parsed import REQUIREMENT_KINDS, ParsedCriterion, ParsedElement, ParsedItem, ParsedUnit

FORMAT = "assessor-portal-unit/1"
TEXT_FIELDS = (
    "application",
    "licensing",
    "foundation_skills",
    "range_statement",
    "evidence_guide",
    "prerequisites",
    "mapping_note",
)


def dump_unit_json(snapshot):
    """Return a unit snapshot as the portal's JSON text."""
    return json.dumps({"format": FORMAT, **snapshot}, ensure_ascii=False, indent=2) + "\n"


def parse_unit_json(text, *, code=None, title=None, release=None):
    """Read the portal's JSON format into a ParsedUnit, collecting every problem."""
    unit = ParsedUnit(source_format="json")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        unit.error(f"line {error.lineno}", f"the JSON is not valid ({error.msg}, column {error.colno})")
        return unit
    if not isinstance(data, dict):
        unit.error("", "the JSON must be an object with the unit's code, title and elements")
        return unit
    if data.get("format", FORMAT) != FORMAT:
        unit.error("format", f"'{data.get('format')}' is not a format this portal reads ({FORMAT})")
    unit.code = (code or _string(unit, data, "code")).strip().upper()
    unit.title = (title or _string(unit, data, "title")).strip()
    unit.release = release or _release(unit, data.get("release"))
    for name in TEXT_FIELDS:
        setattr(unit, name, _string(unit, data, name))
    unit.elements = _elements(unit, data.get("elements"))
    for name in REQUIREMENT_KINDS:
        setattr(unit, name, _items(unit, data.get(name, []), name))
    if unit.release is None:
        unit.warnings.append("No release number was found; it is taken as release 1.")
    check_unit(unit)
    return unit


def _string(unit, data, key):
    value = data.get(key, "")
    if not isinstance(value, str):
        unit.error(key, "must be text")
        return ""
    return value


def _release(unit, value):
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        unit.error("release", "must be a whole number")
        return None
    return value


def _elements(unit, value):
    if not isinstance(value, list):
        unit.error("elements", "must be a list of elements")
        return []
    elements = []
    for index, raw in enumerate(value):
        where = f"elements[{index}]"
        if not isinstance(raw, dict) or not isinstance(raw.get("title"), str):
            unit.error(where, "must have a number, a title and criteria")
            continue
        number = _number(unit, raw.get("number"), index + 1, where, f"element {index + 1}")
        element = ParsedElement(number, raw["title"].strip(), where)
        criteria = raw.get("criteria")
        if not isinstance(criteria, list):
            unit.error(where, "'criteria' must be a list")
            criteria = []
        for position, pc in enumerate(criteria):
            pc_where = f"{where}.criteria[{position}]"
            if not isinstance(pc, dict) or not isinstance(pc.get("text"), str):
                unit.error(pc_where, "must have a number and a text")
                continue
            expected = f"{number}.{position + 1}"
            pc_number = _number(unit, pc.get("number"), position + 1, pc_where, expected)
            element.criteria.append(ParsedCriterion(pc_number, pc["text"].strip(), pc_where))
        elements.append(element)
    return elements


def _number(unit, value, expected, where, label):
    if value is None:
        return expected
    if value != expected:
        unit.error(where, f"is numbered {value!r}; expected '{label}' (numbers follow in order)")
    return value if isinstance(value, int) and not isinstance(value, bool) else expected


def _items(unit, value, where):
    if not isinstance(value, list):
        unit.error(where, "must be a list")
        return []
    items = []
    for index, raw in enumerate(value):
        item_where = f"{where}[{index}]"
        if isinstance(raw, str):
            raw = {"text": raw}
        if not isinstance(raw, dict) or not isinstance(raw.get("text"), str) or not raw["text"].strip():
            unit.error(item_where, "must have a text")
            continue
        children = _items(unit, raw.get("items", []), f"{item_where}.items")
        items.append(ParsedItem(raw["text"].strip(), item_where, children))
    return items
