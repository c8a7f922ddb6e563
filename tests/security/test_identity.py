"""Trust: no path from a patient to a case that the reader may not identify.

Each test is an attack (or the rule that stops it), written as the county's
data-protection officer or an insider would try it."""
import pytest
from sqlalchemy import select

from avvikelse.audit.models import AccessLog
from avvikelse.cases.legal_bases import ensure_defaults
from avvikelse.cases.models import Case, LegalBasis
from avvikelse.cases.policy import can_see_patient, get_case_for
from avvikelse.extensions import db
from tests.api.conftest import api, file_via_api, valid_answer, valid_case  # noqa: F401  (fixtures)

PNR = "191212121212"
SPELLINGS = ["19121212-1212", "191212121212", "121212-1212", "1212121212", "121212+1212",
             "19121212 – 1212", "1912 12 12-1212", "121212/1212"]


def _rows(**where) -> list[AccessLog]:
    query = select(AccessLog).filter_by(**where).order_by(AccessLog.id)
    return db.session.scalars(query).all()


def _search_log(client, login, reviewer, personnummer):
    login(reviewer)
    page = client.post("/loggkontroll/", data={"personnummer": personnummer}).get_data(as_text=True)
    client.post("/logga-ut")
    return page


# -- the access log must not re-identify ---------------------------------------------------

def test_a_reviewer_cannot_find_a_de_identified_incoming_case_by_personnummer(
        client, login, people, new_case):
    """The region's chefsläkare reads Krokom's case about the patient, de-identified, then
    searches the log review by a candidate personnummer: nothing links the two."""
    case = new_case(patient_id=PNR)
    get_case_for(people["chefslakare"], case.reference)
    db.session.commit()
    page = _search_log(client, login, people["chefslakare"], "19121212-1212")
    assert case.reference not in page
    # Krokom, which may identify its own patient, finds its own staff's accesses.
    get_case_for(people["sender_handler"], case.reference)
    db.session.commit()
    assert case.reference in _search_log(client, login, people["mas"], "19121212-1212")


def test_incoming_cases_are_found_by_patient_only_while_the_sender_shares(
        client, login, people, new_case, act):
    case = new_case(patient_id=PNR, patient_shared_basis="consent")
    get_case_for(people["receiver_handler"], case.reference)
    db.session.commit()
    assert case.reference in _search_log(client, login, people["chefslakare"], PNR)
    act(people["reporter"], case, "unshare_identity")
    assert case.reference not in _search_log(client, login, people["chefslakare"], PNR)


def test_denied_requests_leave_no_trail_to_other_organisations_cases(client, login, people, new_case):
    """Requesting references of other organisations' cases gives 404s; the denied rows must
    not then let a search by personnummer list every case about the patient."""
    cases = [new_case(patient_id=PNR) for _ in range(3)]
    login(people["stranger"])  # Östersund's MAS and handler
    for case in cases:
        assert client.get(f"/arenden/{case.reference}").status_code == 404
    denied = _rows(action="denied")
    assert [(r.case_id, r.patient_blind_index, r.target) for r in denied] == [
        (None, None, c.reference) for c in cases]
    client.post("/logga-ut")
    assert not any(c.reference in _search_log(client, login, people["stranger"], PNR) for c in cases)


def test_an_api_filing_sent_again_goes_through_the_policy_and_the_log(api, people):  # noqa: F811
    reporter = api(people["reporter"])
    body = valid_case(patient_id="19121212-1212", submission_key="k-1")
    assert reporter.post("/cases", body).status_code == 201
    before = len(_rows(action="read"))
    again = reporter.post("/cases", body)
    assert again.status_code == 200
    reads = _rows(action="read")
    assert len(reads) == before + 1 and reads[-1].user_id == people["reporter"].id
    assert reads[-1].case_id == db.session.scalar(select(Case.id).where(Case.submission_key == "k-1"))


def test_log_review_covers_the_reviewers_own_organisation_only(client, login, people, new_case):
    case = new_case()
    get_case_for(people["receiver_handler"], case.reference)  # the region's handler
    db.session.commit()
    login(people["mas"])  # Krokom's MAS
    page = client.post("/loggkontroll/", data={"reference": case.reference}).get_data(as_text=True)
    assert "handlaggare.region" not in page


