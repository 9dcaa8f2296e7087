"""The RTO admin's side: cohorts, their students (typed in or from a CSV file) and enrolments."""

import datetime
import re

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessor_portal.models import User
from evidence.models import Cohort, Enrolment
from evidence.services.cohorts import CohortError, create_cohort, enrol_cohort, enrol_student, update_cohort
from evidence.services.students import add_student, import_students, parse_student_csv
from units.demo import load_demo_tool
from units.services import create_tool, retire_tool

pytestmark = pytest.mark.django_db

SITE = "http://testserver"
HEADER = "Given name,Family name,Email,Student ID,USI"
NEW_PASSWORD = "Judgement-Day-on-Tuesday-42"
GOOD_CSV_LINES = [
    "Priya,Sharma,priya.sharma@example.edu.au,S1001,BX7KD29PQR",
    "Tom,O'Brien,tom.obrien@example.edu.au,S1002,",
    "Mei,Chen,mei.chen@example.edu.au,S1003,hj3m4n5t6w",
]


@pytest.fixture
def cohort(alice, bob):
    """FNS-2026-T1, assessed by Bob, with no students yet."""
    return create_cohort(
        by=alice,
        name="Diploma of Financial Services, term 1",
        code="FNS-2026-T1",
        start_date=datetime.date(2026, 2, 2),
        end_date=datetime.date(2026, 6, 26),
        assessors=[bob],
    )


@pytest.fixture
def tool(seed_units, alice):
    """The published FNSPIM409 assessment tool v1.0, built from its fixture."""
    tool, _ = load_demo_tool(settings.BASE_DIR / "fixtures" / "tools" / "FNSPIM409-v1.0.json", by=alice)
    return tool


@pytest.fixture
def class_of_two(cohort, alice, charlie, dana):
    """Charlie and Dana, added to the cohort with their emails."""
    for student in (charlie, dana):
        student.email = f"{student.username}@example.edu.au"
        student.save()
        add_student(
            cohort,
            by=alice,
            site_url=SITE,
            given_name=student.first_name,
            family_name=student.last_name,
            email=student.email,
            student_id=student.student_id,
        )
    return cohort


def signs_in(browser, username, password):
    """Sign in through the sign-in page, as a person does; say whether it worked."""
    response = browser.post(reverse("login"), {"username": username, "password": password})
    return response.status_code == 302 and response.url == reverse("home")


def csv_bytes(*lines, header=HEADER, encoding="utf-8", newline="\r\n"):
    return "".join(line + newline for line in [header, *lines]).encode(encoding)


def upload(data, name="students.csv"):
    return SimpleUploadedFile(name, data, content_type="text/csv")


def url(name, cohort=None):
    return reverse(f"evidence:{name}", args=[cohort.pk] if cohort else [])


def page(response):
    return response.content.decode()


def preview(client, cohort, data):
    return client.post(url("cohort_students_import", cohort), {"file": upload(data)})


def confirm(client, cohort, response):
    source = response.context["confirm_form"]["source"].value()
    return client.post(url("cohort_students_import_confirm", cohort), {"source": source}, follow=True)


def add_form(**overrides):
    return {
        "given_name": "Priya",
        "family_name": "Sharma",
        "email": "priya.sharma@example.edu.au",
        "student_id": "S1001",
        "usi": "",
        **overrides,
    }


def reset_path(email):
    return re.search(r"http://testserver(/accounts/reset/\S+/)", email.body).group(1)


# -- cohorts ------------------------------------------------------------------------------


def test_admin_creates_a_cohort_with_its_assessors(client, alice, bob):
    client.force_login(alice)
    response = client.post(
        url("cohort_create"),
        {
            "name": "Certificate IV in Finance",
            "code": "FNS40222-2026-T1",
            "start_date": "2026-02-02",
            "end_date": "2026-06-26",
            "assessors": [bob.pk],
        },
        follow=True,
    )
    cohort = Cohort.objects.get(code="FNS40222-2026-T1")
    assert (cohort.name, cohort.start_date, list(cohort.assessors.all())) == (
        "Certificate IV in Finance",
        datetime.date(2026, 2, 2),
        [bob],
    )
    assert "Cohort FNS40222-2026-T1 created. Add its students next." in page(response)
    assert "Starts 02/02/2026 · ends 26/06/2026" in page(response)
    assert "Bob Taylor" in page(response)


