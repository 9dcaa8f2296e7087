"""What the importer makes of a unit before anything is saved: shown in the preview, then saved."""

import re
from dataclasses import dataclass, field

UNIT_CODE = r"[A-Z]{3}[A-Z]{2,5}[0-9]{3,4}[A-Z]?"
REQUIREMENT_KINDS = {
    "performance_evidence": "PE",
    "knowledge_evidence": "KE",
    "assessment_conditions": "AC",
}


@dataclass
class ParsedCriterion:
    number: int
    text: str
    where: str = ""
    numbered_by_importer: bool = False

    def code(self, element_number):
        return f"{element_number}.{self.number}"


@dataclass
class ParsedElement:
    number: int
    title: str
    where: str = ""
    criteria: list[ParsedCriterion] = field(default_factory=list)


@dataclass
class ParsedItem:
    text: str
    where: str = ""
    children: list["ParsedItem"] = field(default_factory=list)

    def snapshot(self):
        entry = {"text": self.text}
        if self.children:
            entry["items"] = [child.snapshot() for child in self.children]
        return entry


@dataclass
class Skipped:
    """A piece of the source the importer did not use, and why: the preview lists every one."""

    where: str
    text: str
    reason: str


@dataclass
class ParsedUnit:
    source_format: str
    code: str = ""
    title: str = ""
    release: int | None = None
    application: str = ""
    licensing: str = ""
    foundation_skills: str = ""
    range_statement: str = ""
    evidence_guide: str = ""
    # Not assessed, but kept: what the unit needs first and what it replaces.
    prerequisites: str = ""
    mapping_note: str = ""
    elements: list[ParsedElement] = field(default_factory=list)
    performance_evidence: list[ParsedItem] = field(default_factory=list)
    knowledge_evidence: list[ParsedItem] = field(default_factory=list)
    assessment_conditions: list[ParsedItem] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def is_valid(self):
        return not self.errors

    @property
    def criteria_count(self):
        return sum(len(element.criteria) for element in self.elements)

    @property
    def effective_release(self):
        return self.release or 1

    @property
    def supersedes_code(self):
        return superseded_code(self.mapping_note, self.code)

    @property
    def equivalence(self):
        return stated_equivalence(self.mapping_note)

    def error(self, where, message):
        self.errors.append(f"{where}: {message}" if where else message)

    def skip(self, where, text, reason):
        self.skipped.append(Skipped(where, text, reason))

    def snapshot(self):
        """Return the unit as plain data: the project's JSON format, and what "unchanged" means."""
        return {
            "code": self.code,
            "title": self.title,
            "release": self.effective_release,
            "application": self.application,
            "licensing": self.licensing,
            "foundation_skills": self.foundation_skills,
            **optional_sections(self),
            "elements": [
                {
                    "number": element.number,
                    "title": element.title,
                    "criteria": [{"number": pc.number, "text": pc.text} for pc in element.criteria],
                }
                for element in self.elements
            ],
            **{name: [item.snapshot() for item in getattr(self, name)] for name in REQUIREMENT_KINDS},
        }


LEGACY_SECTIONS = ("range_statement", "evidence_guide")
# About the unit rather than what is assessed: a release is the same release whatever they say.
NOTE_SECTIONS = ("prerequisites", "mapping_note")


def optional_sections(unit):
    """Sections only some units have (a pre-2013 unit's range statement, a mapping note), as data."""
    return {name: getattr(unit, name) for name in LEGACY_SECTIONS + NOTE_SECTIONS if getattr(unit, name)}


def assessed_part(snapshot):
    """Return a snapshot without the notes about the unit: what decides "the same release"."""
    return {key: value for key, value in snapshot.items() if key not in NOTE_SECTIONS}


CODE_IN_TEXT_RE = re.compile(rf"\b{UNIT_CODE}\b")
NOT_EQUIVALENT_RE = re.compile(r"\b(not|no|non)[\s-]+equivalent\b", re.IGNORECASE)
EQUIVALENT_RE = re.compile(r"\bequivalent\b", re.IGNORECASE)
EQUIVALENT = "equivalent"
NOT_EQUIVALENT = "not_equivalent"


def superseded_code(mapping_note, own_code):
    """Return the first unit code a mapping note names other than the unit's own, or ""."""
    for code in CODE_IN_TEXT_RE.findall(mapping_note):
        if code != own_code:
            return code
    return ""


def stated_equivalence(mapping_note):
    """Return what a mapping note says ("Supersedes and is equivalent to …"): equivalent, not, or ""."""
    if NOT_EQUIVALENT_RE.search(mapping_note):
        return NOT_EQUIVALENT
    if EQUIVALENT_RE.search(mapping_note):
        return EQUIVALENT
    return ""
