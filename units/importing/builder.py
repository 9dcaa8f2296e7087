"""Turn a unit's lines, from pasted text or training.gov.au XML, into a ParsedUnit.

Readers (text.py, authorit.py) say only where each line came from, its text, how far it was
indented and whether the source marks it as a heading. Everything about what a line means lives
here, so every format follows the same rules and reports problems the same way.
"""

import re
from dataclasses import dataclass

from .checks import check_unit
from .parsed import UNIT_CODE, ParsedCriterion, ParsedElement, ParsedItem, ParsedUnit

HEADER_RE = re.compile(
    rf"^(?:.*?:\s*)?(?P<code>{UNIT_CODE})(?:\s*[-–—:|]\s*|\s+)(?P<title>\S.*?)"
    r"(?:\s*\(Release\s+(?P<release>\d+)\))?$"
)
CODE_ONLY_RE = re.compile(rf"^(?P<code>{UNIT_CODE})$")
RELEASE_RE = re.compile(r"^Release(?: number)?:?\s*(?P<release>\d+)$", re.IGNORECASE)
# A criterion's number as units are written and copied: "1.1 Text", "1.1. Text", "1.1.Text", "1.1) Text".
CRITERION_RE = re.compile(
    r"^(?P<element>\d{1,3})\.(?P<number>\d{1,3})(?:[.)]\s*(?=[^\d\s])|[.)]?\s+)(?P<text>\S.*)$"
)
ELEMENT_RE = re.compile(r"^(?:Element\s+)?(?P<number>\d{1,3})(?:[.:)]\s*|\s+)(?P<title>[^\d\s].*)$")
# An element's number alone ("Element 1:", "1."), its title on the next line.
ELEMENT_NUMBER_RE = re.compile(
    r"^(?:Element\s+(?P<named>\d{1,3})[.:]?|(?P<bare>\d{1,3})[.:])$", re.IGNORECASE
)

# Section headings as training.gov.au prints them, and where their content goes.
HEADINGS = {
    "application": "application",
    "application of the unit": "application",
    "unit application": "application",
    "elements and performance criteria": "elements",
    "elements and performance criteria pre-content": "elements",
    "performance evidence": "performance_evidence",
    "knowledge evidence": "knowledge_evidence",
    "assessment conditions": "assessment_conditions",
    "foundation skills": "foundation_skills",
    "licensing/regulatory information": "licensing",
    "licensing information": "licensing",
    "modification history": "ignored",
    "unit mapping information": "mapping_note",
    "mapping information": "mapping_note",
    "links": "ignored",
    "prerequisite unit": "prerequisites",
    "prerequisite units": "prerequisites",
    "prerequisite unit(s)": "prerequisites",
    "pre-requisite unit": "prerequisites",
    "pre-requisite units": "prerequisites",
    "prerequisites": "prerequisites",
    "competency field": "ignored",
    "unit sector": "ignored",
    "range of conditions": "ignored",
    "employability skills": "ignored",
    "unit descriptor": "application",
    # Units written before 2013: skills and knowledge become the evidence lists tasks map.
    "required skills and knowledge": "required_skills_and_knowledge",
    "required skills": "required_skills",
    "required knowledge": "required_knowledge",
    "range statement": "range_statement",
    "evidence guide": "evidence_guide",
}
LIST_SECTIONS = ("performance_evidence", "knowledge_evidence", "assessment_conditions")
# Free text kept whole: a sentence in it that looks like the start of a list stays in it.
TEXT_SECTIONS = ("range_statement", "evidence_guide")
SECTION_NAMES = {
    "application": "Application",
    "elements": "Elements and Performance Criteria",
    "performance_evidence": "Performance Evidence",
    "knowledge_evidence": "Knowledge Evidence",
    "assessment_conditions": "Assessment Conditions",
    "foundation_skills": "Foundation Skills",
    "licensing": "Licensing",
    "required_skills_and_knowledge": "Required Skills and Knowledge",
    "required_skills": "Required skills",
    "required_knowledge": "Required knowledge",
    "range_statement": "Range Statement",
    "evidence_guide": "Evidence Guide",
    "mapping_note": "Unit Mapping Information",
    "prerequisites": "Prerequisite Unit",
}
LEGACY_NOTE = (
    "This unit is in the pre-2013 format: its required skills are kept as performance evidence and "
    "its required knowledge as knowledge evidence, so tasks and the matrix can map them; the range "
    "statement and evidence guide are kept as text on the unit page."
)