def test_cohort_form_offers_only_active_assessors(client, alice, bob, charlie):
    client.force_login(alice)
    choices = list(client.get(url("cohort_create")).context["form"].fields["assessors"].queryset)
    assert choices == [bob]


def test_cohort_list_shows_code_dates_students_and_assessors(client, alice, class_of_two):
    client.force_login(alice)
    text = page(client.get(url("cohort_list")))
    assert "FNS-2026-T1" in text
    assert "02/02/2026" in text
    assert '<td data-label="Students">2</td>' in text
    assert "Bob Taylor" in text


def test_cohort_ending_before_it_starts_is_refused_with_a_message(client, alice):
    client.force_login(alice)
    response = client.post(
        url("cohort_create"),
        {"name": "Backwards", "code": "BACK-1", "start_date": "2026-06-01", "end_date": "2026-05-01"},
    )
    assert "The end date must be on or after the start date." in page(response)
    assert not Cohort.objects.exists()


def test_cohort_code_must_be_unique_whatever_its_case(client, alice, cohort):
    client.force_login(alice)
    response = client.post(
        url("cohort_create"), {"name": "Again", "code": "fns-2026-t1", "start_date": "2026-02-02"}
    )
    assert "Another cohort (Diploma of Financial Services, term 1) already has the code FNS-2026-T1." in page(
        response
    )
    assert Cohort.objects.count() == 1


def test_admin_edits_a_cohort_and_its_assessors(client, alice, cohort):
    client.force_login(alice)
    response = client.post(
        url("cohort_edit", cohort),
        {"name": "Diploma, term 1 (evening)", "code": "FNS-2026-T1E", "start_date": "2026-02-09"},
        follow=True,
    )
    cohort.refresh_from_db()
    assert (cohort.name, cohort.code, cohort.start_date) == (
        "Diploma, term 1 (evening)",
        "FNS-2026-T1E",
        datetime.date(2026, 2, 9),
    )
    assert cohort.end_date is None
    assert cohort.assessors.count() == 0
    assert "Cohort details saved." in page(response)
    assert "No assessors yet." in page(response)


def test_every_change_to_a_cohort_is_kept_with_who_made_it(client, alice, cohort):
    before = list(cohort.history.order_by("history_date", "history_id"))
    client.force_login(alice)
    client.post(
        url("cohort_edit", cohort),
        {"name": "Evening class", "code": cohort.code, "start_date": "2026-02-09"},
    )
    edits = list(cohort.history.order_by("history_date", "history_id"))[len(before) :]
    assert edits
    assert {(edit.history_user, edit.history_type) for edit in edits} == {(alice, "~")}
    changes = {change.field: change for change in edits[-1].diff_against(before[-1]).changes}
    assert (changes["name"].old, changes["name"].new) == (
        "Diploma of Financial Services, term 1",
        "Evening class",
    )
    assert set(changes) == {"name", "start_date", "end_date", "assessors"}


def test_update_cohort_refuses_a_student_as_assessor(alice, cohort, charlie):
    with pytest.raises(CohortError, match=r"Charlie Wilson is not an active assessor\."):
        update_cohort(cohort, by=alice, assessors=[charlie])
    assert [a.username for a in cohort.assessors.all()] == ["bob"]


# -- adding one student -------------------------------------------------------------------


def test_admin_adds_a_student_who_is_invited_and_can_then_sign_in(
    client, alice, cohort, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("cohort_student_add", cohort), add_form(usi="bx7kd29pqr", student_id="S-1001"), follow=True
        )

    student = User.objects.get(student_id="S-1001")
    assert (student.username, student.role, student.first_name, student.last_name, student.usi) == (
        "s-1001",
        "student",
        "Priya",
        "Sharma",
        "BX7KD29PQR",
    )
    assert not student.has_usable_password()
    assert list(cohort.students.all()) == [student]
    text = page(response)
    assert "Priya Sharma (S-1001) added and emailed an invitation to priya.sharma@example.edu.au." in text
    assert "Sharma, Priya" in text
    assert "BX7KD29PQR" in text

    [email] = mailoutbox
    assert email.to == ["priya.sharma@example.edu.au"]
    assert "Your username is: s-1001" in email.body
    assert "FNS-2026-T1" in email.body

    newcomer = Client()
    set_password_page = newcomer.get(reset_path(email), follow=True)
    assert "Choose your password" in page(set_password_page)
    assert "Your username is <strong>s-1001</strong>" in page(set_password_page)
    done = newcomer.post(
        set_password_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )
    assert "Your password is set" in page(done)
    assert signs_in(newcomer, "s-1001", NEW_PASSWORD)
    assert "This link no longer works" in page(Client().get(reset_path(email), follow=True))


