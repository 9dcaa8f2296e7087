"""training.gov.au's published unit XML (AuthorIT), written from its published description."""

from units.importing import parse_unit_source

NS = "http://www.authorit.com/xml/authorit"


def authorit(*topics, code="FNSPIM409", title="Maintain customer relationship", release="1"):
    variables = "".join(
        f"<VariableAssignment><Name>{name}</Name><Value>{value}</Value></VariableAssignment>"
        for name, value in (("Code", code), ("Title", title), ("Release", release))
        if value
    )
    body = "".join(
        f"<Topic><Object><Description>{description}</Description></Object><Text>{text}</Text></Topic>"
        for description, text in topics
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?>\n<AuthorIT xmlns="{NS}"><Objects>'
        f"<Book><Object><Description>{code} {title}</Description></Object>"
        f"<VariableAssignments>{variables}</VariableAssignments></Book>{body}</Objects></AuthorIT>"
    ).encode()


ELEMENTS = (
    "Elements and Performance Criteria",
    "<table><tr><td><p>ELEMENT</p></td><td><p>PERFORMANCE CRITERIA</p></td></tr>"
    "<tr><td><p>Elements describe the essential outcomes.</p></td>"
    "<td><p>Performance criteria describe the performance needed to demonstrate achievement of the "
    "element.</p></td></tr>"
    "<tr><td><p>1. Maintain records of customer interaction</p></td>"
    "<td><p>1.1 Collect and check customer information with existing records</p>"
    "<p>1.2 Keep records of customer interaction up to date</p></td></tr>"
    "<tr><td><p>2. Provide ongoing customer service</p></td>"
    "<td><p>2.1 Review previous interactions with customers</p></td></tr></table>",
)
KNOWLEDGE = (
    "Knowledge Evidence",
    "<p>To complete the unit requirements safely and effectively, the individual must:</p>"
    "<ul><li>describe a range of techniques used to develop customer relationships</li>"
    "<li>describe key features of:<ul><li>industry and organisation codes of practice</li>"
    "<li>relevant legislation.</li></ul></li></ul>",
)


def test_book_variables_and_topics_give_the_unit():
    unit = parse_unit_source(
        authorit(
            ("Application", "<p>This unit describes the skills required.</p>"),
            ELEMENTS,
            ("Performance Evidence", "<p>Evidence of the ability to:</p><ul><li>maintain records</li></ul>"),
            KNOWLEDGE,
            ("Assessment Conditions", "<p>Assessors must satisfy NVR/AQTF assessor requirements.</p>"),
        )
    )
    assert unit.errors == []
    assert (unit.source_format, unit.code, unit.title, unit.release) == (
        "xml",
        "FNSPIM409",
        "Maintain customer relationship",
        1,
    )
    assert unit.application == "This unit describes the skills required."
    assert [(e.number, e.title, [pc.text for pc in e.criteria]) for e in unit.elements] == [
        (
            1,
            "Maintain records of customer interaction",
            [
                "Collect and check customer information with existing records",
                "Keep records of customer interaction up to date",
            ],
        ),
        (2, "Provide ongoing customer service", ["Review previous interactions with customers"]),
    ]
    assert [item.text for item in unit.performance_evidence] == ["maintain records"]
    key_features = unit.knowledge_evidence[1]
    assert key_features.text == "describe key features of:"
    assert [child.text for child in key_features.children] == [
        "industry and organisation codes of practice",
        "relevant legislation.",
    ]
    assert [item.text for item in unit.assessment_conditions] == [
        "Assessors must satisfy NVR/AQTF assessor requirements."
    ]
    assert {s.text for s in unit.skipped} >= {"ELEMENT", "PERFORMANCE CRITERIA"}


def test_list_bullet_paragraph_styles_nest():
    knowledge = (
        "Knowledge Evidence",
        '<p style="ListBullet">describe key features of:</p>'
        '<p style="ListBullet2">codes of practice</p><p style="ListBullet2">legislation</p>'
        '<p style="ListBullet">explain the rules</p>',
    )
    unit = parse_unit_source(authorit(ELEMENTS, knowledge))
    assert [(i.text, [c.text for c in i.children]) for i in unit.knowledge_evidence] == [
        ("describe key features of:", ["codes of practice", "legislation"]),
        ("explain the rules", []),
    ]


def test_topics_the_catalogue_does_not_keep_are_skipped():
    unit = parse_unit_source(
        authorit(("Modification History", "<p>Release 1 replaces FNSCUS401</p>"), ELEMENTS)
    )
    assert unit.errors == []
    assert any(s.text == "Release 1 replaces FNSCUS401" for s in unit.skipped)


def test_xml_errors_name_the_row():
    broken = (
        "Elements and Performance Criteria",
        "<table><tr><td><p>1. A</p></td><td><p>1.1 a</p><p>1.3 c</p></td></tr></table>",
    )
    unit = parse_unit_source(authorit(broken))
    assert unit.errors == ["Elements and Performance Criteria, row 1: '1.3' follows '1.1'"]


def test_malformed_xml_names_the_line():
    unit = parse_unit_source(b'<?xml version="1.0"?>\n<AuthorIT>\n<Topic>\n</AuthorIT>')
    assert len(unit.errors) == 1
    assert unit.errors[0].startswith("line 4: the XML is not well formed")


def test_xml_bomb_is_refused_without_expanding():
    bomb = (
        b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
        + b"".join(
            f'<!ENTITY lol{n} "{("&lol" + str(n - 1) + ";") * 10 if n > 1 else "&lol;" * 10}">'.encode()
            for n in range(1, 10)
        )
        + b"]>\n<AuthorIT><Topic><Text><p>&lol9;</p></Text></Topic></AuthorIT>"
    )
    unit = parse_unit_source(bomb)
    assert unit.errors == [
        "the XML declares entities or a DTD, which unit files never need; it was refused for safety"
    ]


def test_external_entity_is_refused():
    xxe = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><AuthorIT>&e;</AuthorIT>'
    )
    assert "refused for safety" in parse_unit_source(xxe).errors[0]


def test_xml_that_is_not_authorit_says_so():
    unit = parse_unit_source(b"<html><body><p>1. A</p></body></html>")
    assert unit.errors == ["the XML has no Topic elements; is it training.gov.au's unit XML?"]
