"""The main menu offers each role what its permissions allow, and nothing more."""

import re

import pytest

pytestmark = pytest.mark.django_db

ALL_ITEMS = {"Units", "Assessment tools", "Cohorts", "Reports", "Import a unit"}


def menu_items(client, user):
    client.force_login(user)
    page = client.get("/units/").content.decode()
    menu = page[page.index('id="main-nav"') : page.index("</nav>")]
    return {name for name in ALL_ITEMS if re.search(rf'class="nav-link" href="[^"]+">{name}</a>', menu)}


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("alice", {"Units", "Assessment tools", "Cohorts", "Reports", "Import a unit"}),
        ("bob", {"Units", "Assessment tools", "Reports"}),
        ("charlie", {"Units"}),
    ],
)
def test_menu_shows_what_the_role_may_use(client, persona, expected, request):
    assert menu_items(client, request.getfixturevalue(persona)) == expected
