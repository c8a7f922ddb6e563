"""Across the county line: a Krokom reporter files to a unit of Region Västernorrland,
picked through the unit list the page fetches for the chosen organisation; Region
Västernorrland's handler sees it in the inbox and answers it."""
from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import expect

from avvikelse.cases.enums import Status
from avvikelse.cases.models import Case
from avvikelse.core.clock import now_utc, to_local
from avvikelse.demo.national import seed_county
from avvikelse.extensions import db
from tests.browser.a11y import visit
from tests.browser.conftest import PHONE
from tests.browser.steps import open_action, sign_in, submit_action


def test_a_case_crosses_the_county_line(new_page, people, make_user):
    seed_county()
    handler = make_user("22", ["handler"], units=[], username="handlaggare.vnr")
    db.session.commit()

    reporter = new_page(PHONE)
    sign_in(reporter, people["reporter"], next_path="/arenden/ny")
    expect(reporter.locator('button[name="show_units"]')).to_have_count(0)  # the script fetches instead
    reporter.get_by_label("Avvikelse", exact=True).check()
    reporter.get_by_label("Mottagande organisation").select_option("22")
    # Only the chosen organisation's units, fetched from /enheter.
    reporter.get_by_label("Mottagande enhet (om du vet)").select_option("22-SDS-ORT")
    expect(reporter.locator("#receiver_unit option[value='23-OSD-MED']")).to_have_count(0)
    reporter.locator("#occurred_at").fill(to_local(now_utc() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"))
    reporter.get_by_label("Kategori").select_option("discharge")
    reporter.locator("#description").fill("Patienten opererades i Sundsvall; utskrivningsmeddelandet kom aldrig.")
    reporter.locator("#immediate_action").fill("Ringde avdelningen i Sundsvall.")
    reporter.locator("input[name=consequence][value='2']").check()
    reporter.locator("input[name=probability][value='2']").check()
    visit(reporter, "new case across the county line", shot="new-case-across")
    reporter.get_by_role("button", name="Skicka rapporten").click()
    reporter.wait_for_url("**/arenden/*")
    case = db.session.scalars(db.select(Case)).one()
    assert (case.receiver_organisation.code, case.receiver_unit.code) == ("22", "22-SDS-ORT")

    from avvikelse.core import outbox

    outbox.drain()  # routing, as the worker would
    page = new_page()
    sign_in(page, handler, next_path="/inkorg")
    page.get_by_role("link", name=case.reference).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(case.reference)
    open_action(page, "Kvittera")
    submit_action(page, "acknowledge", "Kvittera")
    open_action(page, "Besvara")
    page.locator("#atgard-answer input[name=confirmed][value=yes]").check()
    page.locator("#answer-analysis").fill("Meddelandet skickades till fel kommun.")
    page.locator("#atgard-answer input[name=patient_informed]").first.check()
    page.locator("#answer-measures-0-text").fill("Adressen i utskrivningsrutinen rättad")
    page.locator("#answer-measures-0-owner").fill("Enhetschef")
    page.locator("#answer-measures-0-due_on").fill((now_utc().date() + timedelta(days=30)).isoformat())
    submit_action(page, "answer", "Besvara")
    visit(page, "answered across the county line")
    db.session.rollback()
    db.session.expire_all()
    assert db.session.get(Case, case.id).status is Status.ANSWERED