def test_add_student_shows_every_invalid_value_and_saves_nothing(client, alice, cohort, mailoutbox):
    client.force_login(alice)
    response = client.post(
        url("cohort_student_add", cohort),
        add_form(given_name="", email="priya@", student_id="S 1001", usi="BX7KD29PQ1"),
    )
    text = page(response)
    assert "Given name is missing." in text
    assert "“priya@” is not a valid email address." in text
    assert "Student ID “S 1001” must be 1 to 30 letters, digits or hyphens (no spaces)." in text
    assert "USI “BX7KD29PQ1” contains 1; a USI uses only the digits 2–9" in text
    assert not User.objects.filter(role="student").exists()
    assert mailoutbox == []


def test_usi_must_have_exactly_ten_characters(client, alice, cohort):
    client.force_login(alice)
    response = client.post(url("cohort_student_add", cohort), add_form(usi="BX7KD"))
    assert "USI “BX7KD” has 5 characters; a USI has exactly 10." in page(response)
    assert not cohort.students.exists()


def test_add_student_reuses_the_existing_student_with_the_same_details(
    client, alice, cohort, charlie, mailoutbox, django_capture_on_commit_callbacks
):
    charlie.email = "charlie@example.edu.au"
    charlie.save()
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("cohort_student_add", cohort),
            add_form(
                given_name="charlie", family_name="WILSON", email="Charlie@example.edu.au", student_id="s0001"
            ),
            follow=True,
        )
    assert list(cohort.students.all()) == [charlie]
    assert User.objects.filter(role="student").count() == 1
    assert "Charlie Wilson (S0001) already had an account and was added to this cohort." in page(response)
    assert mailoutbox == [], "Charlie has a password already: no invitation"


def test_add_student_refuses_a_student_id_that_belongs_to_someone_else(client, alice, cohort, charlie):
    client.force_login(alice)
    response = client.post(url("cohort_student_add", cohort), add_form(student_id="S0001"))
    assert (
        "Student ID S0001 is already Charlie Wilson (student ID S0001); the name or email given here"
        in page(response)
    )
    assert not cohort.students.exists()
    assert User.objects.get(student_id="S0001").first_name == "Charlie"


def test_add_student_refuses_a_usi_or_email_of_another_person(client, alice, cohort, dana):
    dana.usi, dana.email = "BX7KD29PQR", "dana@example.edu.au"
    dana.save()
    client.force_login(alice)
    response = client.post(
        url("cohort_student_add", cohort), add_form(usi="BX7KD29PQR", email="dana@example.edu.au")
    )
    text = page(response)
    assert "The email dana@example.edu.au is already used by Dana Lee (student ID S0002" in text
    assert "USI BX7KD29PQR already belongs to Dana Lee" in text
    assert not User.objects.filter(student_id="S1001").exists()


def test_adding_a_student_again_resends_the_invitation_until_they_choose_a_password(
    client, alice, cohort, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("cohort_student_add", cohort), add_form())
        response = client.post(url("cohort_student_add", cohort), add_form(), follow=True)
    assert "is already in this cohort; nothing was changed." in page(response)
    assert "the invitation was emailed again" in page(response)
    assert [email.to for email in mailoutbox] == [["priya.sharma@example.edu.au"]] * 2
    assert User.objects.filter(student_id="S1001").count() == 1


# -- a CSV file of students ---------------------------------------------------------------


