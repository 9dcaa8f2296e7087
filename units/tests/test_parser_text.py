"""Plain text as a person copies it from a unit's page."""

from units.importing import parse_unit_source

TIDY = """FNSPIM409 - Maintain customer relationship
Release 2

Application
This unit describes the skills required to maintain customer relationships.

No licensing, legislative or certification requirements apply to this unit at the time of publication.

Elements and Performance Criteria
ELEMENT
PERFORMANCE CRITERIA
1. Maintain records of customer interaction
1.1 Collect and check customer information with existing records
1.2 Keep records of customer interaction up to date
2. Provide ongoing customer service
2.1 Review previous interactions with customers

Performance Evidence
Evidence of the ability to:
maintain records and documentation relating to customer relationships
Note: If a specific volume or frequency is not stated, then evidence must be provided at least once.

Knowledge Evidence
To complete the unit requirements safely and effectively, the individual must:
describe a range of techniques used to develop customer relationships
describe key features of:
industry and organisation codes of practice, policy and operating procedures
current organisation’s services
databases and computer systems
relevant legislation.

Assessment Conditions
Assessors must satisfy NVR/AQTF assessor requirements.
"""


def texts(items):
    return [(item.text, texts(item.children)) if item.children else item.text for item in items]


def test_tidy_text_gives_every_part_of_the_unit():
    unit = parse_unit_source(TIDY)
    assert unit.errors == []
    assert (unit.code, unit.title, unit.release) == ("FNSPIM409", "Maintain customer relationship", 2)
    assert unit.application == "This unit describes the skills required to maintain customer relationships."
    assert unit.licensing.startswith("No licensing, legislative")
    assert [(e.number, e.title) for e in unit.elements] == [
        (1, "Maintain records of customer interaction"),
        (2, "Provide ongoing customer service"),
    ]
    assert [(pc.number, pc.text) for pc in unit.elements[0].criteria] == [
        (1, "Collect and check customer information with existing records"),
        (2, "Keep records of customer interaction up to date"),
    ]
    assert texts(unit.performance_evidence) == [
        "maintain records and documentation relating to customer relationships"
    ]
    assert texts(unit.knowledge_evidence) == [
        "describe a range of techniques used to develop customer relationships",
        (
            "describe key features of:",
            [
                "industry and organisation codes of practice, policy and operating procedures",
                "current organisation’s services",
                "databases and computer systems",
                "relevant legislation.",
            ],
        ),
    ]
    assert texts(unit.assessment_conditions) == ["Assessors must satisfy NVR/AQTF assessor requirements."]


def test_boilerplate_and_introductions_are_listed_as_skipped_with_their_lines():
    unit = parse_unit_source(TIDY)
    skipped = {(s.where, s.text) for s in unit.skipped}
    assert ("line 10", "ELEMENT") in skipped
    assert ("line 19", "Evidence of the ability to:") in skipped
    assert any(text.startswith("Note: If a specific volume") for _, text in skipped)
    assert any(text.endswith("the individual must:") for _, text in skipped)


def test_untidy_text_with_windows_line_ends_stray_spaces_and_bullets_reads_the_same():
    untidy = "\r\n".join(
        "   " + line.replace(" ", "  ") + " \u00a0" if line else "\t" for line in TIDY.splitlines()
    )
    untidy = untidy.replace("maintain  records  and", "•  maintain  records  and")
    unit = parse_unit_source(untidy.encode("utf-8"))
    tidy = parse_unit_source(TIDY)
    assert unit.errors == []
    assert unit.snapshot() == tidy.snapshot()


def test_code_and_title_without_dash_are_read():
    unit = parse_unit_source(TIDY.replace("FNSPIM409 - Maintain", "FNSPIM409 Maintain"))
    assert (unit.code, unit.title) == ("FNSPIM409", "Maintain customer relationship")


def test_code_and_title_can_be_given_when_the_text_lacks_them():
    body = TIDY.split("\n", 1)[1]
    refused = parse_unit_source(body)
    assert any("expected the unit code and title first" in error for error in refused.errors)
    unit = parse_unit_source(body, code="fnspim409", title="Maintain customer relationship")
    assert unit.errors == []
    assert unit.code == "FNSPIM409"


def test_given_code_that_disagrees_with_the_text_is_an_error():
    unit = parse_unit_source(TIDY, code="BSBXYZ101", title="Other")
    assert "line 1: the text is for FNSPIM409 but the code given is BSBXYZ101" in unit.errors


