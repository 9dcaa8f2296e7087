from django.contrib.auth.forms import PasswordResetForm
from django.template.loader import render_to_string

from assessor_portal.mail import queue_email


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's password reset, its email sent through the task queue like every other."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        queue_email(subject=subject, body=render_to_string(email_template_name, context), to=[to_email])