def test_csv_preview_lists_every_student_and_saves_nothing(client, alice, cohort, mailoutbox):
    client.force_login(alice)
    response = preview(client, cohort, csv_bytes(*GOOD_CSV_LINES))
    text = page(response)
    assert "Preview: 3 students for FNS-2026-T1" in text
    assert "Nothing has been saved yet." in text
    for expected in ["priya.sharma@example.edu.au", "S1002", "HJ3M4N5T6W", "New student: will be invited"]:
        assert expected in text
    assert "Confirm: add 3 students" in text
    assert not User.objects.filter(role="student").exists()
    assert mailoutbox == []


def test_csv_preview_marks_each_bad_row_and_offers_no_confirm(client, alice, cohort):
    client.force_login(alice)
    response = preview(
        client,
        cohort,
        csv_bytes(
            "Priya,Sharma,priya.sharma@example.edu.au,S1001,BX7KD29PQR",
            "Tom,O'Brien,tom@,S1002,",
            "Mei,Chen,mei.chen@example.edu.au,s1001,",
            "Ana,Silva,ana.silva@example.edu.au,S1004,BX7KD29PQ0",
            ",Nguyen,nguyen@example.edu.au,S1005,",
            "Sam,Lee,sam.lee@example.edu.au",
            "Jo,Park,priya.sharma@example.edu.au,S1007,",
        ),
    )
    rows = {row.line: row.errors for row in response.context["parsed"].rows}
    assert rows[2] == [
        "Student ID S1001 is also on line 4.",
        "Email priya.sharma@example.edu.au is also on line 8.",
    ]
    assert rows[3] == ["“tom@” is not a valid email address."]
    assert rows[4] == ["Student ID s1001 is also on line 2."]
    assert rows[5] == [
        "USI “BX7KD29PQ0” contains 0; a USI uses only the digits 2–9 and the letters A–Z except I and O."
    ]
    assert rows[6] == ["Given name is missing."]
    assert rows[7] == [
        "This line has 3 values; the header row has 5 columns. Check for a missing value or an unquoted comma.",
        "Student ID is missing.",
    ]
    assert rows[8] == ["Email priya.sharma@example.edu.au is also on line 2."]
    text = page(response)
    assert "7 lines have errors" in text
    assert "Confirm:" not in text
    assert 'name="source"' not in text
    assert not User.objects.filter(role="student").exists()


def test_csv_row_clashing_with_an_existing_person_is_an_error(client, alice, cohort, charlie):
    client.force_login(alice)
    response = preview(client, cohort, csv_bytes("Chris,Wilson,chris@example.edu.au,S0001,"))
    [row] = response.context["parsed"].rows
    assert row.errors == [
        "Student ID S0001 is already Charlie Wilson (student ID S0001); the name or email given here is "
        "different. Check the student ID, or correct the details to match."
    ]


def test_csv_username_taken_by_staff_is_an_error(client, alice, cohort):
    client.force_login(alice)
    response = preview(client, cohort, csv_bytes("Alice,Nguyen,alice@example.edu.au,ALICE,"))
    [row] = response.context["parsed"].rows
    assert row.errors == [
        "The username alice (the student ID in lower case) is already the account of Alice Nguyen."
    ]


def test_csv_headers_are_matched_loosely_with_bom_and_windows_line_ends(client, alice, cohort):
    client.force_login(alice)
    data = (
        "\ufeff"
        + "given_name,Last Name,E-mail address,Student No.,Phone\r\nPriya,Sharma,priya@example.edu.au,S1001,0400 000 000\r\n"
    )
    response = preview(client, cohort, data.encode("utf-8"))
    parsed = response.context["parsed"]
    [row] = parsed.rows
    assert (row.given_name, row.family_name, row.email, row.student_id, row.usi, row.errors) == (
        "Priya",
        "Sharma",
        "priya@example.edu.au",
        "S1001",
        "",
        [],
    )
    assert parsed.notes == ["Not imported: the column Phone."]
    assert parsed.is_clean


def test_csv_saved_by_excel_with_semicolons_is_read(alice, cohort):
    data = csv_bytes(
        "Priya;Sharma;priya@example.edu.au;S1001;", header="First name;Surname;Email;Student ID;USI"
    )
    parsed = parse_student_csv(data, cohort=cohort, by=alice)
    assert [(row.given_name, row.student_id) for row in parsed.rows] == [("Priya", "S1001")]
    assert parsed.is_clean


