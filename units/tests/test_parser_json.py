"""The portal's own JSON format: what export_unit writes and import_unit reads."""

import json

from units.importing import dump_unit_json, parse_unit_source
from units.tests.factories import parsed_unit


def test_json_round_trip_keeps_everything():
    original = parsed_unit(elements=3, criteria=5)
    again = parse_unit_source(dump_unit_json(original.snapshot()))
    assert again.errors == []
    assert again.snapshot() == original.snapshot()


def test_json_numbering_must_follow_in_order():
    data = parsed_unit(elements=2, criteria=2).snapshot()
    data["elements"][1]["criteria"][1]["number"] = 4
    unit = parse_unit_source(json.dumps(data))
    assert unit.errors == ["elements[1].criteria[1]: is numbered 4; expected '2.2' (numbers follow in order)"]


def test_json_with_wrong_shapes_lists_every_problem():
    unit = parse_unit_source(
        json.dumps({"code": 5, "title": "T", "elements": [{"title": "A"}], "release": "x"})
    )
    assert "code: must be text" in unit.errors
    assert "release: must be a whole number" in unit.errors
    assert "elements[0]: 'criteria' must be a list" in unit.errors


def test_invalid_json_names_the_line():
    unit = parse_unit_source('{\n "code": "FNSPIM409",\n "title": \n}')
    assert unit.errors == ["line 4: the JSON is not valid (Expecting value, column 1)"]
