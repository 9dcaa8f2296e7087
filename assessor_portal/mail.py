"""Mail leaves through the task queue, so a slow or broken mail server never holds up a page."""

from django.core.mail import EmailMessage, mailers
from django.db import transaction
from django.tasks import task


@task
def send_email(*, subject, body, to):
    """Send one plain-text email (a queued task: the worker runs it)."""
    mailers.default.send_messages([EmailMessage(subject=subject, body=body, to=to)])


def queue_email(*, subject, body, to):
    """Queue one email to go once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: send_email.enqueue(subject=subject, body=body, to=list(to)))