def test_csv_without_a_required_column_is_refused(client, alice, cohort):
    client.force_login(alice)
    response = preview(
        client, cohort, csv_bytes("Priya,Sharma,S1001", header="Given name,Family name,Student ID")
    )
    assert response.templates[0].name == "evidence/cohort_students_import.html"
    assert "The header row (line 1) has no Email column." in page(response)


def test_csv_that_is_not_utf8_names_the_line(client, alice, cohort):
    client.force_login(alice)
    data = csv_bytes(GOOD_CSV_LINES[0], "Zoë,Martin,zoe@example.edu.au,S1004,", encoding="latin-1")
    response = preview(client, cohort, data)
    assert "The file is not UTF-8 text: line 3 has a character that cannot be read." in page(response)
    assert not User.objects.filter(role="student").exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty: it has no header row and no students."),
        (b"\r\n\r\n", "The file is empty: it has no header row and no students."),
        (csv_bytes(), "The file has a header row but no students."),
        (
            csv_bytes(*[f"Student,Number{n},s{n}@example.edu.au,S{n},," for n in range(2001)]),
            "The file has more than 2,000 students.",
        ),
        (
            csv_bytes(*["x" * 1000] * 1100),
            "This file is 1.1 MB; a student file is at most 1 MB. Split it into smaller files.",
        ),
    ],
    ids=["empty", "blank-lines", "header-only", "too-many-rows", "too-big"],
)
def test_csv_file_that_cannot_be_read_is_refused_with_a_message(client, alice, cohort, data, message):
    client.force_login(alice)
    response = preview(client, cohort, data)
    assert message in page(response)
    assert "Confirm:" not in page(response)