# Sentences every unit carries, which are no part of this unit's requirements.
BOILERPLATE = (
    re.compile(r"^elements?$", re.IGNORECASE),
    re.compile(r"^performance criteria$", re.IGNORECASE),
    re.compile(r"^elements?\s+performance criteria$", re.IGNORECASE),
    re.compile(r"^elements describe the essential outcomes\.?$", re.IGNORECASE),
    re.compile(r"^performance criteria describe the performance needed", re.IGNORECASE),
    re.compile(r"^note: if a specific volume or frequency is not stated", re.IGNORECASE),
    re.compile(r"^assessment requirements for ", re.IGNORECASE),
    re.compile(r"^unit of competency details$", re.IGNORECASE),
)
PE_INTRO_RE = re.compile(r"evidence of the ability to:?$", re.IGNORECASE)
KE_INTRO_RE = re.compile(
    r"(the individual must|demonstrate knowledge\b.*|this includes knowledge of):?$", re.IGNORECASE
)
AC_START_RE = re.compile(r"^assessment (must be conducted|of skills must take place)", re.IGNORECASE)
LICENSING_RE = re.compile(r"^no licensing, legislative", re.IGNORECASE)
BULLET_RE = re.compile(r"^(?P<bullet>[•●▪■◦○·\-–*]|o(?=\s))\s+")
SUB_BULLETS = {"◦", "○", "o", "▪", "■", "–"}


@dataclass(frozen=True)
class Line:
    """One line of a unit's source, as a reader found it."""

    where: str
    text: str
    indent: int = 0
    heading: bool = False


def heading_section(text, *, loose=False):
    """Return the section a heading names, or None; XML topic titles may carry extra words."""
    key = text.strip().rstrip(":").strip().lower()
    if key in HEADINGS:
        return HEADINGS[key]
    if loose:
        for name, section in HEADINGS.items():
            if name in key and len(name) > 5:
                return section
    return None


def build_unit(lines, *, source_format, code=None, title=None, release=None):
    """Build a ParsedUnit from a reader's lines; problems are collected, never raised."""
    builder = _Builder(source_format, code=code, title=title, release=release)
    for line in lines:
        builder.feed(line)
    return builder.finish()


