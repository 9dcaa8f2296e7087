"""Inviting new students: an emailed link to choose a password, sent through the task queue."""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from assessor_portal.mail import queue_email


def invitation_link(student, *, site_url):
    """Return the absolute link where a new student chooses their password."""
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(student.pk)),
            "token": default_token_generator.make_token(student),
        },
    )
    return site_url.rstrip("/") + path


def send_invitations(students, *, cohort, site_url):
    """Queue an email to each new student with a link to choose a password; return how many."""
    valid_days = max(1, settings.PASSWORD_RESET_TIMEOUT // (24 * 60 * 60))
    for student in students:
        queue_email(
            subject=f"Your {settings.SITE_NAME} account: choose a password",
            body=render_to_string(
                "registration/account_invite_email.txt",
                {
                    "student": student,
                    "cohort": cohort,
                    "link": invitation_link(student, site_url=site_url),
                    "site_name": settings.SITE_NAME,
                    "site_url": site_url,
                    "valid_days": valid_days,
                },
            ),
            to=[student.email],
        )
    return len(students)


def _invite_after_commit(students, *, cohort, site_url):
    # The links carry a token made from the saved account, so they are made once it is saved.
    students = list(students)
    transaction.on_commit(lambda: send_invitations(students, cohort=cohort, site_url=site_url))
