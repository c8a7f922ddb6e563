"""What makes the pages pleasant: the language switch, the kept draft, the searchable
receiver, lists with what is late on top; and that filing works without JavaScript."""
from __future__ import annotations

import json
import re
from datetime import timedelta

from playwright.sync_api import expect

from avvikelse.cases.models import Case
from avvikelse.core.clock import now_utc, to_local
from avvikelse.extensions import db
from tests.browser.a11y import visit
from tests.browser.conftest import PHONE
from tests.browser.steps import sign_in
from tests.fixtures.factories import PASSWORD, TEST_PNR

DRAFT_PREFIX = "avvikelse-utkast:ny-rapport:"  # + the user's id: a shared browser keeps drafts apart


def _fill_required(page, description: str) -> None:
    page.locator("#receiver_organisation").select_option("23")
    occurred = to_local(now_utc() - timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
    page.locator("#occurred_at").fill(occurred)
    page.locator("#category").select_option("discharge")
    page.locator("#description").fill(description)
    page.locator("#immediate_action").fill("Ringde avdelningen.")
    page.locator("input[name=consequence][value='1']").check()
    page.locator("input[name=probability][value='2']").check()


def _draft(page, user) -> str | None:
    return page.evaluate(f"localStorage.getItem('{DRAFT_PREFIX}{user.id}')")


def _saved_draft(page, user, containing: str) -> str:
    """The draft is saved a moment after typing stops: poll for it (the page's CSP forbids
    the eval that wait_for_function would use)."""
    for _ in range(50):
        stored = _draft(page, user) or ""
        if containing in stored:
            return stored
        page.wait_for_timeout(100)
    raise AssertionError(f"no draft containing {containing!r} was saved: {stored!r}")


def test_english_is_a_choice_and_swedish_formats_stay(desktop, people, new_case):
    case = new_case()
    page = desktop
    page.goto("/logga-in")
    page.get_by_role("button", name="In English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator(".brand")).to_have_text("Avvikelse")  # the service's name is not translated
    visit(page, "login in English", shot="login-english")

    page.get_by_role("button", name="Sign in").click()  # empty: the messages are English too
    expect(page.locator(".error-summary")).to_contain_text("Enter your username.")
    visit(page, "login with errors in English")
    page.get_by_label("Username").fill(people["reporter"].username)  # the form's labels too
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    nav = page.get_by_role("navigation", name="Main menu")
    expect(nav.get_by_role("link", name="Report")).to_be_visible()

    page.goto("/arenden/ny")
    page.get_by_role("button", name="Send the report").click()
    expect(page.locator(".error-summary")).to_contain_text("Choose which organisation")
    expect(page.get_by_label("Receiving organisation")).to_be_visible()
    visit(page, "new case with errors in English", shot="new-case-english")

    page.goto(f"/arenden/{case.reference}")
    expect(page.get_by_role("heading", name="What happened")).to_be_visible()
    reported = page.locator("dt", has_text="Reported").locator("xpath=following-sibling::dd[1]")
    # Dates stay Swedish (ISO, Swedish time) in both languages.
    expect(reported).to_have_text(re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$"))
    visit(page, "case in English", shot="case-english")

    page.get_by_role("button", name="På svenska").click()
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page.get_by_role("heading", name="Vad hände")).to_be_visible()
    assert page.url.endswith(f"/arenden/{case.reference}")  # back where the switch was used


def test_draft_survives_a_lost_session_without_the_patient(new_page, people):
    page = new_page(PHONE, is_mobile=True, has_touch=True)
    sign_in(page, people["reporter"], next_path="/arenden/ny")
    _fill_required(page, "Läkemedelslistan saknades vid hemkomsten.")
    page.locator("summary", has_text="Patienten").click()  # the optional part opens
    page.locator("#patient_id").fill(TEST_PNR)
    stored = _saved_draft(page, people["reporter"], "Läkemedelslistan")
    assert "patient" not in stored and TEST_PNR[2:8] not in stored and "csrf" not in stored
    assert json.loads(stored)["receiver_organisation"] == "23"

    page.context.clear_cookies()  # the session ends (timeout, a closed browser …)
    page.reload()
    assert "/logga-in" in page.url
    sign_in(page, people["other_reporter"], next_path="/arenden/ny")  # a colleague, same browser
    expect(page.locator("#description")).to_have_value("")
    expect(page.locator(".draft-notice")).to_be_hidden()
    page.context.clear_cookies()
    sign_in(page, people["reporter"], next_path="/arenden/ny")
    expect(page.locator(".draft-notice")).to_be_visible()
    expect(page.locator("#description")).to_have_value("Läkemedelslistan saknades vid hemkomsten.")
    expect(page.locator("#patient_id")).to_have_value("")
    visit(page, "new case with a restored draft", shot="new-case-draft")

    page.get_by_role("button", name="Skicka rapporten").click()
    expect(page.locator(".flash--success")).to_be_visible()
    assert _draft(page, people["reporter"]) is None  # sent: forgotten


def test_receiver_is_searchable(phone, people):
    page = phone
    sign_in(page, people["reporter"], next_path="/arenden/ny")
    # The units answer only once the person has typed in the unit search (a slow
    # network): what they typed still picks the unit when the units arrive.
    held = []
    page.route(re.compile(r".*/enheter\?organisation=.*"), lambda route: held.append(route))
    page.get_by_label("Sök organisation").fill("östers")
    expect(page.locator("#receiver_organisation")).to_have_value("2380")
    page.get_by_label("Sök organisation").fill("region")
    expect(page.locator("#receiver_organisation")).to_have_value("23")
    page.get_by_label("Sök organisation").press("Enter")  # picks; does not send the form
    expect(page.locator("#receiver_organisation")).to_be_focused()
    expect(page.locator(".error-summary")).to_have_count(0)
    page.get_by_label("Sök enhet").fill("geriatr")
    for _ in range(100):  # the region's request reaches the route (events run while waiting)
        if any(r.request.url.endswith("organisation=23") for r in held):
            break
        page.wait_for_timeout(50)
    assert any(r.request.url.endswith("organisation=23") for r in held)
    for route in held:
        route.continue_()
    expect(page.locator("#receiver_unit")).to_have_value("23-OSD-GER")
    expect(page.get_by_label("Sök enhet")).to_have_value("geriatr")
    visit(page, "new case, searched")


def test_filing_works_without_javascript(new_page, people):
    page = new_page(java_script_enabled=False)
    sign_in(page, people["reporter"], next_path="/arenden/ny")
    expect(page.locator(".select-search")).to_have_count(0)  # no enhancement, same form
    page.get_by_role("button", name="Skicka rapporten").click()
    expect(page.locator(".error-summary")).to_be_visible()
    _fill_required(page, "Utan skript.")
    page.get_by_role("button", name="Skicka rapporten").click()
    case = db.session.scalars(db.select(Case)).one()
    expect(page.locator(".flash--success")).to_contain_text(case.reference)


def test_inbox_puts_overdue_first_and_keeps_filters_in_the_url(desktop, people, new_case):
    late = new_case(description="Sen.")
    on_time = new_case(description="I tid.")
    late.due_at = now_utc() - timedelta(days=2)
    db.session.commit()
    page = desktop
    sign_in(page, people["receiver_handler"], next_path="/inkorg")
    overdue = page.get_by_role("region", name=re.compile("försenat svar att lämna"))
    expect(overdue).to_contain_text(late.reference)
    expect(overdue).not_to_contain_text(on_time.reference)
    expect(page.locator("#status option[value=received]")).to_have_text("Mottagen (2)")
    visit(page, "inbox with overdue", shot="inbox-overdue")

    page.get_by_label("Sortera").select_option("due")
    page.get_by_label("Status").select_option("received")
    page.get_by_role("button", name="Visa").click()
    assert "sort=due" in page.url and "status=received" in page.url
    first = page.locator("table.cases tbody tr").first
    expect(first).to_contain_text(late.reference)
    expect(page.locator(".count")).to_contain_text("2 ärenden")
