"""The administrator's journey: import units from CSV — errors, dry run, then for real."""
from __future__ import annotations

from playwright.sync_api import expect

from avvikelse.directory.models import Unit
from avvikelse.extensions import db
from tests.browser.a11y import visit
from tests.browser.steps import sign_in

PAGE = "/admin/katalog/import"


def _upload(page, name: str, text: str, apply: bool = False) -> None:
    page.locator("#file").set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": text.encode("utf-8")}])
    page.locator("#apply").set_checked(apply)
    page.get_by_role("button", name="Läs filen").click()


def test_admin_imports_units_after_a_dry_run(desktop, people):
    page = desktop
    sign_in(page, people["admin"], next_path=PAGE)
    visit(page, "directory import", shot="admin-import")

    page.get_by_role("button", name="Läs filen").click()  # no file
    expect(page.locator(".error-message")).to_be_visible()
    visit(page, "directory import without a file")

    _upload(page, "fel.csv", "code;name;organisation\n23-NY;;23\n")
    expect(page.locator(".error-summary")).to_contain_text("Rad")
    visit(page, "directory import with row errors", shot="admin-import-errors")

    good = "code;name;organisation\n23-OSD-NY;Östersunds sjukhus, ny avdelning;23\n"
    _upload(page, "enheter.csv", good)
    expect(page.get_by_role("heading", name="Provkörning")).to_be_visible()
    visit(page, "directory import dry run")
    db.session.rollback()
    assert db.session.scalars(db.select(Unit).filter_by(code="23-OSD-NY")).first() is None

    _upload(page, "enheter.csv", good, apply=True)
    expect(page.get_by_role("heading", name="Importerat")).to_be_visible()
    visit(page, "directory import applied", shot="admin-import-done")
    db.session.rollback()
    assert db.session.scalars(db.select(Unit).filter_by(code="23-OSD-NY")).one().name.endswith("ny avdelning")

    # The imported unit on the units page; an account created with errors first.
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Enheter").click()
    expect(page.get_by_role("table", name="Enheter")).to_contain_text("ny avdelning")
    visit(page, "units", shot="admin-units")
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Konton").click()
    page.get_by_role("button", name="Skapa konto").click()
    expect(page.locator(".error-summary")).to_contain_text("2–80 tecken")
    visit(page, "new account with errors", shot="admin-account-errors")
