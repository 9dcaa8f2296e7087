"""Personas shared by every test. Each stands for one role, as in the sector's own words."""

import pytest
from django.conf import settings

from units.importing import parse_unit_source
from units.services import import_unit

SEEDS_DIR = settings.BASE_DIR.parent / "shared" / "seeds"
FIXTURE_UNITS = settings.BASE_DIR / "fixtures" / "units"


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """Keep the SQLite test database in a file, as `make run` does, not in memory.

    Then the live server's threads each open their own connection, so the browser tests send
    requests at once (several files uploaded together) through the same locking as real use.
    """
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database.setdefault("TEST", {})["NAME"] = str(tmp_path_factory.mktemp("db") / "test.sqlite3")


@pytest.fixture(autouse=True)
def tasks_run_at_once(settings):
    """Run queued tasks as they are queued, so mail lands in the outbox at once.

    assessor_portal/tests/test_tasks.py runs the real database queue and its worker.
    """
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """Keep each test's uploads, record sheet copies and exports in its own folder, never in var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def empty_cache():
    """Start each test with an empty cache: rate-limit counts and cached sessions never carry over."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Hash test passwords cheaply; the real hasher is PBKDF2 and slows every sign-in."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make_user(username, role, **extra):
    from assessor_portal.models import User

    user = User.objects.create_user(
        username=username, password=f"{username}-password-2026", role=role, **extra
    )
    user.raw_password = f"{username}-password-2026"
    return user


@pytest.fixture
def alice(db):
    """Alice is RTO staff (admin): she loads units and builds assessment tools."""
    return make_user(
        "alice", "admin", first_name="Alice", last_name="Nguyen", is_staff=True, is_superuser=True
    )


@pytest.fixture
def bob(db):
    """Bob is an assessor: he reads units and tools and judges students' work."""
    return make_user("bob", "assessor", first_name="Bob", last_name="Taylor")


@pytest.fixture
def charlie(db):
    """Charlie is a student."""
    return make_user("charlie", "student", first_name="Charlie", last_name="Wilson", student_id="S0001")


@pytest.fixture
def dana(db):
    """Dana is another student, who must never see Charlie's work."""
    return make_user("dana", "student", first_name="Dana", last_name="Lee", student_id="S0002")


@pytest.fixture
def seed_units(db):
    """Both seed units, loaded from fixtures/ the way `make run` loads them."""
    return {
        path.stem.split("-")[0]: import_unit(parse_unit_source(path.read_bytes(), filename=path.name)).unit
        for path in sorted(FIXTURE_UNITS.glob("*.json"))
    }


@pytest.fixture
def erin(db):
    """Erin is an assessor of other cohorts: she must not see Bob's students' work."""
    return make_user("erin", "assessor", first_name="Erin", last_name="Park")
