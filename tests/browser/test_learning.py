"""Learning together in a real browser: a joint investigation from opening to the approved
report, and a measure from planned to effect confirmed; axe on every new page."""
from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import expect

from avvikelse.core.clock import now_utc, to_local
from tests.browser.a11y import visit
from tests.browser.steps import open_action, sign_in


def _sign_out(page) -> None:
    page.context.clear_cookies()


def test_a_joint_investigation_to_its_approved_report_and_a_measure_to_effect_confirmed(
        desktop, people, new_case, act):
    case = new_case()
    act(people["receiver_handler"], case, "acknowledge")
    act(people["receiver_handler"], case, "answer")
    page = desktop
    today = to_local(now_utc()).date()

    # The region's chefsläkare opens a joint händelseanalys from the case page.
    sign_in(page, people["chefslakare"], "/utredningar")
    visit(page, "the investigations list", shot="investigations")
    page.goto(f"/utredningar/ny?arende={case.reference}")
    visit(page, "opening an investigation", shot="investigation-open")
    page.locator("#title").fill("Utskrivning utan meddelande")
    page.locator("#participants").fill("handlaggare.region")
    page.locator("#joint").check()
    page.get_by_role("button", name="Öppna").click()
    expect(page.locator(".flash, [role=status]").first).to_contain_text("öppnad")
    investigation_url = page.url
    visit(page, "a new investigation", shot="investigation-draft")
    _sign_out(page)

    # Krokom's MAS names Krokom's participant.
    sign_in(page, people["mas"], "/utredningar")
    page.goto(investigation_url)
    page.locator("#p-participants").fill("handlaggare.krokom")
    page.get_by_role("button", name="Lägg till deltagare").click()
    expect(page.locator("#deltagare").locator("..")).to_contain_text("handlaggare.krokom")
    _sign_out(page)

    # Krokom's handler writes the draft and decides a measure for Krokom.
    sign_in(page, people["sender_handler"], "/utredningar")
    page.goto(investigation_url)
    happened = to_local(now_utc() - timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    open_action(page, "Lägg till en händelse i förloppet")
    page.locator("#t-happened_at").fill(happened)
    page.locator("#t-text").fill("Patienten skrevs ut utan att hemsjukvården fick veta.")
    page.get_by_role("button", name="Lägg till händelsen").click()
    open_action(page, "Lägg till en bidragande faktor")
    page.locator("#f-area").select_option("handover")
    clause = page.locator("#f-clause option").nth(1).get_attribute("value")
    page.locator("#f-clause").select_option(clause)
    page.locator("#f-text").fill("Utskrivningsmeddelandet gick till en stängd funktionsbrevlåda.")
    page.get_by_role("button", name="Lägg till faktorn").click()
    open_action(page, "Lägg till en grundorsak")
    page.locator("#r-text").fill("Ingen gemensam rutin för utskrivning på helger.")
    page.get_by_role("button", name="Lägg till grundorsaken").click()
    open_action(page, "Skriv slutsatsen")
    page.locator("#c-conclusion").fill("En gemensam helgrutin med telefonkontakt före utskrivning.")
    page.get_by_role("button", name="Spara slutsatsen").click()
    open_action(page, "Lägg till en åtgärd")
    page.locator("#m-text").fill("Inför telefonkontakt före utskrivning på helger")
    page.locator("#m-owner").fill("Enhetschef hemsjukvården")
    page.locator("#m-owner_organisation").select_option("2309")
    page.locator("#m-due_on").fill((today + timedelta(days=30)).isoformat())
    page.get_by_role("button", name="Lägg till åtgärden").click()
    visit(page, "an investigation's draft with every part", shot="investigation-parts")
    page.get_by_role("button", name="Lämna för godkännande").click()
    expect(page.locator("body")).to_contain_text("väntar på godkännande")
    _sign_out(page)

    # The lead approves the report.
    sign_in(page, people["chefslakare"], "/utredningar")
    page.goto(investigation_url)
    page.get_by_role("button", name="Godkänn slutrapporten").click()
    expect(page.locator("body")).to_contain_text("Slutrapporten godkänd")
    visit(page, "an approved investigation", shot="investigation-approved")
    _sign_out(page)

    # Krokom follows the measure to its effect.
    sign_in(page, people["sender_handler"], "/atgarder")
    page.goto("/atgarder")
    visit(page, "the organisation's measures", shot="measures")
    page.get_by_role("link", name="Inför telefonkontakt före utskrivning på helger").first.click()
    visit(page, "a planned measure", shot="measure-planned")
    page.locator("#u-status").select_option("done")
    page.locator("#u-patient_informed_on").fill(today.isoformat())
    page.get_by_role("button", name="Spara").click()
    page.locator("#u-effect_checked_on").fill(today.isoformat())
    page.locator("#u-effect").fill("Inga utskrivningar utan kontakt under fyra veckor.")
    page.get_by_role("button", name="Spara").click()
    expect(page.locator("body")).to_contain_text("Inga utskrivningar utan kontakt under fyra veckor.")
    visit(page, "a measure with its effect confirmed", shot="measure-effect")
    page.goto("/larande")
    visit(page, "the learning summaries", shot="learning-summaries")
