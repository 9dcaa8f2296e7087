"""Rules every parsed unit must meet before it can be saved, whatever format it came in."""

import re

MAX_TITLE = 300
CODE_RE = re.compile(r"^[A-Z]{3}[A-Z]{2,5}[0-9]{3,4}[A-Z]?$")


def check_unit(unit):
    """Add an error to the unit for every rule it breaks, and a warning for what looks thin."""
    if unit.code and not CODE_RE.match(unit.code):
        unit.error("", f"'{unit.code}' is not a unit code (three letters, letters, digits: FNSCUS504)")
    if unit.code and not unit.title:
        unit.error("", f"no title was found for {unit.code}")
    if len(unit.title) > MAX_TITLE:
        unit.error("", f"the title is longer than {MAX_TITLE} characters")
    if unit.release is not None and not 1 <= unit.release <= 999:
        unit.error("", f"release {unit.release} is not a release number (1 to 999)")
    if not unit.elements:
        unit.error(
            "",
            "no elements were found: expected lines like '1. Element title' followed by "
            "'1.1 Performance criterion'",
        )
    for element in unit.elements:
        if not element.criteria:
            unit.error(element.where, f"element {element.number} has no performance criteria")
    if unit.elements and not unit.performance_evidence:
        unit.warnings.append("No performance evidence was found.")
    if unit.elements and not unit.knowledge_evidence:
        unit.warnings.append("No knowledge evidence was found.")
