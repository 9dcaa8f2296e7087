"""What the database itself refuses, whatever code path writes: duplicates that differ only in case."""

import pytest
from django.db import IntegrityError, transaction

from assessor_portal.models import User

pytestmark = pytest.mark.django_db


def refused(make):
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


def test_student_ids_are_unique_in_any_case(charlie):
    refused(lambda: User.objects.create_user("other", role="student", student_id="s0001"))


def test_emails_are_unique_in_any_case(db):
    User.objects.create_user("first", email="Priya.Sharma@example.edu.au")
    refused(lambda: User.objects.create_user("second", email="priya.sharma@EXAMPLE.edu.au"))


def test_people_without_an_email_or_student_id_do_not_clash(db):
    User.objects.create_user("assessor1", role="assessor")
    User.objects.create_user("assessor2", role="assessor")
    assert User.objects.filter(email="", student_id="").count() == 2
