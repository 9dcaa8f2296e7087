"""The demo units in fixtures/ hold exactly the seeds' text."""

import re

import pytest

from conftest import SEEDS_DIR

SEED_FILES = {"FNSCUS504": "000_031ab90b19be28dd.txt", "FNSPIM409": "004_f603ffed17d48b72.txt"}
PC_LINE = re.compile(r"^(\d+)\.(\d+) (.+)$")
ELEMENT_LINE = re.compile(r"^(\d+)\. (.+)$")


def seed_lines(code):
    path = SEEDS_DIR / SEED_FILES[code]
    if not path.exists():
        pytest.fail(f"{path} is missing: the seeds live in ../shared/seeds beside the project")
    return path.read_text(encoding="utf-8").splitlines()


def seed_criteria(code):
    """Every 'n.n text' line of the seed, first occurrence of each number, in order."""
    found = {}
    for line in seed_lines(code):
        match = PC_LINE.match(line.strip())
        if match:
            found.setdefault(f"{match[1]}.{match[2]}", match[3])
    return found


def seed_elements(code):
    found = {}
    for line in seed_lines(code):
        # The evidence guide's indented "  1. …" lines number criteria, not elements.
        match = ELEMENT_LINE.match(line)
        if match:
            found.setdefault(int(match[1]), match[2])
    return found


@pytest.mark.parametrize(("code", "count"), [("FNSCUS504", 15), ("FNSPIM409", 10)])
def test_every_criterion_matches_the_seed_by_number_and_text(seed_units, code, count):
    unit = seed_units[code]
    saved = {
        f"{pc.element.number}.{pc.number}": pc.text
        for element in unit.elements.all()
        for pc in element.criteria.select_related("element")
    }
    assert len(saved) == count
    assert saved == seed_criteria(code)


@pytest.mark.parametrize("code", ["FNSCUS504", "FNSPIM409"])
def test_every_element_matches_the_seed(seed_units, code):
    unit = seed_units[code]
    assert {e.number: e.title for e in unit.elements.all()} == seed_elements(code)


def requirement_texts(unit, kind):
    return [(item.depth, item.text) for item in unit.requirement_items.filter(kind=kind).order_by("sequence")]


def test_fnscus504_evidence_and_conditions_match_the_seed(seed_units):
    unit = seed_units["FNSCUS504"]
    lines = seed_lines("FNSCUS504")
    pe_start = lines.index("Evidence of the ability to:") + 2
    assert requirement_texts(unit, "PE") == [(0, text) for text in lines[pe_start : pe_start + 9 : 2]]
    ke_start = (
        lines.index("To complete the unit requirements safely and effectively, the individual must:") + 2
    )
    assert requirement_texts(unit, "KE") == [(0, text) for text in lines[ke_start : ke_start + 11 : 2]]
    ac_start = next(i for i, line in enumerate(lines) if line.startswith("Assessment must be conducted"))
    assert requirement_texts(unit, "AC") == [
        (0, lines[ac_start]),
        *[(1, text) for text in lines[ac_start + 2 : ac_start + 9 : 2]],
        (0, "Assessors must satisfy NVR/AQTF assessor requirements."),
    ]
    assert unit.licensing == (
        "No licensing, legislative or certification requirements apply to this unit at the time of publication."
    )
    assert unit.application.startswith("This unit describes the skills and knowledge required to build")
    assert unit.application.endswith("high level service in the financial services industry.")


def test_fnspim409_knowledge_evidence_nests_and_there_are_no_conditions(seed_units):
    unit = seed_units["FNSPIM409"]
    assert requirement_texts(unit, "KE") == [
        (0, "describe a range of techniques used to develop customer relationships"),
        (0, "describe key features of:"),
        (1, "industry and organisation codes of practice, policy and operating procedures"),
        (1, "current organisation’s services"),
        (1, "databases and computer systems"),
        (1, "relevant legislation."),
    ]
    lines = seed_lines("FNSPIM409")
    pe_start = lines.index("Evidence of the ability to:") + 2
    assert requirement_texts(unit, "PE") == [(0, text) for text in lines[pe_start : pe_start + 5 : 2]]
    assert requirement_texts(unit, "AC") == []
