"""`make bench` runs each script as `python bench/<name>.py`, which puts bench/ first on sys.path."""

from django.conf import settings


def test_no_benchmark_script_shadows_a_package_of_the_project():
    # bench/reports.py once hid the reports app from every benchmark that loads the URLs, and
    # `make bench` stopped at its first script.
    scripts = {path.stem for path in (settings.BASE_DIR / "bench").glob("*.py")}
    packages = {path.parent.name for path in settings.BASE_DIR.glob("*/__init__.py")}
    assert "reports" in packages
    assert scripts & packages == set()
