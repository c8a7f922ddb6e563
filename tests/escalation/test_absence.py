"""Absences: while someone is away their notices and reminders go to their deputy at
once; an absent overseer's deputy acts on their escalations, and the access log says it
was done for them. Dated: before and after the absence nothing of it holds."""
from datetime import date

import pytest
from flask import session
from sqlalchemy import event, select

from avvikelse.accounts import absence, sessions
from avvikelse.accounts.absence import AbsenceInput
from avvikelse.audit.models import AccessLog
from avvikelse.core.errors import NotFound, ValidationFailed
from avvikelse.escalation import services
from avvikelse.escalation.decisions import DecisionInput, decide
from avvikelse.escalation.models import Escalation
from avvikelse.extensions import db
from avvikelse.notifications.models import Mail
from tests.escalation.conftest import local, told
from tests.web.helpers import text

FRIDAY = local(2026, 3, 6, 10, 0)
OPEN_TEXT = "Allvarlig avvikelse: kvittera eskaleringen senast 2026-03-09"


def away(user, first: date, last: date, deputy=None):
    made = absence.record(user, AbsenceInput(first, last, deputy.username if deputy else None))
    db.session.commit()
    return made


def mails_to(user) -> list[str]:
    return list(db.session.scalars(select(Mail.subject).where(Mail.user_id == user.id).order_by(Mail.id)))


@pytest.fixture
def deputy(make_user):
    """A handler of the region's geriatrics unit: sees only that unit's cases of its own."""
    user = make_user("23", ["handler"], units=["23-OSD-GER"], username="ersattare.region")
    db.session.commit()
    return user


# -- recording ------------------------------------------------------------------------------

@pytest.mark.parametrize("first,last,who,field,message", [
    (date(2026, 3, 10), date(2026, 3, 9), "deputy", "to", "Sista dagen kan inte ligga före den första."),
    (date(2026, 3, 1), date(2026, 3, 5), "deputy", "to", "Frånvaron har redan tagit slut."),
    (date(2026, 3, 6), date(2027, 3, 7), "deputy", "to", "Registrera högst 366 dagar åt gången."),
    (date(2026, 3, 6), date(2026, 3, 9), "stranger", "deputy", absence.NO_SUCH_DEPUTY),
    (date(2026, 3, 6), date(2026, 3, 9), "chefslakare", "deputy", "Du kan inte vara din egen ersättare."),
    (date(2026, 3, 6), date(2026, 3, 9), "reporter_region", "deputy",
     "Din ersättare måste själv vara handläggare, MAS, SAS eller chefsläkare: annars skulle "
     "frånvaron öppna ärenden för någon som inte har fått den behörigheten."),
    (date(2026, 3, 6), date(2026, 3, 9), None, "deputy",
     "Välj en ersättare, eller ange en stående ersättare först."),
])
def test_what_an_absence_must_be(clock, people, make_user, deputy, first, last, who, field, message):
    clock.set(FRIDAY)
    named = {"deputy": deputy, "stranger": people["stranger"], "chefslakare": people["chefslakare"],
             "reporter_region": make_user("23", username="rapportor.region"), None: None}[who]
    with pytest.raises(ValidationFailed) as refused:
        absence.record(people["chefslakare"], AbsenceInput(first, last, named.username if named else None))
    assert refused.value.errors == {field: [message]}


def test_an_overlapping_absence_replaces_the_earlier_one(clock, people, deputy):
    clock.set(FRIDAY)
    chef = people["chefslakare"]
    away(chef, date(2026, 3, 9), date(2026, 3, 13), deputy)
    away(chef, date(2026, 3, 20), date(2026, 3, 22), deputy)
    away(chef, date(2026, 3, 12), date(2026, 3, 16), people["receiver_handler"])
    assert [(a.starts_on.day, a.ends_on.day, a.deputy.username) for a in absence.planned(chef)] == [
        (12, 16, "handlaggare.region"), (20, 22, "ersattare.region")]


# -- notices and reminders ------------------------------------------------------------------

def test_an_absent_handlers_notices_go_to_the_deputy_at_once(clock, people, new_case, deputy):
    clock.set(FRIDAY)
    handler = people["receiver_handler"]
    away(handler, date(2026, 3, 6), date(2026, 3, 8), deputy)
    new_case()  # routed to the region's intake: the handler is told
    assert told(handler) == ["Nytt ärende att ta emot"]  # kept for the return, not mailed
    assert told(deputy) == ["Nytt ärende att ta emot (som ersättare för handlaggare.region)"]
    assert mails_to(handler) == []
    # The subject holds none of the names people typed.
    assert mails_to(deputy) == [f"{mails_subject_ref()}: Nytt ärende att ta emot"]


