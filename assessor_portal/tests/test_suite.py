"""The suite itself: `make test` collects every app's tests."""

import configparser

from django.conf import settings


def test_every_folder_of_tests_is_in_the_suite():
    config = configparser.ConfigParser()
    config.read(settings.BASE_DIR / "pytest.ini")
    testpaths = set(config["pytest"]["testpaths"].split())
    folders = {path.parent.name for path in settings.BASE_DIR.glob("*/tests") if path.is_dir()}
    assert folders <= testpaths, f"add {sorted(folders - testpaths)} to pytest.ini's testpaths"