class _Builder:
    def __init__(self, source_format, *, code, title, release):
        self.unit = ParsedUnit(source_format=source_format, release=release)
        self.given_code, self.given_title = code, title
        self.section = "header"
        self.application = []
        self.foundation = []
        self.licensing = []
        self.list_lines = {name: [] for name in LIST_SECTIONS}
        self.element_seen = {}
        self.criterion_seen = {}
        self.first_where = None
        if code and title:
            self.unit.code, self.unit.title = code.strip().upper(), title.strip()
        self.awaiting_title_after = None
        self.pending_element = None
        self.legacy = False
        self.ignored_heading = ""
        self.range_statement = []
        self.evidence_guide = []
        self.notes = {"prerequisites": [], "mapping_note": []}

    # -- dispatch -------------------------------------------------------------------------
    def feed(self, line):
        text = line.text
        if not text:
            return
        if self.first_where is None:
            self.first_where = line.where
        if self.awaiting_title_after is not None:
            self.awaiting_title_after = None
            if not self._is_structure(line):
                self.unit.title = text
                return
            self.unit.error(line.where, "expected the unit title after the code")
        section = heading_section(text, loose=line.heading) if (line.heading or len(text) < 60) else None
        if section:
            self._start(section, line)
            return
        if line.heading and not (self.section == "header" and HEADER_RE.match(text)):
            self._start("ignored", line)
            return
        if any(pattern.search(text) for pattern in BOILERPLATE):
            self.unit.skip(line.where, text, "standard wording found in every unit")
            return
        if self.section == "header":
            self._header(line)
            return
        release = RELEASE_RE.match(text)
        if release and self.section in {"preamble", "application"}:
            self._set_release(int(release["release"]), line)
            return
        if self._introduces("performance_evidence", PE_INTRO_RE, text):
            self.section = "performance_evidence"
            self.unit.skip(line.where, text, "introduces the performance evidence")
            return
        if self._introduces("knowledge_evidence", KE_INTRO_RE, text):
            self.section = "knowledge_evidence"
            self.unit.skip(line.where, text, "introduces the knowledge evidence")
            return
        if AC_START_RE.search(text) and self.section not in {"assessment_conditions", *TEXT_SECTIONS}:
            self.section = "assessment_conditions"
        getattr(self, f"_in_{self.section}")(line)

    def _introduces(self, section, pattern, text):
        """Is this the sentence that opens a list ("Evidence of the ability to:")?"""
        if not pattern.search(text):
            return False
        if self.section == section:
            return not self.list_lines[section]
        return self.section not in {"assessment_conditions", "ignored", *TEXT_SECTIONS}

    def _is_structure(self, line):
        return bool(
            heading_section(line.text) or CRITERION_RE.match(line.text) or ELEMENT_RE.match(line.text)
        )

    def _start(self, section, line):
        self.section = section
        if section == "ignored":
            # The preview lists what was left out under the heading it came from.
            self.ignored_heading = line.text.rstrip(":")
            self.unit.skip(line.where, line.text, "a section the catalogue does not keep")
            return
        if not self.unit.code:
            self._missing_header(line)
            self.section = section

    def _missing_header(self, line):
        if not self.unit.errors or "unit code" not in self.unit.errors[0]:
            self.unit.error(
                self.first_where or line.where,
                "expected the unit code and title first, as in "
                "'FNSPIM409 - Maintain customer relationship' (or give the code and title)",
            )

    # -- header and free text -------------------------------------------------------------
    def _header(self, line):
        text = line.text
        match = HEADER_RE.match(text)
        if match and not CRITERION_RE.match(text):
            self._set_code(match["code"], line)
            if not self.unit.title:
                self.unit.title = match["title"]
            if match["release"]:
                self._set_release(int(match["release"]), line)
            self.section = "preamble"
            return
        match = CODE_ONLY_RE.match(text)
        if match:
            self._set_code(match["code"], line)
            self.section = "preamble"
            if not self.unit.title:
                self.awaiting_title_after = line.where
            return
        if self.given_code and self.given_title:
            # The text has no header line of its own: it starts with the unit's content.
            self.section = "preamble"
            self._in_preamble(line)
            return
        if ELEMENT_RE.match(text) or CRITERION_RE.match(text):
            self._missing_header(line)
            self.section = "elements"
            self._in_elements(line)
            return
        self.unit.skip(line.where, text, "comes before the unit code and title")

    def _set_code(self, code, line):
        if self.given_code and code != self.given_code.strip().upper():
            self.unit.error(line.where, f"the text is for {code} but the code given is {self.given_code}")
        self.unit.code = code

    def _set_release(self, release, line):
        if self.unit.release and self.unit.release != release:
            self.unit.error(
                line.where, f"the text says release {release} but release {self.unit.release} was given"
            )
            return
        self.unit.release = release

    def _in_preamble(self, line):
        if ELEMENT_RE.match(line.text) or CRITERION_RE.match(line.text):
            self.section = "elements"
            self._in_elements(line)
        else:
            self._in_application(line)

    def _in_application(self, line):
        if LICENSING_RE.search(line.text):
            self.licensing.append(line.text)
        else:
            self.application.append(line.text)

    def _in_licensing(self, line):
        self.licensing.append(line.text)

    def _in_foundation_skills(self, line):
        self.foundation.append(line.text)

    # -- the pre-2013 format --------------------------------------------------------------
    def _in_required_skills_and_knowledge(self, line):
        self.legacy = True
        self.unit.skip(line.where, line.text, "introduces the required skills and knowledge")

    def _in_required_skills(self, line):
        self.legacy = True
        self._list_line("performance_evidence", line)

    def _in_required_knowledge(self, line):
        self.legacy = True
        self._list_line("knowledge_evidence", line)

    def _in_range_statement(self, line):
        self.legacy = True
        self.range_statement.append(line.text)

    def _in_evidence_guide(self, line):
        self.legacy = True
        self.evidence_guide.append(line.text)

    # -- not assessed, but kept on the unit ----------------------------------------------
    def _in_prerequisites(self, line):
        self.notes["prerequisites"].append(line.text)

    def _in_mapping_note(self, line):
        self.notes["mapping_note"].append(line.text)

    def _in_ignored(self, line):
        self.unit.skip(
            line.where, line.text, f"under '{self.ignored_heading}', a section the catalogue does not keep"
        )

    # -- elements and performance criteria ------------------------------------------------
    def _in_elements(self, line):
        text = BULLET_RE.sub("", line.text)
        if self.pending_element is not None:
            number, where = self.pending_element
            self.pending_element = None
            if not (CRITERION_RE.match(text) or ELEMENT_RE.match(text) or ELEMENT_NUMBER_RE.match(text)):
                self._element(number, text, Line(where, text))
                return
            self.unit.error(where, f"element {number} has no title: expected it on the next line")
        alone = ELEMENT_NUMBER_RE.match(text)
        if alone:
            self.pending_element = (int(alone["named"] or alone["bare"]), line.where)
            return
        criterion = CRITERION_RE.match(text)
        if criterion:
            self._criterion(int(criterion["element"]), int(criterion["number"]), criterion["text"], line)
            return
        element = ELEMENT_RE.match(text)
        if element:
            self._element(int(element["number"]), element["title"], line)
            return
        if not self.unit.elements:
            self.unit.skip(line.where, line.text, "text before the first element")
            return
        current = self.unit.elements[-1]
        if any(not pc.numbered_by_importer for pc in current.criteria):
            self.unit.error(
                line.where,
                f"'{_short(text)}' has no number, but the other criteria of element "
                f"{current.number} do (expected '{current.number}.{len(current.criteria) + 1} …')",
            )
            return
        current.criteria.append(
            ParsedCriterion(len(current.criteria) + 1, text, line.where, numbered_by_importer=True)
        )

    def _element(self, number, title, line):
        expected = len(self.unit.elements) + 1
        if number in self.element_seen:
            self.unit.error(
                line.where,
                f"element '{number}' appears twice (first at {self.element_seen[number]})",
            )
            return
        if number != expected:
            if self.unit.elements:
                previous = self.unit.elements[-1].number
                self.unit.error(line.where, f"element '{number}' follows element '{previous}'")
            else:
                self.unit.error(line.where, f"the first element is '{number}'; expected '1'")
        self.element_seen[number] = line.where
        # Some pages end element titles with a full stop, most do not: the catalogue keeps none.
        self.unit.elements.append(ParsedElement(number, title.rstrip().removesuffix("."), line.where))

    def _criterion(self, element_number, number, text, line):
        code = f"{element_number}.{number}"
        if code in self.criterion_seen:
            self.unit.error(line.where, f"'{code}' appears twice (first at {self.criterion_seen[code]})")
            return
        self.criterion_seen[code] = line.where
        if not self.unit.elements:
            self.unit.error(line.where, f"'{code}' comes before any element")
            return
        element = self.unit.elements[-1]
        if element_number != element.number:
            self.unit.error(
                line.where,
                f"'{code}' is listed under element {element.number} "
                f"(expected '{element.number}.{len(element.criteria) + 1}')",
            )
            return
        if any(pc.numbered_by_importer for pc in element.criteria):
            self.unit.error(
                line.where,
                f"'{code}' has a number, but the criteria before it in element {element.number} do not",
            )
            return
        expected = len(element.criteria) + 1
        if number != expected:
            if element.criteria:
                self.unit.error(line.where, f"'{code}' follows '{element.number}.{expected - 1}'")
            else:
                self.unit.error(
                    line.where,
                    f"'{code}' is the first criterion of element {element.number}; "
                    f"expected '{element.number}.1'",
                )
        element.criteria.append(ParsedCriterion(number, text, line.where))

    # -- evidence and conditions lists ----------------------------------------------------
    def _in_performance_evidence(self, line):
        self._list_line("performance_evidence", line)

    def _in_knowledge_evidence(self, line):
        self._list_line("knowledge_evidence", line)

    def _in_assessment_conditions(self, line):
        self._list_line("assessment_conditions", line)

    def _list_line(self, section, line):
        # A numbered criterion among evidence items means the elements table is repeated.
        if CRITERION_RE.match(BULLET_RE.sub("", line.text)):
            self._in_elements(line)
            return
        self.list_lines[section].append(line)

    # -- the end --------------------------------------------------------------------------
    def finish(self):
        unit = self.unit
        if self.section == "header" and not unit.code:
            self._missing_header(Line(self.first_where or "line 1", ""))
        if self.given_title and not unit.title:
            unit.title = self.given_title.strip()
        unit.application = "\n\n".join(self.application)
        unit.licensing = "\n\n".join(self.licensing)
        unit.foundation_skills = "\n".join(self.foundation)
        unit.range_statement = "\n".join(self.range_statement)
        unit.evidence_guide = "\n".join(self.evidence_guide)
        for name, lines in self.notes.items():
            setattr(unit, name, "\n".join(lines))
        if self.legacy:
            unit.warnings.append(LEGACY_NOTE)
        for section in LIST_SECTIONS:
            setattr(unit, section, build_list(self.list_lines[section]))
        if unit.release is None:
            unit.warnings.append("No release number was found; it is taken as release 1.")
        check_unit(unit)
        return unit