# -- sharing is a deliberate, logged, revocable act of the sender's ------------------------

def test_a_redirect_does_not_carry_the_share_to_the_new_receiver(people, new_case, act, make_user):
    ostersund = make_user("2380", ["handler"], units=[])
    db.session.commit()
    case = new_case(patient_id=PNR, patient_shared_basis="consent")
    assert can_see_patient(people["receiver_handler"], case)
    act(people["receiver_handler"], case, "redirect", organisation="2380", note="Fel mottagare.")
    assert case.receiver_organisation.code == "2380"
    assert not can_see_patient(ostersund, case)
    assert case.patient_shared_basis is None and case.patient_shared_with_id is None


def test_the_sender_shares_after_filing_and_withdraws_each_logged(
        api, people, new_case, client, login):  # noqa: F811
    case = new_case(patient_id=PNR)
    receiver, sender = api(people["receiver_handler"]), api(people["sender_handler"])
    assert "patient_id" not in receiver.get(f"/cases/{case.reference}").json
    refused = sender.act(case.reference, "share_identity", basis="secrecy_exception")
    assert refused.status_code == 422 and "note" in refused.json["errors"]  # which provision?
    shared = sender.act(case.reference, "share_identity", basis="osl-10-2")
    assert shared.status_code == 200 and shared.json["patient_shared_with"] == "23"
    seen = receiver.get(f"/cases/{case.reference}").json
    assert seen["patient_id"] == "19121212-1212" and seen["patient_shared_basis"] == "osl-10-2"
    receiver.get(f"/cases/{case.reference}")  # a second read is no second disclosure
    assert sender.act(case.reference, "unshare_identity").status_code == 200
    assert "patient_id" not in receiver.get(f"/cases/{case.reference}").json
    actions = [(r.action, r.organisation_id, r.patient_blind_index is not None)
               for r in _rows(case_id=case.id) if r.action in ("share", "unshare", "disclose")]
    krokom, region = people["sender_handler"].organisation_id, people["receiver_handler"].organisation_id
    assert actions == [("share", krokom, True), ("disclose", region, True), ("unshare", krokom, True)]
    history = [e.action for e in case.history]
    assert "share_identity" in history and "unshare_identity" in history
    # The patient's extract from Krokom shows the share and its withdrawal.
    login(people["mas"])
    page = client.post("/loggkontroll/patientutdrag", data={"personnummer": PNR}).get_data(as_text=True)
    assert "delade identiteten" in page and "slutade dela identiteten" in page


def test_only_the_sender_shares(api, people, new_case):  # noqa: F811
    case = new_case(patient_id=PNR)
    response = api(people["receiver_handler"]).act(case.reference, "share_identity", basis="consent")
    assert response.status_code == 409


def test_the_list_of_legal_bases_is_data(api, people, new_case):  # noqa: F811
    db.session.add(LegalBasis(code="psl-6-12", kind="secrecy_exception",
                              label="En bestämmelse som länet lagt till", position=9))
    db.session.get(LegalBasis, "osl-10-28").active = False
    db.session.commit()
    case = new_case(patient_id=PNR)
    sender = api(people["sender_handler"])
    assert sender.act(case.reference, "share_identity", basis="osl-10-28").status_code == 422
    assert sender.act(case.reference, "share_identity", basis="psl-6-12").status_code == 200
    ensure_defaults()  # idempotent: the county's own changes stay
    assert db.session.get(LegalBasis, "osl-10-28").active is False


