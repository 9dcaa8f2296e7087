"""Every value about a student reaches the database through the same checks: form and CSV file alike."""

import base64

import pytest

from assessor_portal.models import User
from evidence.tests.test_cohorts import csv_bytes, page, preview, url

pytestmark = pytest.mark.django_db

COLUMNS = ["Priya", "Sharma", "priya.sharma@example.edu.au", "S1001", "BX7KD29PQR"]


@pytest.mark.parametrize("column", range(5))
def test_nul_in_any_column_of_the_csv_is_refused_in_the_preview(client, alice, cohort, column):
    cells = list(COLUMNS)
    cells[column] = cells[column][:2] + "\x00" + cells[column][2:]
    client.force_login(alice)
    response = preview(client, cohort, csv_bytes(",".join(cells)))
    assert "contains a control character (such as NUL); type it again." in page(response)
    assert not response.context["parsed"].is_clean
    assert "Confirm:" not in page(response)
    assert [row.line for row in response.context["parsed"].rows_with_errors] == [2]


def test_confirming_a_crafted_file_with_nul_saves_nothing_and_explains(client, alice, cohort):
    source = base64.b64encode(csv_bytes("Pri\x00ya,Sharma,priya.sharma@example.edu.au,S1001,")).decode()
    client.force_login(alice)
    response = client.post(url("cohort_students_import_confirm", cohort), {"source": source}, follow=True)
    assert response.status_code == 200
    assert "contains a control character" in page(response)
    assert not User.objects.filter(student_id="S1001").exists()


def test_one_student_form_gives_the_same_message(client, alice, cohort):
    client.force_login(alice)
    response = client.post(
        url("cohort_student_add", cohort),
        {
            "given_name": "Priya",
            "family_name": "Sh\x07arma",
            "email": "priya.sharma@example.edu.au",
            "student_id": "S1001",
        },
    )
    assert "Family name contains a control character (such as NUL); type it again." in page(response)
    assert not User.objects.filter(student_id="S1001").exists()


def test_a_csv_name_that_a_spreadsheet_would_run_as_a_formula_is_refused_in_the_preview(
    client, alice, cohort
):
    client.force_login(alice)
    line = '"=HYPERLINK(""http://evil.example"",""Click"")",Sharma,priya.sharma@example.edu.au,S1001,'
    response = preview(client, cohort, csv_bytes(line))
    assert (
        "Given name “=HYPERLINK(&quot;http://evil.example&quot;,&quot;Click&quot;)” starts with “=”"
        in page(response)
    )
    assert "which a spreadsheet runs as a formula; type the name without it." in page(response)
    assert [row.line for row in response.context["parsed"].rows_with_errors] == [2]
    assert "Confirm:" not in page(response)


@pytest.mark.parametrize("name", ["+Sharma", "-Sharma", "@Sharma"])
def test_the_one_student_form_refuses_a_family_name_starting_with_a_formula_character(
    client, alice, cohort, name
):
    client.force_login(alice)
    response = client.post(
        url("cohort_student_add", cohort),
        {
            "given_name": "Priya",
            "family_name": name,
            "email": "priya.sharma@example.edu.au",
            "student_id": "S1001",
        },
    )
    assert f"starts with “{name[0]}”, which a spreadsheet runs as a formula" in page(response)
    assert not User.objects.filter(student_id="S1001").exists()


def test_a_hyphen_or_apostrophe_inside_a_name_is_accepted(client, alice, cohort):
    client.force_login(alice)
    client.post(
        url("cohort_student_add", cohort),
        {
            "given_name": "Mary-Jane",
            "family_name": "O'Brien",
            "email": "mj@example.edu.au",
            "student_id": "S1002",
        },
    )
    assert User.objects.get(student_id="S1002").last_name == "O'Brien"
