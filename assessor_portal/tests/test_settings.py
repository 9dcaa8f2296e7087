"""Settings come from the environment; production settings pass Django's deploy checks."""

import os
import subprocess
import sys

from django.conf import settings

PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "a-long-random-production-secret-key-for-the-deploy-check-4f9c2e81b7d3a6",
    "ALLOWED_HOSTS": "assess.example.edu.au",
    "DATABASE_URL": "sqlite:////tmp/assessor-portal-deploy-check.sqlite3",
}


def run_manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={
            key: value
            for key, value in os.environ.items()
            if key not in {"DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
        }
        | env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy_with_no_warnings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = run_manage("check", env={**PRODUCTION, "SECRET_KEY": ""})
    assert result.returncode != 0
    assert "Set SECRET_KEY when DEBUG is off." in result.stderr


def test_database_url_selects_postgresql():
    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.db import connection; print(connection.vendor, connection.settings_dict['NAME'])",
        env={"DATABASE_URL": "postgres://postgres@127.0.0.1:5432/some_db"},
    )
    assert result.stdout.split() == ["postgresql", "some_db"], result.stderr


def test_australian_formats_and_time_zone(client, charlie):
    from django.utils import formats, timezone

    assert settings.TIME_ZONE == "Australia/Sydney"
    assert settings.LANGUAGE_CODE == "en-au"
    moment = timezone.datetime(2026, 3, 4, 1, 30, tzinfo=timezone.UTC)
    local = timezone.localtime(moment)
    assert formats.date_format(local, "SHORT_DATETIME_FORMAT") == "04/03/2026 12:30"