def mails_subject_ref() -> str:
    from avvikelse.cases.models import Case

    return db.session.scalars(select(Case.reference)).one()


def test_after_the_absence_notices_go_to_the_person_again(clock, people, new_case, deputy):
    clock.set(FRIDAY)
    handler = people["receiver_handler"]
    away(handler, date(2026, 3, 6), date(2026, 3, 6), deputy)
    clock.set(local(2026, 3, 7, 9, 0))
    new_case()
    assert told(handler) == ["Nytt ärende att ta emot"] and told(deputy) == []
    assert len(mails_to(handler)) == 1


def test_the_standing_deputy_stands_in_when_the_absence_names_nobody(clock, people, new_case, deputy):
    clock.set(FRIDAY)
    handler = people["receiver_handler"]
    absence.set_standing_deputy(handler, deputy.username)
    away(handler, date(2026, 3, 6), date(2026, 3, 10))
    new_case()
    assert told(deputy) == ["Nytt ärende att ta emot (som ersättare för handlaggare.region)"]


def test_reminders_go_to_the_deputy(clock, tick, people, new_case, deputy):
    clock.set(local(2026, 3, 2, 9, 0))
    handler = people["receiver_handler"]
    new_case()
    away(handler, date(2026, 3, 20), date(2026, 3, 31), deputy)
    tick(local(2026, 3, 24, 10, 0))  # a week before the answer day (2026-03-30)
    assert told(deputy) == ["Påminnelse: svaret ska lämnas senast 2026-03-30 "
                            "(som ersättare för handlaggare.region)"]


# -- escalations ----------------------------------------------------------------------------

def test_an_absent_chefslakares_deputy_is_told_and_acts_logged_as_for_them(
        clock, people, new_case, deputy, client, login):
    clock.set(FRIDAY)
    chef = people["chefslakare"]
    other_unit = new_case(receiver_unit="23-OSD-MED", consequence=3)  # serious; not the deputy's unit
    esc = db.session.scalar(select(Escalation).where(Escalation.organisation_id == chef.organisation_id))
    # Before the absence: the deputy does not see the case and may not act.
    with pytest.raises(NotFound):
        services.acknowledge(deputy, esc, FRIDAY)
    away(chef, date(2026, 3, 9), date(2026, 3, 13), deputy)
    with pytest.raises(NotFound):
        services.acknowledge(deputy, esc, FRIDAY)  # not yet: the absence starts on Monday

    clock.set(local(2026, 3, 9, 8, 0))
    login(deputy)
    assert "Eskaleringar" in text(client.get("/"))
    inbox = client.get("/eskaleringar")
    assert inbox.status_code == 200 and other_unit.reference in text(inbox)
    assert client.get(f"/arenden/{other_unit.reference}").status_code == 200
    assert client.post(f"/eskaleringar/{esc.id}/kvittera").status_code == 302
    db.session.refresh(esc)
    assert esc.acknowledged_by == deputy
    decide(deputy, esc, DecisionInput("investigation", step="investigating"), local(2026, 3, 9, 9, 0))
    db.session.commit()
    notes = [r.note for r in other_unit.history if r.action.startswith("escalation_")]
    assert notes[-2:] == [
        "Eskaleringen till chefsläkare i Region Jämtland Härjedalen kvitterad, som ersättare för chefslakare.",
        "chefsläkare i Region Jämtland Härjedalen: Intern utredning (händelseanalys), utreds. "
        "Som ersättare för chefslakare."]
    rows = db.session.execute(select(AccessLog.action, AccessLog.deputy_for_id).where(
        AccessLog.user_id == deputy.id, AccessLog.case_id == other_unit.id)
        .order_by(AccessLog.id)).all()
    assert rows and all(for_whom == chef.id for _action, for_whom in rows)
    assert {a for a, _ in rows} >= {"read", "change"}
    # The region's log review shows it, on the page and in the CSV.
    client.post("/logga-ut")
    login(people["admin"])
    review = client.post("/loggkontroll/", data={"username": deputy.username})
    assert "som ersättare för chefslakare" in text(review)
    exported = client.post("/loggkontroll/", data={"username": deputy.username, "format": "csv"})
    header, first = (line.split(";") for line in exported.get_data(as_text=True).splitlines()[:2])
    assert first[header.index("Som ersättare för")] == "chefslakare"

    # After the absence: nothing of it holds.
    clock.set(local(2026, 3, 14, 8, 0))
    login(deputy)  # the session ended while time went by
    assert client.get("/eskaleringar").status_code == 403
    assert client.get(f"/arenden/{other_unit.reference}").status_code == 404


