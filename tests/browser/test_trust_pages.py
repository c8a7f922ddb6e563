"""The trust pages in a real browser, axe on each: approving a role grant (MAS), my
account with "log out everywhere", and signing in again before a token."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from avvikelse.accounts import grants
from avvikelse.accounts.models import Role
from avvikelse.accounts.services import create_user
from avvikelse.core.clock import now_utc
from avvikelse.directory.services import organisation_by_code
from avvikelse.extensions import db
from tests.browser.a11y import visit
from tests.browser.steps import sign_in
from tests.fixtures.factories import PASSWORD


def test_a_mas_approves_a_requested_role(desktop, people):
    admin = create_user("admin.krokom", organisation_by_code("2309"), {Role.ADMIN}, None)
    system = create_user("system-krokom", organisation_by_code("2309"), set(), None)
    system.is_integration = True
    grants.request(system, Role.HANDLER, admin, now_utc())
    db.session.commit()
    page = desktop
    sign_in(page, people["mas"])
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Behörigheter").click()
    visit(page, "role grants", shot="role-grants")
    row = page.locator("tr", has_text="system-krokom")
    row.get_by_role("button", name="Godkänn").click()
    expect(page.locator(".flash--success")).to_contain_text("godkänd")
    visit(page, "role grants decided")


def test_my_account_and_signing_in_again(desktop, people, app, monkeypatch):
    page = desktop
    sign_in(page, people["reporter"])
    page.get_by_role("link", name="Mitt konto").click()
    visit(page, "my account", shot="my-account")
    monkeypatch.setitem(app.config, "TOKEN_MINT_RECENT_MINUTES", 0)  # any sign-in is too old
    page.goto("/profil/token")
    visit(page, "tokens: sign in again first")
    page.get_by_role("link", name="Logga in igen").click()
    visit(page, "sign in again", shot="sign-in-again")
    monkeypatch.setitem(app.config, "TOKEN_MINT_RECENT_MINUTES", 15)
    page.get_by_label("Lösenord").fill("fel-lösenord-här")
    page.get_by_role("button", name="Logga in").click()
    visit(page, "sign in again with errors")
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    expect(page).to_have_url(re.compile(r"/profil/token$"))
    expect(page.get_by_label("Namn")).to_be_visible()
    page.goto("/profil")
    page.get_by_role("button", name="Logga ut överallt").click()
    expect(page.locator(".flash--info")).to_contain_text("överallt")
    assert "/logga-in" in page.url