def test_a_protected_patient_is_never_shared_and_everyone_is_warned(
        api, people, file_via_api, client, login):  # noqa: F811
    refused = api(people["reporter"]).post("/cases", valid_case(
        patient_id=PNR, patient_protected=True, patient_shared_basis="consent"))
    assert refused.status_code == 422 and "patient_shared_basis" in refused.json["errors"]
    reference = file_via_api(patient_id=PNR, patient_shared_basis="consent")
    sender = api(people["sender_handler"])
    assert sender.act(reference, "protect_identity").status_code == 200
    seen = api(people["receiver_handler"]).get(f"/cases/{reference}").json
    assert seen["patient_protected"] is True and "patient_id" not in seen
    assert sender.act(reference, "share_identity", basis="consent").status_code == 409
    for who in ("receiver_handler", "reporter"):
        login(people[who])
        page = client.get(f"/arenden/{reference}").get_data(as_text=True)
        assert "Skyddade personuppgifter" in page
        client.post("/logga-ut")


# -- no personnummer outside the patient field ----------------------------------------------

@pytest.mark.parametrize("spelling", SPELLINGS)
def test_a_personnummer_in_free_text_is_refused_in_every_spelling(api, people, spelling):  # noqa: F811
    response = api(people["reporter"]).post("/cases", valid_case(description=f"Patienten {spelling} föll."))
    assert response.status_code == 422
    assert list(response.json["errors"]) == ["description"]
    assert "fältet för patientens personnummer" in response.json["errors"]["description"][0]


def test_phone_numbers_and_references_pass(api, people):  # noqa: F811
    text = "Ring 070-123 45 67 eller 063-14 20 00 om AV-2026-000123, order 4711-2026."
    assert api(people["reporter"]).post("/cases", valid_case(description=text)).status_code == 201


@pytest.mark.parametrize("field", ["description", "immediate_action", "proposal", "reporter_role"])
def test_every_filing_text_field_refuses_one(api, people, field):  # noqa: F811
    response = api(people["reporter"]).post("/cases", valid_case(**{field: "ang. 19121212-1212"}))
    assert response.status_code == 422 and field in response.json["errors"]


def test_messages_answers_measures_notes_and_reasons_refuse_one(api, people, new_case):  # noqa: F811
    case = new_case()
    receiver, reporter = api(people["receiver_handler"]), api(people["reporter"])
    pnr = "121212-1212"
    response = receiver.post(f"/cases/{case.reference}/messages", {"body": f"Gäller {pnr}"})
    assert response.status_code == 422 and "body" in response.json["errors"]
    assert receiver.act(case.reference, "acknowledge", note=f"Se {pnr}").status_code == 422
    assert receiver.act(case.reference, "acknowledge").status_code == 200
    bad = [valid_answer(analysis=f"Patient {pnr}"),
           valid_answer(measures=[{"text": f"Ring {pnr}", "owner": "x", "due_on": "2030-01-01"}]),
           valid_answer(measures=[{"text": "Rutin", "owner": pnr, "due_on": "2030-01-01"}])]
    for body in bad:
        response = receiver.act(case.reference, "answer", **body)
        assert response.status_code == 422, body
    assert receiver.act(case.reference, "answer", **valid_answer()).status_code == 200
    response = reporter.act(case.reference, "dispute", reason=f"Fel patient, {pnr}")
    assert response.status_code == 422 and "reason" in response.json["errors"]


def test_the_form_keeps_what_was_typed_and_says_where_the_number_goes(client, login, people):
    login(people["reporter"])
    text = "Patienten 19121212-1212 fick fel läkemedelslista."
    response = client.post("/arenden/ny", data={
        "kind": "deviation", "receiver_organisation": "23", "occurred_at": "2026-01-10T10:00",
        "category": "medication", "description": text, "immediate_action": "Ringde.",
        "consequence": "2", "probability": "2"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert text in page and "fältet för patientens personnummer" in page


def test_an_escalation_list_masks_text_stored_before_the_check(api, people, new_case, act):  # noqa: F811
    from avvikelse.escalation.models import Escalation

    case = new_case(consequence=4, probability=3)
    esc = db.session.scalar(select(Escalation).where(Escalation.case_id == case.id,
                                                     Escalation.organisation_id == people["chefslakare"].organisation_id))
    esc.reason = "Gäller 19121212-1212"  # written before free text was checked
    db.session.commit()
    listed = api(people["chefslakare"]).get("/escalations").json["items"]
    assert [e["reason"] for e in listed] == ["Gäller [personnummer]"]