def test_seed_style_text_without_headings_uses_the_introductions():
    text = """FNSCUS504
Manage premium customer relationships

This unit describes the skills and knowledge required.

1. Contribute to identification of customer segments
1.1 Analyse and evaluate criteria
Evidence of the ability to:
review data
To complete the unit requirements safely and effectively, the individual must:
explain how customer motivations are tailored
Assessment must be conducted in a safe environment and include access to:
common office equipment and consumables
organisational policy and practices.
Assessors must satisfy NVR/AQTF assessor requirements.
"""
    unit = parse_unit_source(text)
    assert unit.errors == []
    assert unit.title == "Manage premium customer relationships"
    assert unit.application == "This unit describes the skills and knowledge required."
    assert texts(unit.performance_evidence) == ["review data"]
    assert texts(unit.knowledge_evidence) == ["explain how customer motivations are tailored"]
    assert texts(unit.assessment_conditions) == [
        (
            "Assessment must be conducted in a safe environment and include access to:",
            ["common office equipment and consumables", "organisational policy and practices."],
        ),
        "Assessors must satisfy NVR/AQTF assessor requirements.",
    ]
    assert unit.warnings == ["No release number was found; it is taken as release 1."]


def test_criteria_without_numbers_are_numbered_in_order_and_marked():
    text = """BSBTWK201 - Work effectively with others
1. Develop effective workplace relationships
Collect information
Share information
2. Contribute to workgroup activities
Seek support
"""
    unit = parse_unit_source(text)
    assert unit.errors == []
    assert [(pc.number, pc.text, pc.numbered_by_importer) for pc in unit.elements[0].criteria] == [
        (1, "Collect information", True),
        (2, "Share information", True),
    ]
    assert unit.elements[1].criteria[0].number == 1


def test_pasted_table_cells_separated_by_tabs_are_read_one_by_one():
    text = (
        "BSBTWK201 - Work effectively with others\n"
        "ELEMENT\tPERFORMANCE CRITERIA\n"
        "1. Develop relationships\t1.1 Collect information\n"
        "\t1.2 Share information\n"
    )
    unit = parse_unit_source(text)
    assert unit.errors == []
    assert [pc.text for pc in unit.elements[0].criteria] == ["Collect information", "Share information"]


def test_indented_sub_items_nest_by_indentation():
    text = """BSBTWK201 - Work effectively with others
1. Develop relationships
1.1 Collect information
Knowledge Evidence
- workplace procedures for:
    - communication
    - conflict
- equal opportunity principles
"""
    unit = parse_unit_source(text)
    assert texts(unit.knowledge_evidence) == [
        ("workplace procedures for:", ["communication", "conflict"]),
        "equal opportunity principles",
    ]


def test_sections_the_catalogue_does_not_keep_are_skipped_and_shown():
    text = TIDY + "\nModification History\nRelease 1. Supersedes and is equivalent to FNSCUS401.\n"
    unit = parse_unit_source(text)
    assert unit.errors == []
    assert any(s.text.startswith("Release 1. Supersedes") for s in unit.skipped)
    skipped = {s.text: s.reason for s in unit.skipped}
    assert skipped["Modification History"] == "a section the catalogue does not keep"
    assert skipped["Release 1. Supersedes and is equivalent to FNSCUS401."] == (
        "under 'Modification History', a section the catalogue does not keep"
    )
    assert "Supersedes" not in str(unit.snapshot())


LOST_INDENTATION = """BSBTWK201 - Work effectively with others
1. Develop relationships
1.1 Collect information
Knowledge Evidence
describe key features of:
privacy laws
codes of practice
explain how to resolve conflict in a team
outline the organisation's complaints process
"""


def test_an_item_starting_with_a_verb_closes_the_sub_list_when_indentation_is_lost():
    unit = parse_unit_source(LOST_INDENTATION)
    assert texts(unit.knowledge_evidence) == [
        ("describe key features of:", ["privacy laws", "codes of practice"]),
        "explain how to resolve conflict in a team",
        "outline the organisation's complaints process",
    ]


def test_indenting_a_line_in_the_text_puts_it_under_the_item_above():
    fixed = LOST_INDENTATION
    for line in ("privacy laws", "codes of practice", "explain how"):
        fixed = fixed.replace(f"\n{line}", f"\n    {line}")
    unit = parse_unit_source(fixed)
    assert texts(unit.knowledge_evidence) == [
        (
            "describe key features of:",
            ["privacy laws", "codes of practice", "explain how to resolve conflict in a team"],
        ),
        "outline the organisation's complaints process",
    ]
