"""The issue's journeys, driven in headless Chromium; axe on every page on the way,
with and without validation errors shown."""
from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import expect

from avvikelse.cases.enums import Status
from avvikelse.cases.models import Case
from avvikelse.core.clock import now_utc, to_local
from avvikelse.extensions import db
from tests.browser.a11y import visit
from tests.browser.steps import open_action, sign_in, submit_action


def _fresh(case: Case) -> Case:
    """The server wrote in its own thread: drop what this session remembers."""
    db.session.rollback()
    db.session.expire_all()
    return db.session.get(Case, case.id)


def _follow_error_link(page, first_field_id: str) -> None:
    """The summary is focused on load; its link moves focus to the field it names."""
    summary = page.locator(".error-summary").first
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    summary.locator(f'a[href="#{first_field_id}"]').click()
    expect(page.locator(f"#{first_field_id}")).to_be_focused()


def test_file_a_case_on_a_phone(phone, people):
    page = phone
    page.goto("/")
    assert "/logga-in" in page.url  # signed out: the login page first
    visit(page, "login", shot="login")
    page.get_by_role("button", name="Logga in").click()
    visit(page, "login with errors", shot="login-errors")
    _follow_error_link(page, "username")

    sign_in(page, people["reporter"])
    visit(page, "start", shot="start")

    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Rapportera").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Rapportera")
    visit(page, "new case", shot="new-case")

    page.get_by_role("button", name="Skicka rapporten").click()
    expect(page.locator(".error-summary")).to_be_visible()
    visit(page, "new case with errors", shot="new-case-errors")
    _follow_error_link(page, "receiver_organisation")

    page.get_by_label("Avvikelse", exact=True).check()
    page.get_by_label("Mottagande organisation").select_option("23")
    page.get_by_label("Mottagande enhet (om du vet)").select_option("23-OSD-MED")
    occurred = to_local(now_utc() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    page.locator("#occurred_at").fill(occurred)
    page.get_by_label("Kategori").select_option("discharge")
    page.locator("#description").fill("Utskrivningsmeddelandet kom inte fram till hemsjukvården.")
    page.locator("#immediate_action").fill("Ringde avdelningen och fick listan.")
    page.locator("input[name=consequence][value='2']").check()
    page.locator("input[name=probability][value='3']").check()
    # The risk is explained as it is picked (the page works without it, too).
    expect(page.locator("#risk-output")).to_contain_text("6")
    expect(page.locator("#risk-output")).to_contain_text("hög")
    visit(page, "new case filled in")

    page.get_by_role("button", name="Skicka rapporten").click()
    page.wait_for_url("**/arenden/*")
    case = db.session.scalars(db.select(Case)).one()
    receipt = page.locator(".flash--success")
    expect(receipt).to_contain_text(case.reference)
    expect(page.get_by_role("heading", level=1)).to_contain_text(case.reference)
    visit(page, "receipt", shot="receipt")
    assert (case.receiver_unit.code, case.consequence, case.probability) == ("23-OSD-MED", 2, 3)


def test_answer_ask_reply_and_dispute(new_page, people, new_case):
    from tests.browser.conftest import PHONE

    case = new_case()
    handler, reporter = new_page(), new_page(PHONE, is_mobile=True, has_touch=True)

    sign_in(handler, people["receiver_handler"])
    handler.goto("/inkorg")
    visit(handler, "inbox", shot="inbox")
    handler.get_by_role("link", name=case.reference).click()
    visit(handler, "case (receiver)", shot="case")

    open_action(handler, "Kvittera")
    submit_action(handler, "acknowledge", "Kvittera")
    assert _fresh(case).status is Status.INVESTIGATING
    # Acknowledging made the handler its owner: it is in "Mina ärenden".
    handler.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Mina ärenden").click()
    expect(handler.get_by_role("table", name="Mina ärenden")).to_contain_text(case.reference)
    visit(handler, "my cases", shot="my-cases")
    handler.get_by_role("link", name=case.reference).click()

    open_action(handler, "Begär komplettering")
    handler.locator("#ask-note").fill("Vilken dag skrevs patienten ut?")
    submit_action(handler, "ask", "Begär komplettering")
    assert _fresh(case).status is Status.AWAITING_INFO

    sign_in(reporter, people["reporter"], next_path=f"/arenden/{case.reference}")
    visit(reporter, "case (sender, asked)")
    open_action(reporter, "Komplettera")
    reporter.locator("#reply-note").fill("Den 12 mars, på förmiddagen.")
    submit_action(reporter, "reply", "Komplettera")
    assert _fresh(case).status is Status.INVESTIGATING

    handler.reload()
    open_action(handler, "Besvara")
    submit_action(handler, "answer", "Besvara")
    visit(handler, "answer with errors", shot="answer-errors")
    _follow_error_link(handler, "answer-confirmed")
    handler.locator("#atgard-answer input[name=confirmed][value=yes]").check()
    handler.locator("#answer-analysis").fill("Rutinen för utskrivning följdes inte.")
    handler.locator("#atgard-answer input[name=patient_informed]").first.check()
    handler.locator("#answer-measures-0-text").fill("Ny checklista vid utskrivning")
    handler.locator("#answer-measures-0-owner").fill("Enhetschef")
    handler.locator("#answer-measures-0-due_on").fill((now_utc().date() + timedelta(days=30)).isoformat())
    submit_action(handler, "answer", "Besvara")
    assert _fresh(case).status is Status.ANSWERED
    expect(handler.get_by_role("table", name="Åtgärder")).to_contain_text("Ny checklista")
    visit(handler, "case answered")

    reporter.reload()
    open_action(reporter, "Bestrid svaret")
    submit_action(reporter, "dispute", "Bestrid svaret")
    visit(reporter, "dispute with errors", shot="dispute-errors")
    reporter.locator("#dispute-reason").fill("Åtgärden räcker inte: det gäller även helger.")
    submit_action(reporter, "dispute", "Bestrid svaret")
    assert _fresh(case).status is Status.DISPUTED

    # A message: first empty (its error summary), then sent.
    reporter.get_by_role("button", name="Skicka meddelande").click()
    visit(reporter, "message with errors")
    reporter.locator("#message-body").fill("Vi kan ses på samverkansmötet.")
    reporter.get_by_role("button", name="Skicka meddelande").click()
    expect(reporter.locator(".messages")).to_contain_text("samverkansmötet")
    visit(reporter, "case disputed", shot="case-disputed")


def test_serious_case_direct_contact_and_lex_maria_with_the_ivo_number_later(new_page, people, new_case):
    """§8.1: the filer calls the on-duty chefsläkare and records it; the chefsläkare
    reports under Lex Maria in steps, the IVO number added when it arrives."""
    from avvikelse.directory.models import OnDutyContact

    db.session.add(OnDutyContact(organisation_id=people["chefslakare"].organisation_id, role="chefslakare",
                                 label="Tjänstgörande chefsläkare", phone="070-174 06 05", hours="dygnet runt"))
    db.session.commit()
    case = new_case(serious=True, consequence=4)
    reporter = new_page()
    sign_in(reporter, people["reporter"], next_path=f"/arenden/{case.reference}")
    expect(reporter.get_by_role("heading", name="Allvarlig händelse: ta direktkontakt nu")).to_be_visible()
    expect(reporter.get_by_role("link", name="070-174 06 05")).to_be_visible()
    visit(reporter, "serious case: whom to call", shot="call-now")
    open_action(reporter, "Registrera direktkontakt")
    reporter.locator("#direct_contact-with").fill("Tjänstgörande chefsläkare")
    reporter.locator("#direct_contact-at").fill(to_local(now_utc() - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M"))
    submit_action(reporter, "direct_contact", "Registrera direktkontakt")
    expect(reporter.locator(".facts")).to_contain_text("Tjänstgörande chefsläkare")
    expect(reporter.get_by_role("heading", name="Allvarlig händelse: ta direktkontakt nu")).to_have_count(0)

    chef = new_page()
    sign_in(chef, people["chefslakare"])
    chef.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Eskaleringar").click()
    visit(chef, "escalation inbox", shot="escalations")
    card = chef.locator("article.escalation", has_text=case.reference)
    card.get_by_role("button", name="Kvittera").click()
    expect(chef.locator(".flash--success")).to_contain_text(case.reference)
    card = chef.locator("article.escalation", has_text=case.reference)
    card.get_by_role("button", name="Registrera steget").click()
    visit(chef, "decision with errors", shot="decision-errors")
    card = chef.locator("article.escalation", has_text=case.reference).locator("form[action$='/beslut']")
    card.get_by_label("Lex Maria").check()
    card.get_by_label("anmäld till IVO").check()
    card.get_by_label("Datum för anmälan till IVO").fill(to_local(now_utc()).date().isoformat())
    card.get_by_role("button", name="Registrera steget").click()
    expect(chef.locator(".flash--success")).to_contain_text(case.reference)
    # Two weeks later IVO's diarienummer arrives: one more step.
    card = chef.locator("article.escalation", has_text=case.reference).locator("form[action$='/beslut']")
    card.get_by_label("Lex Maria").check()
    card.get_by_label("anmäld till IVO").check()
    card.get_by_label("IVO:s diarienummer").fill("3.5.1-04711/2026")
    card.get_by_role("button", name="Registrera steget").click()
    expect(chef.locator(".flash--success")).to_contain_text(case.reference)
    visit(chef, "decision in steps", shot="decision-steps")

    reporter.goto(f"/arenden/{case.reference}")
    expect(reporter.locator(".escalations")).to_contain_text("IVO dnr 3.5.1-04711/2026")
    visit(reporter, "case with the escalation's steps")


def test_a_dispute_settled_in_the_forum(new_page, people, new_case, act):
    """After the one dispute round the sender disagrees; the forum settles; the case closes."""
    case = new_case()
    act(people["receiver_handler"], case, "acknowledge")
    act(people["receiver_handler"], case, "answer")
    act(people["reporter"], case, "dispute", note="Åtgärden räcker inte.")
    act(people["receiver_handler"], case, "answer")
    reporter = new_page()
    sign_in(reporter, people["reporter"], next_path=f"/arenden/{case.reference}")
    open_action(reporter, "Godta inte det andra svaret")
    reporter.locator("#disagree-reason").fill("Rutinen gäller fortfarande inte helger.")
    submit_action(reporter, "disagree", "Godta inte det andra svaret – till samverkansforumet")
    assert _fresh(case).status is Status.IN_FORUM

    forum = new_page()
    sign_in(forum, people["forum"])
    forum.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Tvister").click()
    expect(forum.get_by_role("heading", level=2, name=case.reference)).to_be_visible()
    expect(forum.locator("main")).to_contain_text("Rutinen gäller fortfarande inte helger.")
    expect(forum.locator("main")).not_to_contain_text(case.description)  # de-identified
    visit(forum, "the forum's disputes", shot="disputes")
    forum.get_by_role("button", name="Avgör och avsluta").click()
    visit(forum, "settle with errors")
    forum.get_by_label("Forumets slutsats").fill("Region och kommun ser gemensamt över helgrutinen.")
    forum.get_by_role("button", name="Avgör och avsluta").click()
    expect(forum.locator(".flash--success")).to_contain_text(case.reference)
    settled = _fresh(case)
    assert (settled.status.value, settled.outcome.value) == ("closed", "settled_in_forum")
    reporter.goto(f"/arenden/{case.reference}")
    expect(reporter.locator(".status-line")).to_contain_text("Avgjort i samverkansforumet")


def test_lists_accessibility_statement_and_skip_link(desktop, people, new_case):
    new_case()
    page = desktop
    sign_in(page, people["reporter"])
    page.goto("/skickade?status=received")
    expect(page.locator(".count")).to_contain_text("1 ärende")
    visit(page, "outgoing filtered", shot="outgoing")

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Hoppa till innehållet")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()

    page.get_by_role("link", name="Tillgänglighetsredogörelse").click()
    visit(page, "accessibility statement")

    page.goto("/arenden/AV-2099-999999")  # the error page, too
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    visit(page, "not found")


def test_main_pages_at_phone_and_desktop_size(new_page, people, new_case, act):
    """Screenshots for review at both sizes; axe at both, since the layout changes."""
    from tests.browser.conftest import DESKTOP, PHONE

    case = new_case(serious=True, consequence=3)
    act(people["receiver_handler"], case, "acknowledge")
    act(people["receiver_handler"], case, "answer")
    pages = [("/", "start"), ("/arenden/ny", "new-case"), ("/skickade", "outgoing"),
             (f"/arenden/{case.reference}", "case"), ("/eskaleringar", "escalations")]
    for viewport, extra in ((PHONE, {"is_mobile": True, "has_touch": True}), (DESKTOP, {})):
        page = new_page(viewport, **extra)
        sign_in(page, people["mas"])
        for path, name in pages:
            page.goto(path)
            visit(page, f"{name} at {viewport['width']}px", shot=f"main-{name}")
