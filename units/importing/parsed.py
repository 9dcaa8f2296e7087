"""What the importer makes of a unit before anything is saved: shown in the preview, then saved."""

from dataclasses import dataclass, field

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
            **legacy_sections(self),
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


def legacy_sections(unit):
    """A pre-2013 unit's range statement and evidence guide, as data; nothing for today's units."""
    return {name: getattr(unit, name) for name in LEGACY_SECTIONS if getattr(unit, name)}
