"""Who may read the reports: RTO admins (every cohort) and assessors (their own cohorts)."""

from django.http import Http404


def can_view_reports(user):
    """Let admins and assessors read reports; students never."""
    return user.is_authenticated and (user.is_rto_admin or user.is_assessor)


def check_can_view_reports(user):
    """Answer 404 to anyone who may not read reports, so they learn nothing of them."""
    if not can_view_reports(user):
        raise Http404
