"""Signing in, out and changing one's own password."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, save_screenshot, sign_in

NEW_PASSWORD = "Judgement-Day-on-Tuesday-42"


@pytest.mark.browser
def test_user_changes_password(page, bob):
    sign_in(page, bob)
    expect(page.get_by_role("heading", name="Welcome, Bob")).to_be_visible()

    page.get_by_role("link", name="Change password").click()
    expect(page.get_by_role("heading", name="Change your password")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Old password").fill(bob.raw_password)
    page.get_by_label(re.compile(r"^\s*New password\W*$")).fill(NEW_PASSWORD)
    page.get_by_label("New password confirmation").fill(NEW_PASSWORD)
    save_screenshot(page, "password-change-form")
    page.get_by_role("button", name="Change password").click()

    expect(page.get_by_role("heading", name="Password changed")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))

    sign_in(page, bob)
    expect(page.get_by_role("main")).to_contain_text("Please enter a correct username and password")
    save_screenshot(page, "sign-in-refused-old-password")
    sign_in(page, bob, password=NEW_PASSWORD)
    expect(page).to_have_url(re.compile(r"/assessor/$"))
    expect(page.get_by_role("heading", name="Welcome, Bob")).to_be_visible()
    assert_accessible(page)


@pytest.mark.browser
def test_student_who_forgot_their_password_chooses_a_new_one_from_the_emailed_link(page, charlie, mailoutbox):
    charlie.email = "charlie@example.edu.au"
    charlie.save()
    page.goto("/accounts/login/")
    page.get_by_role("link", name="Forgot password?").click()
    expect(page.get_by_role("heading", name="Forgot your password?")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Email").fill("charlie@example.edu.au")
    page.get_by_role("button", name="Email me a link").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    assert_accessible(page)

    [email] = mailoutbox
    link = re.search(r"http://\S+/accounts/reset/\S+", email.body).group(0)
    page.goto(link)
    expect(page.get_by_role("heading", name="Choose your password")).to_be_visible()
    page.get_by_label(re.compile(r"^\s*New password\W*$")).fill("Tr1cky-ledger-42")
    page.get_by_label("New password confirmation").fill("Tr1cky-ledger-42")
    page.get_by_role("button", name="Set my password").click()
    expect(page.get_by_role("heading", name="Your password is set")).to_be_visible()
    assert_accessible(page)
    sign_in(page, charlie, password="Tr1cky-ledger-42")
    expect(page.get_by_role("heading", name="Welcome, Charlie")).to_be_visible()
