"""Layouts found on real unit pages and RTO course pages, in text written for the tests."""

import pytest

from units.importing import parse_unit_source

REST = """
Performance Evidence
Evidence of the ability to:
review customer data

Knowledge Evidence
The individual must:
explain privacy law

Assessment Conditions
Assessment must be conducted in a safe environment.
"""


def unit(elements_block, header="FNSPIM409 - Maintain customer relationship"):
    return parse_unit_source(
        f"{header}\nApplication\nThis unit describes the skills.\n\nElements and Performance Criteria\n"
        f"{elements_block}\n{REST}"
    )


def shape(parsed):
    return [(e.number, e.title, [(pc.number, pc.text) for pc in e.criteria]) for e in parsed.elements]


EXPECTED = [
    (1, "Maintain records", [(1, "Collect information"), (2, "Keep records up to date")]),
    (2, "Review records", [(1, "Review data")]),
]


@pytest.mark.parametrize(
    "block",
    [
        "1. Maintain records\n1.1.Collect information\n1.2.Keep records up to date\n2. Review records\n2.1.Review data",
        "1. Maintain records\n1.1. Collect information\n1.2. Keep records up to date\n2. Review records\n2.1. Review data",
        "1 Maintain records\n1.1 Collect information\n1.2 Keep records up to date\n2 Review records\n2.1 Review data",
        "1. Maintain records.\n1.1) Collect information\n1.2) Keep records up to date\n2. Review records.\n2.1) Review data",
        "Element 1: Maintain records\n1.1 Collect information\n1.2 Keep records up to date\nElement 2: Review records\n2.1 Review data",
        "Element 1:\nMaintain records\n1.1 Collect information\n1.2 Keep records up to date\nElement 2\nReview records\n2.1 Review data",
        "1.\nMaintain records\n1.1 Collect information\n1.2 Keep records up to date\n2.\nReview records\n2.1 Review data",
    ],
    ids=[
        "1.1.Text",
        "1.1. Text",
        "1 Element / 1.1 Text",
        "1.1) Text, titles with full stops",
        "Element 1: title",
        "Element 1: / title on next line",
        "1. / title on next line",
    ],
)
def test_every_numbering_style_gives_the_same_elements_and_criteria(block):
    parsed = unit(block)
    assert parsed.errors == []
    assert shape(parsed) == EXPECTED
    for element in parsed.elements:
        for pc in element.criteria:
            assert not pc.text[0].isdigit(), pc.text  # never starts with its own number


def test_code_alone_with_the_title_on_the_next_line_keeps_the_title_out_of_the_application():
    parsed = unit(
        "1. Maintain records\n1.1 Collect information", header="FNSPIM409\nMaintain customer relationship"
    )
    assert (parsed.code, parsed.title) == ("FNSPIM409", "Maintain customer relationship")
    assert parsed.application == "This unit describes the skills."


def test_unnumbered_bullets_under_element_headings_are_numbered_in_order():
    parsed = unit(
        "Element 1: Maintain records\n• Collect information\n• Keep records up to date\n"
        "Element 2: Review records\n• Review data"
    )
    assert shape(parsed) == EXPECTED
    assert all(pc.numbered_by_importer for element in parsed.elements for pc in element.criteria)


def test_a_two_column_table_copied_from_a_browser_reads_as_elements_and_criteria():
    parsed = unit(
        "ELEMENT\tPERFORMANCE CRITERIA\n"
        "Elements describe the essential outcomes.\tPerformance criteria describe the performance needed "
        "to demonstrate achievement of the element.\n"
        "1. Maintain records\t1.1 Collect information\n\t1.2 Keep records up to date\n"
        "2. Review records\t2.1 Review data"
    )
    assert parsed.errors == []
    assert shape(parsed) == EXPECTED


def test_an_element_number_with_no_title_is_reported():
    parsed = unit("Element 1:\n1.1 Collect information")
    assert any("element 1 has no title" in str(error) for error in parsed.errors)


PRE_2013 = """BSBCUS401A - Coordinate implementation of customer service strategies
Unit Descriptor
This unit describes the performance outcomes required to coordinate customer service.
Elements and Performance Criteria
1. Coordinate implementation
1.1 Plan service delivery
1.2 Monitor service delivery
Required Skills and Knowledge
This section describes the skills and knowledge required for this unit.
Required skills
communication skills to deal with customers
planning skills
Required knowledge
relevant legislation, such as privacy law
Range Statement
Customers may include internal and external customers.
Evidence Guide
Critical aspects for assessment and evidence required to demonstrate competency in this unit
Assessment must be conducted over several customer contacts.
Demonstrate knowledge of the organisation's service standards.
"""


def test_a_pre_2013_unit_keeps_its_skills_knowledge_range_statement_and_evidence_guide():
    parsed = parse_unit_source(PRE_2013)
    assert parsed.errors == []
    assert (parsed.code, parsed.title) == (
        "BSBCUS401A",
        "Coordinate implementation of customer service strategies",
    )
    assert [item.text for item in parsed.performance_evidence] == [
        "communication skills to deal with customers",
        "planning skills",
    ]
    assert [item.text for item in parsed.knowledge_evidence] == ["relevant legislation, such as privacy law"]
    assert parsed.range_statement == "Customers may include internal and external customers."
    # Sentences that open lists in today's units stay in the evidence guide's text.
    assert parsed.evidence_guide.splitlines()[1:] == [
        "Assessment must be conducted over several customer contacts.",
        "Demonstrate knowledge of the organisation's service standards.",
    ]
    assert parsed.assessment_conditions == []
    assert any("pre-2013 format" in warning for warning in parsed.warnings)


@pytest.mark.django_db
def test_a_pre_2013_unit_imports_and_shows_its_sections(client, alice):
    from units.importing import dump_unit_json
    from units.services import import_unit

    outcome = import_unit(parse_unit_source(PRE_2013), by=alice)
    unit = outcome.unit
    assert unit.range_statement == "Customers may include internal and external customers."
    client.force_login(alice)
    page = client.get(unit.get_absolute_url()).content.decode()
    assert "Range statement" in page
    assert "Customers may include internal and external customers." in page
    assert "Critical aspects for assessment" in page
    again = parse_unit_source(dump_unit_json(parse_unit_source(PRE_2013).snapshot()))
    assert again.evidence_guide == parse_unit_source(PRE_2013).evidence_guide
    assert import_unit(parse_unit_source(PRE_2013), by=alice).created is False  # the same text again
