"""The catalogue pages and the import pages, as each role sees them."""

import base64

import pytest
from django.urls import reverse

from units.models import Unit
from units.tests.factories import make_unit

pytestmark = pytest.mark.django_db

PASTE = """BSBTWK201 - Work effectively with others
Release 1
Application
This unit describes <b>teamwork</b> skills.
Elements and Performance Criteria
1. Develop effective workplace relationships
1.1 Collect information
1.2 Share information
Knowledge Evidence
To complete the unit requirements safely and effectively, the individual must:
describe key features of:
communication
conflict.
"""


def test_anonymous_visitors_are_sent_to_sign_in(client, seed_units):
    for url in [
        reverse("units:unit_list"),
        seed_units["FNSPIM409"].get_absolute_url(),
        reverse("units:unit_import"),
    ]:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("persona", ["alice", "bob", "charlie"])
def test_every_role_reads_the_unit_page_laid_out_like_training_gov_au(client, seed_units, persona, request):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(seed_units["FNSPIM409"].get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "FNSPIM409</span> - Maintain customer relationship" in html
    assert "3.3</span><span>Ensure level of communication is appropriate to customer requirements" in html
    assert (
        html.index("Elements and Performance Criteria")
        < html.index("Performance evidence")
        < html.index("Knowledge evidence")
    )
    assert "<li>describe key features of:<ul" in " ".join(html.split()).replace("> <", "><")


def test_unit_list_searches_by_code_and_title(client, charlie, seed_units):
    client.force_login(charlie)
    by_code = client.get(reverse("units:unit_list"), {"q": "pim"}).content.decode()
    assert "FNSPIM409" in by_code
    assert "FNSCUS504" not in by_code
    by_title = client.get(reverse("units:unit_list"), {"q": "premium"}).content.decode()
    assert "FNSCUS504" in by_title
    assert "FNSPIM409" not in by_title
    nothing = client.get(reverse("units:unit_list"), {"q": "<script>"}).content.decode()
    assert "No unit matches “&lt;script&gt;”." in nothing


def test_unit_list_paginates(client, charlie):
    for n in range(25):
        make_unit(code=f"TSTXYZ{100 + n}", elements=1, criteria=1)
    client.force_login(charlie)
    first = client.get(reverse("units:unit_list")).content.decode()
    second = client.get(reverse("units:unit_list"), {"page": 2}).content.decode()
    assert "Page 1 of 2" in first
    assert "TSTXYZ119" in first
    assert "TSTXYZ120" not in first
    assert "TSTXYZ124" in second


def test_unit_code_alone_opens_the_current_release(client, charlie):
    make_unit(release=1)
    current = make_unit(release=2)
    client.force_login(charlie)
    response = client.get(reverse("units:unit_current", args=["tstxyz101"]))
    assert response.url == current.get_absolute_url()
    old_page = client.get(reverse("units:unit_detail", args=["TSTXYZ101", 1])).content.decode()
    assert "Superseded by" in old_page


def test_unknown_unit_is_404(client, charlie):
    client.force_login(charlie)
    assert client.get(reverse("units:unit_detail", args=["NOPE101", 1])).status_code == 404


@pytest.mark.parametrize("persona", ["bob", "charlie"])
def test_only_admins_may_import(client, persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("units:unit_import")).status_code == 403
    assert client.post(reverse("units:unit_import"), {"text": PASTE}).status_code == 403
    source = base64.b64encode(PASTE.encode()).decode()
    assert client.post(reverse("units:unit_import_confirm"), {"source": source}).status_code == 403
    assert Unit.objects.count() == 0


def test_paste_preview_shows_the_parsed_unit_and_saves_nothing(client, alice):
    client.force_login(alice)
    response = client.post(reverse("units:unit_import"), {"text": PASTE})
    html = response.content.decode()
    assert 'Preview: <span class="unit-code">BSBTWK201</span> - Work effectively with others' in html
    assert "This unit describes &lt;b&gt;teamwork&lt;/b&gt; skills." in html
    assert "Confirm import" in html
    assert "introduces the knowledge evidence" in html
    assert Unit.objects.count() == 0


def test_confirm_saves_the_unit_and_opens_its_page(client, alice):
    client.force_login(alice)
    preview = client.post(reverse("units:unit_import"), {"text": PASTE})
    source = preview.context["confirm_form"].initial["source"]
    response = client.post(reverse("units:unit_import_confirm"), {"source": source}, follow=True)
    unit = Unit.objects.get(code="BSBTWK201")
    assert response.redirect_chain[-1][0] == unit.get_absolute_url()
    html = response.content.decode()
    assert (
        "Imported BSBTWK201 Work effectively with others, release 1: 1 elements, 2 performance criteria."
        in html
    )
    assert unit.imported_by == alice


def test_double_submitted_confirm_saves_once_and_says_so(client, alice):
    client.force_login(alice)
    source = base64.b64encode(PASTE.encode()).decode()
    client.post(reverse("units:unit_import_confirm"), {"source": source})
    again = client.post(reverse("units:unit_import_confirm"), {"source": source}, follow=True)
    assert "already in the catalogue; nothing was changed." in again.content.decode()
    assert Unit.objects.count() == 1


def test_preview_of_a_bad_unit_lists_errors_and_offers_no_confirm(client, alice):
    client.force_login(alice)
    response = client.post(reverse("units:unit_import"), {"text": PASTE.replace("1.2 Share", "1.4 Share")})
    html = response.content.decode()
    assert "line 8: &#x27;1.4&#x27; follows &#x27;1.1&#x27;" in html
    assert "Confirm import" not in html


def test_tampered_confirm_is_parsed_again_and_refused(client, alice):
    client.force_login(alice)
    bad = base64.b64encode(PASTE.replace("1.2 Share", "1.4 Share").encode()).decode()
    response = client.post(reverse("units:unit_import_confirm"), {"source": bad})
    assert "The unit has errors and was not imported" in response.content.decode()
    damaged = client.post(reverse("units:unit_import_confirm"), {"source": "%%%not-base64"}, follow=True)
    assert "The preview&#x27;s data was damaged; start the import again." in damaged.content.decode()
    assert Unit.objects.count() == 0


def test_uploaded_file_is_previewed(client, alice, tmp_path):
    client.force_login(alice)
    path = tmp_path / "unit.txt"
    path.write_bytes(PASTE.encode("utf-8").replace(b"\n", b"\r\n"))
    with path.open("rb") as upload:
        response = client.post(reverse("units:unit_import"), {"file": upload})
    assert response.context["parsed"].criteria_count == 2
    assert response.context["confirm_form"].initial["filename"] == "unit.txt"


def test_upload_in_the_wrong_encoding_gets_a_clear_message(client, alice, tmp_path):
    client.force_login(alice)
    path = tmp_path / "unit.txt"
    path.write_bytes(PASTE.replace("Share", "Share customer\u2019s").encode("cp1252"))
    with path.open("rb") as upload:
        html = client.post(reverse("units:unit_import"), {"file": upload}).content.decode()
    assert "line 8: byte 0x92 is not UTF-8 text" in html


def test_oversize_upload_is_refused_by_the_form(client, alice, tmp_path, settings):
    settings.UNIT_IMPORT_MAX_BYTES = 1024
    client.force_login(alice)
    path = tmp_path / "big.txt"
    path.write_bytes(b"x" * 2048)
    with path.open("rb") as upload:
        html = client.post(reverse("units:unit_import"), {"file": upload}).content.decode()
    assert "a unit file is at most" in html
    assert Unit.objects.count() == 0


def test_import_form_needs_a_file_or_text(client, alice):
    client.force_login(alice)
    html = client.post(reverse("units:unit_import"), {"text": "  "}).content.decode()
    assert "Choose a unit file or paste the unit&#x27;s text." in html


def test_unit_page_query_count_does_not_grow_with_criteria(client, charlie, django_assert_num_queries):
    small = make_unit(code="TSTSML101", elements=3, criteria=5)
    large = make_unit(code="TSTLRG101", elements=10, criteria=15)
    client.force_login(charlie)
    client.get(small.get_absolute_url())
    with django_assert_num_queries(
        5
    ):  # user (the session is cached), unit, elements, criteria, requirement items
        small_page = client.get(small.get_absolute_url())
    with django_assert_num_queries(5):
        large_page = client.get(large.get_absolute_url())
    assert small_page.content.decode().count('class="pc-number"') == 15
    assert large_page.content.decode().count('class="pc-number"') == 150


def test_preview_with_errors_offers_the_text_again_with_its_line_numbers_kept(client, alice):
    client.force_login(alice)
    pasted = "\n\n" + PASTE.replace("1.2 Share", "1.4 Share")
    html = client.post(reverse("units:unit_import"), {"text": pasted}).content.decode()
    assert "line 10: &#x27;1.4&#x27; follows &#x27;1.1&#x27;" in html
    assert "Edit the text and preview again" in html
    assert "1.4 Share information" in html.split("Edit the text and preview again")[1]


def test_login_page_names_the_portal_not_the_host(client):
    html = client.get(reverse("login")).content.decode()
    assert "<title>Sign in · Assessor Portal</title>" in html
    assert 'class="navbar-brand" href="/">Assessor Portal</a>' in html


def test_wrong_password_is_announced_as_an_alert(client, charlie):
    html = client.post(reverse("login"), {"username": "charlie", "password": "wrong"}).content.decode()
    assert 'role="alert"><p class="mb-0">Please enter a correct username and password.' in html
