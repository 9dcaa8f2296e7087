"""Units of any size, for tests and benchmarks."""

from units.importing import ParsedCriterion, ParsedElement, ParsedItem, ParsedUnit
from units.services import import_unit


def parsed_unit(*, code="TSTXYZ101", title="Test a generated unit", release=1, elements=4, criteria=4):
    """Return a valid ParsedUnit with elements × criteria performance criteria and nested evidence."""
    unit = ParsedUnit(source_format="json", code=code, title=title, release=release)
    for e in range(1, elements + 1):
        element = ParsedElement(e, f"Element {e} of {code}")
        element.criteria = [
            ParsedCriterion(n, f"Criterion {e}.{n} of {code}") for n in range(1, criteria + 1)
        ]
        unit.elements.append(element)
    unit.performance_evidence = [ParsedItem(f"performance evidence {n}") for n in range(1, 4)]
    unit.knowledge_evidence = [
        ParsedItem("explain the rules"),
        ParsedItem(
            "describe key features of:", children=[ParsedItem("codes of practice"), ParsedItem("law.")]
        ),
    ]
    unit.assessment_conditions = [ParsedItem("Assessors must satisfy the Standards.")]
    return unit


def make_unit(**kwargs):
    """Save a generated unit through the import service and return it."""
    return import_unit(parsed_unit(**kwargs)).unit