def test_confirm_adds_every_student_and_emails_each_new_one(
    client, alice, cohort, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    response = preview(client, cohort, csv_bytes(*GOOD_CSV_LINES))
    with django_capture_on_commit_callbacks(execute=True):
        done = confirm(client, cohort, response)
    students = cohort.students.order_by("student_id")
    assert [(s.username, s.first_name, s.last_name, s.usi) for s in students] == [
        ("s1001", "Priya", "Sharma", "BX7KD29PQR"),
        ("s1002", "Tom", "O'Brien", ""),
        ("s1003", "Mei", "Chen", "HJ3M4N5T6W"),
    ]
    assert all(s.role == "student" and not s.has_usable_password() for s in students)
    assert "Added to FNS-2026-T1: 3 new students (each emailed an invitation to choose a password)." in page(
        done
    )
    assert sorted(email.to[0] for email in mailoutbox) == [
        "mei.chen@example.edu.au",
        "priya.sharma@example.edu.au",
        "tom.obrien@example.edu.au",
    ]
    newcomer = Client()
    form_page = newcomer.get(reset_path(mailoutbox[0]), follow=True)
    newcomer.post(
        form_page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    invited = User.objects.get(email=mailoutbox[0].to[0])
    assert signs_in(newcomer, invited.username, NEW_PASSWORD)


def test_confirming_twice_creates_no_duplicates(
    client, alice, cohort, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    response = preview(client, cohort, csv_bytes(*GOOD_CSV_LINES))
    with django_capture_on_commit_callbacks(execute=True):
        confirm(client, cohort, response)
        again = confirm(client, cohort, response)
    assert "Nothing was changed: all 3 students in the file were added to FNS-2026-T1 before." in page(again)
    assert User.objects.filter(role="student").count() == 3
    assert cohort.students.count() == 3
    assert len(mailoutbox) == 3


def test_confirm_adds_existing_students_and_counts_those_already_in_the_cohort(
    client, alice, class_of_two, charlie, dana, mailoutbox, django_capture_on_commit_callbacks
):
    other = create_cohort(
        by=alice, name="Evening class", code="FNS-2026-E1", start_date=datetime.date(2026, 2, 2)
    )
    add_student(
        other,
        by=alice,
        site_url=SITE,
        given_name="Charlie",
        family_name="Wilson",
        email="charlie@example.edu.au",
        student_id="S0001",
    )
    data = csv_bytes(
        "Charlie,Wilson,charlie@example.edu.au,S0001,",
        "Dana,Lee,dana@example.edu.au,S0002,ZZ22334455",
        GOOD_CSV_LINES[0],
    )
    client.force_login(alice)
    in_first = preview(client, class_of_two, data)
    assert [row.status for row in in_first.context["parsed"].rows] == [
        "Already in this cohort",
        "Already in this cohort",
        "New student: will be invited",
    ]
    response = preview(client, other, data)
    assert [row.status for row in response.context["parsed"].rows] == [
        "Already in this cohort",
        "Existing student: will be added",
        "New student: will be invited",
    ]
    with django_capture_on_commit_callbacks(execute=True):
        done = confirm(client, other, response)
    assert (
        "Added to FNS-2026-E1: 1 new student (each emailed an invitation to choose a password) and "
        "1 existing student. 1 student was already in the cohort." in page(done)
    )
    dana.refresh_from_db()
    assert dana.usi == "ZZ22334455", "a USI given for a student who had none is recorded"
    assert set(other.students.values_list("student_id", flat=True)) == {"S0001", "S0002", "S1001"}
    assert [email.to for email in mailoutbox] == [["priya.sharma@example.edu.au"]]


def test_confirm_checks_the_file_again_and_saves_nothing_when_a_row_now_clashes(client, alice, cohort):
    client.force_login(alice)
    response = preview(client, cohort, csv_bytes(*GOOD_CSV_LINES))
    client.post(url("cohort_student_add", cohort), add_form(given_name="Pria", email="pria@example.edu.au"))
    User.objects.filter(student_id="S1001").update(first_name="Someone", last_name="Else")
    refused = confirm(client, cohort, response)
    assert "Nothing was saved: 1 line of the file has errors. Correct the file and upload it again." in page(
        refused
    )
    assert "Student ID S1001 is already Someone Else" in page(refused)
    assert list(User.objects.filter(role="student").values_list("student_id", flat=True)) == ["S1001"]


def test_confirm_with_damaged_data_saves_nothing(client, alice, cohort):
    client.force_login(alice)
    response = client.post(
        url("cohort_students_import_confirm", cohort), {"source": "not base64!"}, follow=True
    )
    assert "The preview&#x27;s data was damaged; upload the file again." in page(response)
    assert not User.objects.filter(role="student").exists()


def test_import_saves_nothing_when_it_fails_part_way(alice, cohort, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("mail queue unavailable")

    monkeypatch.setattr("evidence.services.students.adding._invite_after_commit", broken)
    with pytest.raises(RuntimeError):
        import_students(cohort, csv_bytes(*GOOD_CSV_LINES), by=alice, site_url=SITE)
    assert not User.objects.filter(role="student").exists()
    assert not cohort.students.exists()


# -- the cohort page ----------------------------------------------------------------------


def test_cohort_page_lists_students_with_their_ids_usi_email_and_enrolments(
    client, alice, class_of_two, tool, dana
):
    dana.usi = "ZZ22334455"
    dana.save()
    enrol_cohort(class_of_two, tool, by=alice)
    client.force_login(alice)
    text = page(client.get(url("cohort_detail", class_of_two)))
    for expected in [
        "Wilson, Charlie",
        "Lee, Dana",
        "S0002",
        "ZZ22334455",
        "dana@example.edu.au",
        "FNSPIM409 v1.0",
        "2 of 2 students enrolled",
        "Bob Taylor",
        "Import students from a CSV file",
    ]:
        assert expected in text


def test_cohort_page_queries_do_not_grow_with_its_students(
    client, alice, cohort, tool, django_assert_max_num_queries
):
    data = csv_bytes(*[f"Student,Number{n},s{n}@example.edu.au,S{n}," for n in range(40)])
    import_students(cohort, data, by=alice, site_url=SITE)
    enrol_cohort(cohort, tool, by=alice)
    client.force_login(alice)
    with django_assert_max_num_queries(10):
        response = client.get(url("cohort_detail", cohort))
    assert "40 of 40 students enrolled" in page(response)


# -- enrolling ----------------------------------------------------------------------------


def test_enrolling_the_cohort_in_a_published_tool_enrols_each_student_once(
    client, alice, class_of_two, tool, charlie, dana
):
    client.force_login(alice)
    response = client.post(url("cohort_enrol", class_of_two), {"tool": tool.pk, "student": ""}, follow=True)
    enrolments = Enrolment.objects.order_by("student__username")
    assert [(e.student, e.tool, e.cohort, e.enrolled_by) for e in enrolments] == [
        (charlie, tool, class_of_two, alice),
        (dana, tool, class_of_two, alice),
    ]
    assert (
        "Enrolled 2 students of FNS-2026-T1 in FNSPIM409 Maintain customer relationship (assessment tool v1.0)."
        in page(response)
    )


def test_enrolling_twice_keeps_existing_enrolments_and_counts_the_new(
    alice, class_of_two, tool, charlie, dana
):
    enrol_student(class_of_two, tool, charlie, by=alice)
    outcome = enrol_cohort(class_of_two, tool, by=alice)
    assert (outcome.created, outcome.existing) == (1, 1)
    assert "Enrolled 1 student of FNS-2026-T1" in outcome.message
    assert "1 student was already enrolled and kept as they were." in outcome.message
    again = enrol_cohort(class_of_two, tool, by=alice)
    assert (again.created, again.existing) == (0, 2)
    assert again.message.startswith("All 2 students of FNS-2026-T1 were already enrolled")
    assert Enrolment.objects.count() == 2


def test_enrolling_one_student(client, alice, class_of_two, tool, dana):
    client.force_login(alice)
    response = client.post(
        url("cohort_enrol", class_of_two), {"tool": tool.pk, "student": dana.pk}, follow=True
    )
    assert [e.student for e in Enrolment.objects.all()] == [dana]
    assert "Enrolled Dana Lee in FNSPIM409" in page(response)


def test_enrolled_on_is_the_date_in_sydney(alice, class_of_two, tool, monkeypatch):
    # 14:30 UTC on 1 March is 01:30 on 2 March in Sydney (daylight saving time).
    monkeypatch.setattr(timezone, "now", lambda: datetime.datetime(2026, 3, 1, 14, 30, tzinfo=datetime.UTC))
    enrol_cohort(class_of_two, tool, by=alice)
    assert set(Enrolment.objects.values_list("enrolled_on", flat=True)) == {datetime.date(2026, 3, 2)}


def test_enrolling_in_a_draft_tool_is_refused(client, alice, class_of_two, seed_units):
    draft = create_tool(seed_units["FNSCUS504"], by=alice)
    client.force_login(alice)
    form_page = client.get(url("cohort_detail", class_of_two))
    assert not form_page.context["enrol_form"].has_tools, "only published tools are offered"
    assert "No assessment tool is published yet." in page(form_page)
    response = client.post(url("cohort_enrol", class_of_two), {"tool": draft.pk}, follow=True)
    assert (
        "FNSCUS504 Manage premium customer relationships (assessment tool v1.0) is a draft: students can be "
        "enrolled only in a published tool. Publish it first." in page(response)
    )
    assert not Enrolment.objects.exists()


def test_enrolling_in_a_retired_tool_is_refused(alice, class_of_two, tool):
    retire_tool(tool, by=alice)
    with pytest.raises(CohortError, match="is retired: students can be enrolled only in a published tool"):
        enrol_cohort(class_of_two, tool, by=alice)
    assert not Enrolment.objects.exists()


def test_enrolling_an_empty_cohort_is_refused(alice, cohort, tool):
    with pytest.raises(CohortError, match="The cohort has no students yet"):
        enrol_cohort(cohort, tool, by=alice)


def test_enrolling_someone_outside_the_cohort_is_refused(alice, cohort, tool, charlie):
    with pytest.raises(CohortError, match=r"Charlie Wilson is not a student of FNS-2026-T1\."):
        enrol_student(cohort, tool, charlie, by=alice)
    assert not Enrolment.objects.exists()


# -- who may do this ----------------------------------------------------------------------


def cohort_requests(cohort, tool, charlie):
    """Every cohort URL, with each method it answers and a POST that would change something."""
    edit = {"name": "Hacked", "code": "HACK", "start_date": "2026-01-01"}
    return [
        ("get", "cohort_list", None, {}),
        ("get", "cohort_detail", cohort, {}),
        ("get", "cohort_edit", cohort, {}),
        ("post", "cohort_edit", cohort, edit),
        ("post", "cohort_student_add", cohort, add_form()),
        ("get", "cohort_students_import", cohort, {}),
        ("post", "cohort_students_import", cohort, {"file": upload(csv_bytes(*GOOD_CSV_LINES))}),
        ("post", "cohort_students_import_confirm", cohort, {"source": "R2l2ZW4gbmFtZQ=="}),
        ("post", "cohort_enrol", cohort, {"tool": tool.pk, "student": charlie.pk}),
    ]


@pytest.mark.parametrize("persona", ["bob", "charlie"])
def test_assessors_and_students_get_404_on_every_cohort_url_and_change_nothing(
    client, request, persona, class_of_two, tool, charlie
):
    client.force_login(request.getfixturevalue(persona))
    before = (Cohort.objects.count(), User.objects.count(), Enrolment.objects.count())
    for method, name, cohort, data in cohort_requests(class_of_two, tool, charlie):
        assert getattr(client, method)(url(name, cohort), data).status_code == 404, f"{method} {name}"
    create = {"name": "Hacked", "code": "HACK", "start_date": "2026-01-01"}
    assert client.get(url("cohort_create")).status_code == 403
    assert client.post(url("cohort_create"), create).status_code == 403
    assert (Cohort.objects.count(), User.objects.count(), Enrolment.objects.count()) == before
    assert Cohort.objects.get().code == "FNS-2026-T1"


def test_anonymous_visitors_are_sent_to_sign_in(client, cohort):
    for name in ["cohort_list", "cohort_create"]:
        assert client.get(url(name)).url.startswith(reverse("login"))
    assert client.get(url("cohort_detail", cohort)).url.startswith(reverse("login"))
    assert client.post(url("cohort_student_add", cohort), add_form()).url.startswith(reverse("login"))
    assert not User.objects.filter(student_id="S1001").exists()


@pytest.mark.parametrize(
    "change",
    [
        lambda cohort, tool, student, by: create_cohort(
            by=by, name="X", code="X", start_date=datetime.date(2026, 1, 1)
        ),
        lambda cohort, tool, student, by: update_cohort(cohort, by=by, name="X"),
        lambda cohort, tool, student, by: add_student(
            cohort, by=by, site_url=SITE, **{k: v for k, v in add_form().items() if k != "usi"}
        ),
        lambda cohort, tool, student, by: parse_student_csv(csv_bytes(*GOOD_CSV_LINES), cohort=cohort, by=by),
        lambda cohort, tool, student, by: import_students(
            cohort, csv_bytes(*GOOD_CSV_LINES), by=by, site_url=SITE
        ),
        lambda cohort, tool, student, by: enrol_cohort(cohort, tool, by=by),
        lambda cohort, tool, student, by: enrol_student(cohort, tool, student, by=by),
    ],
    ids=["create", "update", "add", "parse", "import", "enrol-cohort", "enrol-student"],
)
def test_every_cohort_service_refuses_a_non_admin(bob, class_of_two, tool, charlie, change):
    with pytest.raises(PermissionDenied):
        change(class_of_two, tool, charlie, bob)
    assert (Cohort.objects.count(), Enrolment.objects.count(), class_of_two.students.count()) == (1, 0, 2)


def test_django_admin_shows_cohorts_and_enrolments_read_only(client, alice, class_of_two, tool):
    enrol_cohort(class_of_two, tool, by=alice)
    client.force_login(alice)
    assert "FNS-2026-T1" in page(client.get(reverse("admin:evidence_cohort_changelist")))
    enrolments = page(client.get(reverse("admin:evidence_enrolment_changelist")))
    assert "Charlie Wilson" in enrolments
    assert "FNSPIM409 assessment tool v1.0" in enrolments
    assert client.get(reverse("admin:evidence_cohort_add")).status_code == 403
    change_page = client.get(reverse("admin:evidence_cohort_change", args=[class_of_two.pk]))
    assert change_page.status_code == 200
    assert 'name="code"' not in page(change_page)