def build_list(lines):
    """Nest a section's lines into items.

    Where the source shows nesting (indentation, or a second kind of bullet), that decides.
    Otherwise an item ending in ':' opens a sub-list, as in FNSPIM409's "describe key features
    of:" and its four sub-items, which a sub-item ending in '.' closes, or an item that starts
    with a verb as evidence items do ("explain …"). The preview shows the result, and indenting
    the text there decides it.
    """
    entries = []
    for line in lines:
        match = BULLET_RE.match(line.text)
        bullet = match["bullet"] if match else ""
        text = BULLET_RE.sub("", line.text).strip()
        if text:
            entries.append((line, bullet, text))
    indents = sorted({line.indent for line, _, _ in entries})
    bullets = {bullet for _, bullet, _ in entries if bullet}
    if len(indents) > 1:
        depths = [indents.index(line.indent) for line, _, _ in entries]
    elif len(bullets) > 1 and bullets & SUB_BULLETS:
        depths = [1 if bullet in SUB_BULLETS else 0 for _, bullet, _ in entries]
    else:
        depths = _depths_from_colons([text for _, _, text in entries])
    items, path = [], []
    for (line, _, text), depth in zip(entries, depths, strict=True):
        depth = min(depth, len(path))
        item = ParsedItem(text, line.where)
        del path[depth:]
        (path[-1].children if path else items).append(item)
        path.append(item)
    return items


# Performance and knowledge evidence items start with what the student does ("explain …",
# "describe key features of:"); the items of a sub-list under them are things ("privacy law").
# So without indentation, an item that starts with one of these verbs is back at the top level.
LEADING_VERBS = frozenset(
    (  # noqa: SIM905 - the verbs read best as words
        "analyse apply assess calculate check communicate compare complete conduct define "
        "demonstrate describe determine develop discuss evaluate explain follow identify implement "
        "interpret list maintain manage monitor negotiate obtain outline plan prepare present "
        "prioritise produce provide recognise record report research resolve review select "
        "summarise use write "
    ).split()
)


def _depths_from_colons(texts):
    depths, open_list = [], False
    for text in texts:
        starts_anew = text.split(" ", 1)[0].lower() in LEADING_VERBS
        if open_list and not starts_anew:
            depths.append(1)
            open_list = not text.endswith(".")
        else:
            depths.append(0)
            open_list = text.endswith(":")
    return depths


def _short(text, limit=60):
    return text if len(text) <= limit else text[: limit - 1] + "…"
