"""The administrator's journey through the agreement: its versions, a version's
extensions and categories, and a settings change refused, then made with a reason."""
from __future__ import annotations

from playwright.sync_api import expect

from avvikelse.agreements.models import SettingChange
from avvikelse.extensions import db
from tests.browser.a11y import visit
from tests.browser.steps import sign_in


def test_admin_reads_the_agreement_and_changes_a_setting(desktop, people):
    page = desktop
    sign_in(page, people["admin"], next_path="/admin/avtal")
    expect(page.get_by_role("heading", level=1, name="Hemsjukvårdsavtalet")).to_be_visible()
    visit(page, "agreement", shot="admin-agreement")

    page.get_by_role("link", name="2020", exact=True).click()
    expect(page.get_by_role("heading", name="Förlängningar")).to_be_visible()
    visit(page, "agreement version", shot="admin-agreement-version")

    page.get_by_role("link", name="Ändra inställningarna och se historiken").click()
    page.get_by_label("Dagar till svar").fill("0")
    page.get_by_role("button", name="Spara").click()
    expect(page.locator(".error-summary")).to_contain_text("Skriv varför inställningarna ändras.")
    visit(page, "agreement settings with errors", shot="admin-agreement-settings-errors")

    page.get_by_label("Dagar till svar").fill("21")
    page.get_by_label("Varför ändras inställningarna?").fill("Beslut i SVOM om kortare svarstid.")
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("table")).to_contain_text("Beslut i SVOM om kortare svarstid.")
    visit(page, "agreement settings with history", shot="admin-agreement-settings")
    db.session.rollback()
    assert db.session.scalars(db.select(SettingChange)).one().new_value == "21"
