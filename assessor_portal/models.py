from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower, Upper


class User(AbstractUser):
    """A person who signs in: RTO staff (admin), an assessor or a student."""

    class Role(models.TextChoices):
        ADMIN = "admin", "Admin (RTO staff)"
        ASSESSOR = "assessor", "Assessor"
        STUDENT = "student", "Student"

    role = models.CharField(max_length=10, choices=Role, default=Role.STUDENT)
    student_id = models.CharField(
        "student ID", max_length=30, blank=True, help_text="The RTO's own student number."
    )
    usi = models.CharField(
        "USI", max_length=10, blank=True, help_text="The national Unique Student Identifier (10 characters)."
    )

    class Meta:
        # Student IDs double as usernames, typed in any case: look-ups compare them folded, and
        # these indexes let them do so without reading the whole table.
        indexes = [models.Index(Lower("username"), name="user_username_lower")]
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=["admin", "assessor", "student"]), name="user_role_known"
            ),
            models.UniqueConstraint(
                Upper("student_id"), condition=~Q(student_id=""), name="user_unique_student_id_any_case"
            ),
            models.UniqueConstraint(
                Lower("email"), condition=~Q(email=""), name="user_unique_email_any_case"
            ),
            models.UniqueConstraint(fields=["usi"], condition=~Q(usi=""), name="user_unique_usi"),
        ]

    def __str__(self):
        return self.get_full_name() or self.username

    @property
    def is_rto_admin(self):
        return self.role == self.Role.ADMIN or self.is_superuser

    @property
    def is_assessor(self):
        return self.role == self.Role.ASSESSOR

    @property
    def is_student(self):
        return self.role == self.Role.STUDENT and not self.is_superuser