def test_a_deputys_own_access_is_not_logged_as_for_anyone(clock, people, new_case, deputy, client, login):
    clock.set(FRIDAY)
    away(people["chefslakare"], date(2026, 3, 6), date(2026, 3, 13), deputy)
    own = new_case(receiver_unit="23-OSD-GER")  # the deputy's own unit
    login(deputy)
    assert client.get(f"/arenden/{own.reference}").status_code == 200
    row = db.session.scalar(select(AccessLog).where(AccessLog.user_id == deputy.id,
                                                    AccessLog.case_id == own.id))
    assert row.action == "read" and row.deputy_for_id is None


def test_the_absent_chefslakares_serious_case_notice_goes_to_the_deputy(clock, people, new_case, deputy):
    clock.set(FRIDAY)
    away(people["chefslakare"], date(2026, 3, 6), date(2026, 3, 13), deputy)
    new_case(consequence=3)
    assert told(deputy) == [f"{OPEN_TEXT} (som ersättare för chefslakare)"]
    assert told(people["chefslakare"]) == [OPEN_TEXT]


def test_a_standing_deputy_without_the_role_is_told_when_late_and_acts_only_during_absence(
        clock, tick, people, new_case, deputy):
    clock.set(FRIDAY)
    chef = people["chefslakare"]
    absence.set_standing_deputy(chef, deputy.username)
    db.session.commit()
    case = new_case(consequence=3)
    assert told(deputy) == []
    tick(local(2026, 3, 9, 10, 0))  # not acknowledged in a working day
    assert told(deputy) == ["Påminnelse: en eskalering väntar fortfarande på kvittens"]
    esc = db.session.scalar(select(Escalation).where(Escalation.case_id == case.id,
                                                     Escalation.organisation_id == chef.organisation_id))
    with pytest.raises(NotFound):
        services.acknowledge(deputy, esc, local(2026, 3, 9, 11, 0))  # told, but chef is not away
    away(chef, date(2026, 3, 9), date(2026, 3, 9))
    services.acknowledge(deputy, esc, local(2026, 3, 9, 11, 0))  # now chef is
    assert esc.acknowledged_by == deputy


def test_the_deputy_of_an_absent_handler_gets_no_more_access(clock, people, new_case, make_user, client,
                                                             login):
    """Only an overseer's absence opens their view: a handler's deputy gets the notices."""
    clock.set(FRIDAY)
    med = make_user("23", ["handler"], units=["23-OSD-MED"], username="med.region")
    ger = people["unit_handler"]
    db.session.commit()
    away(med, date(2026, 3, 6), date(2026, 3, 13), ger)
    case = new_case(receiver_unit="23-OSD-MED")
    assert told(ger) == ["Nytt ärende att ta emot (som ersättare för med.region)"]
    login(ger)
    assert client.get(f"/arenden/{case.reference}").status_code == 404


# -- the nav's escalation link ----------------------------------------------------------------

def test_a_page_asks_who_one_stands_in_for_only_when_an_absence_names_them(
        clock, people, deputy, client, login):
    clock.set(FRIDAY)
    login(deputy)
    seen = []

    def note(_conn, _cursor, statement, *_args):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        assert "Eskaleringar" not in text(client.get("/tillganglighet"))
        unnamed = [s for s in seen if "absences" in s]
        away(people["chefslakare"], date(2026, 3, 6), date(2026, 3, 8), deputy)
        seen.clear()
        assert "Eskaleringar" in text(client.get("/tillganglighet"))
        named = [s for s in seen if "absences" in s]
    finally:
        event.remove(db.engine, "before_cursor_execute", note)
    assert len(unnamed) == 1  # the user's own load answers it
    assert len(named) == 2


def test_an_absence_recorded_in_the_request_counts_at_once(app, clock, people, deputy):
    clock.set(FRIDAY)
    chef = people["chefslakare"]
    with app.test_request_context("/"):
        session[sessions.AUTH_AT] = FRIDAY.isoformat()
        user = sessions._current_user(str(deputy.id))
        assert user is deputy and absence.standing_in_for(user) == []
        absence.record(chef, AbsenceInput(date(2026, 3, 6), date(2026, 3, 8), deputy.username))
        assert absence.standing_in_for(user) == [chef]
