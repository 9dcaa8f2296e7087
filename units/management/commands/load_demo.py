from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from units.demo import load_demo_tool
from units.importing import parse_unit_source
from units.services import import_unit

# Demo sign-ins for a developer's machine; `make run` prints them. Never used in production.
DEMO_USERS = [
    # (username, password, role, first name, family name, student ID)
    ("admin", "demo-admin-2026", "admin", "Alice", "Nguyen", ""),
    ("assessor", "demo-assessor-2026", "assessor", "Bob", "Taylor", ""),
    ("student", "demo-student-2026", "student", "Charlie", "Wilson", "S0001"),
]


class Command(BaseCommand):
    help = "Load the demo units, users and published assessment tools from fixtures/. Safe to run again."

    def handle(self, *args, **options):
        for path in sorted((settings.BASE_DIR / "fixtures" / "units").glob("*.json")):
            parsed = parse_unit_source(path.read_bytes(), filename=path.name)
            outcome = import_unit(parsed)
            self.stdout.write(f"{path.name}: {outcome.message}")
        admin = self._users()
        for path in sorted((settings.BASE_DIR / "fixtures" / "tools").glob("*.json")):
            tool, created = load_demo_tool(path, by=admin)
            state = "created and published" if created else "already there"
            self.stdout.write(f"{path.name}: {tool} {state}")
        self.stdout.write(self.signins)

    @transaction.atomic
    def _users(self):
        User = get_user_model()
        lines = ["", "Demo sign-ins (http://127.0.0.1:8000/):"]
        for username, password, role, first, last, student_id in DEMO_USERS:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "role": role,
                    "first_name": first,
                    "last_name": last,
                    "student_id": student_id,
                    "email": f"{username}@example.edu.au",
                    "is_staff": role == "admin",
                    "is_superuser": role == "admin",
                },
            )
            if created:
                user.set_password(password)
                user.save(update_fields=["password"])
            lines.append(f"  {role:<9} {username:<9} {password}")
        self.signins = "\n".join(lines)
        return User.objects.get(username="admin")
