"""POST /cases: a case is filed, or every broken rule comes back by field name."""
import json
from datetime import timedelta

import pytest

from avvikelse.cases.models import Case
from avvikelse.core.clock import now_utc
from avvikelse.extensions import db
from tests.api.conftest import valid_case


@pytest.fixture
def reporter_api(api, people):
    return api(people["reporter"])


def errors_of(response) -> dict:
    assert response.status_code == 422, response.json
    assert response.json["error"] == "invalid"
    return response.json["errors"]


def test_filing_returns_201_with_the_case(reporter_api):
    response = reporter_api.post("/cases", valid_case(consequence=2, probability=4))
    assert response.status_code == 201
    case = response.json
    assert response.headers["Location"].endswith(f"/api/v1/cases/{case['reference']}")
    assert case["reference"].startswith(f"AV-{now_utc().year}-") and len(case["reference"]) == 14
    assert case["status"] == "submitted"
    assert case["sender_organisation"] == "2309" and case["sender_unit"] == "2309-HSJV"
    assert case["receiver_organisation"] == "23" and case["receiver_unit"] is None
    assert case["event_type"] == "adverse_event"  # the default
    assert case["risk"] == 8 and case["serious"] is True  # risk ≥ 8 is serious
    assert case["reported_at"].endswith("Z") and case["due_at"] is None
    assert case["history"] == [{
        "at": case["reported_at"], "actor": "rapportor.krokom", "action": "file",
        "from_status": None, "to_status": "submitted", "note": None,
    }]
    assert case["answer"] is None and case["messages"] == []
    assert "withdraw" in case["available_actions"]


def test_a_submission_key_sent_again_answers_with_the_case_it_filed(reporter_api, api, people):
    first = reporter_api.post("/cases", valid_case(submission_key="api-nyckel-1"))
    again = reporter_api.post("/cases", valid_case(submission_key="api-nyckel-1", description="Annan text"))
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json["reference"] == first.json["reference"] and again.headers["Location"] == first.headers["Location"]
    assert db.session.query(Case).count() == 1
    # Another reporter's key files nothing and says why, by field.
    other = api(people["other_reporter"]).post("/cases", valid_case(submission_key="api-nyckel-1"))
    assert "ny nyckel" in errors_of(other)["submission_key"][0]
    assert db.session.query(Case).count() == 1


@pytest.mark.parametrize("consequence, probability, flag, risk, serious", [
    (1, 1, False, 1, False), (1, 1, True, 1, True), (3, 1, False, 3, True), (2, 3, False, 6, False),
])
def test_risk_and_serious_are_derived(reporter_api, consequence, probability, flag, risk, serious):
    body = valid_case(consequence=consequence, probability=probability, serious=flag)
    case = reporter_api.post("/cases", body).json
    assert (case["risk"], case["serious"]) == (risk, serious)


def test_routing_sets_received_and_due(reporter_api, file_via_api):
    reference = file_via_api()
    case = reporter_api.get(f"/cases/{reference}").json
    assert case["status"] == "received" and case["due_at"] and case["received_at"]
    assert case["history"][-1]["actor"] is None  # the system routed it
    assert case["history"][-1]["from_status"] == "submitted"


def test_optional_fields_are_kept(reporter_api):
    body = valid_case(receiver_unit="23-OSD-GER", sender_unit="2309-HSJV", event_type="near_miss",
                      kind="complaint", complainant="patient", proposal="Ring alltid.", reporter_role="nurse",
                      discovered_at=now_utc().isoformat())
    case = reporter_api.post("/cases", body).json
    assert case["receiver_unit"] == "23-OSD-GER" and case["event_type"] == "near_miss"
    assert case["kind"] == "complaint" and case["proposal"] == "Ring alltid."
    assert case["reporter_role"] == "nurse"


def test_missing_fields(reporter_api):
    errors = errors_of(reporter_api.post("/cases", {}))
    assert set(errors) == {"kind", "receiver_organisation", "occurred_at", "category",
                           "description", "immediate_action", "consequence", "probability"}
    assert errors["description"] == ["Beskriv vad som hände."]
    assert db.session.scalar(db.select(db.func.count(Case.id))) == 0


def test_null_is_the_same_as_missing(reporter_api):
    errors = errors_of(reporter_api.post("/cases", valid_case(description=None)))
    assert errors == {"description": ["Beskriv vad som hände."]}


@pytest.mark.parametrize("field, value", [
    ("consequence", "high"), ("consequence", "3"), ("consequence", True), ("consequence", 2.5),
    ("probability", [1]), ("description", 5), ("description", {"text": "x"}),
    ("immediate_action", ["a"]), ("receiver_organisation", 23), ("serious", "yes"),
    ("occurred_at", 1700000000), ("kind", False), ("patient_id", 191212121212),
])
def test_wrong_types_are_field_errors(reporter_api, field, value):
    errors = errors_of(reporter_api.post("/cases", valid_case(**{field: value})))
    assert list(errors) == [field]
    assert errors[field][0].startswith("Ange")


@pytest.mark.parametrize("field, value", [
    ("consequence", 5), ("consequence", 0), ("probability", -1), ("kind", "rumour"),
    ("event_type", "gossip"), ("patient_shared_basis", "curiosity"),
])
def test_values_outside_the_choices(reporter_api, field, value):
    errors = errors_of(reporter_api.post("/cases", valid_case(**{field: value})))
    assert errors == {field: ["Välj ett av alternativen."]}


def test_a_category_outside_the_agreement_in_force(reporter_api):
    """The codes are the agreement version's in force, so the refusal names it."""
    errors = errors_of(reporter_api.post("/cases", valid_case(category="weather")))
    assert errors == {"category": [
        "Kategorin finns inte i Hemsjukvårdsavtalet (version 2020). Välj en kategori ur listan."]}


@pytest.mark.parametrize("overrides, field, message", [
    ({"receiver_organisation": "9999"}, "receiver_organisation", "Välj en mottagande organisation ur listan."),
    ({"receiver_organisation": "2309"}, "receiver_organisation",
     "Mottagaren måste vara en annan organisation än din egen."),
    ({"receiver_unit": "2380-HSJV"}, "receiver_unit", "Enheten hör inte till den mottagande organisationen."),
    ({"receiver_unit": "NOPE"}, "receiver_unit", "Enheten hör inte till den mottagande organisationen."),
    ({"sender_unit": "23-OSD-MED"}, "sender_unit", "Välj en av dina egna enheter som avsändare."),
])
def test_directory_rules(reporter_api, overrides, field, message):
    errors = errors_of(reporter_api.post("/cases", valid_case(**overrides)))
    assert errors == {field: [message]}


def test_a_case_between_two_kommuner_needs_an_agreement_that_allows_it(reporter_api):
    body = valid_case(receiver_organisation="2380", category="purchased")
    errors = errors_of(reporter_api.post("/cases", body))
    assert list(errors) == ["receiver_organisation"]
    assert "en kommun kan inte skicka ärenden till en annan kommun" in errors["receiver_organisation"][0]
    from avvikelse.agreements import version_at

    version_at(now_utc(), "23").kommun_to_kommun_allowed = True
    db.session.commit()
    assert reporter_api.post("/cases", body).status_code == 201


def test_future_occurred_at(reporter_api):
    future = (now_utc() + timedelta(hours=2)).isoformat()
    errors = errors_of(reporter_api.post("/cases", valid_case(occurred_at=future)))
    assert errors == {"occurred_at": ["Händelsen kan inte ha inträffat i framtiden."]}


@pytest.mark.parametrize("value", ["2026-03-14T08:30", "2026-03-14T08:30:00Z",
                                   "2026-03-14T08:30:00+01:00", "2026-03-14 08:30"])
def test_occurred_at_accepts_iso_8601(reporter_api, value):
    case = reporter_api.post("/cases", valid_case(occurred_at=value)).json
    # Naive means Swedish time: 08:30 in March (CET) is 07:30 UTC.
    expected = "2026-03-14T08:30:00Z" if value.endswith("Z") else "2026-03-14T07:30:00Z"
    assert case["occurred_at"] == expected


@pytest.mark.parametrize("value", ["igår", "2026-02-30T10:00", "14/3/2026", "1850-01-01T00:00"])
def test_occurred_at_that_is_no_time(reporter_api, value):
    errors = errors_of(reporter_api.post("/cases", valid_case(occurred_at=value)))
    assert list(errors) == ["occurred_at"]


@pytest.mark.parametrize("pnr, message", [
    ("19121212-1213", "Kontrollsiffran stämmer inte – kontrollera numret."),
    ("19121312-1212", "Datumet i personnumret finns inte."),
    ("19120230-1212", "Datumet i personnumret finns inte."),
    ("1212121212121", "Ange personnummer med 10 eller 12 siffror, t.ex. ÅÅÅÅMMDD-NNNN."),
    ("12121-1212", "Ange personnummer med 10 eller 12 siffror, t.ex. ÅÅÅÅMMDD-NNNN."),
    ("abc", "Ange personnummer med 10 eller 12 siffror, t.ex. ÅÅÅÅMMDD-NNNN."),
])
def test_invalid_personnummer(reporter_api, pnr, message):
    errors = errors_of(reporter_api.post("/cases", valid_case(patient_id=pnr)))
    assert errors == {"patient_id": [message]}


def _samordningsnummer() -> str:
    """The test personnummer's date with day + 60, and the Luhn digit that then fits."""
    digits = "121272121"  # YYMMDD + NNN
    total = sum(sum(divmod(int(d) * (2 - i % 2), 10)) for i, d in enumerate(digits))
    return f"19121272-121{(10 - total % 10) % 10}"


def test_valid_samordningsnummer_is_accepted(reporter_api):
    number = _samordningsnummer()
    case = reporter_api.post("/cases", valid_case(patient_id=number)).json
    assert case["patient_id"] == number


def test_patient_shared_basis_needs_a_patient(reporter_api):
    errors = errors_of(reporter_api.post("/cases", valid_case(patient_shared_basis="consent")))
    assert list(errors) == ["patient_shared_basis"]


def test_oversized_text(reporter_api):
    errors = errors_of(reporter_api.post("/cases", valid_case(description="x" * 10_001)))
    assert errors == {"description": ["Högst 10000 tecken."]}
    assert reporter_api.post("/cases", valid_case(description="x" * 10_000)).status_code == 201


@pytest.mark.parametrize("text", ["Före\x00efter", "bell\x07", "esc\x1b[31m"])
def test_control_characters_are_refused(reporter_api, text):
    errors = errors_of(reporter_api.post("/cases", valid_case(immediate_action=text)))
    assert errors == {"immediate_action": ["Texten innehåller otillåtna kontrolltecken."]}


def test_lone_surrogates_are_refused(reporter_api):
    response = reporter_api.client.post(
        "/api/v1/cases", headers=reporter_api.headers, content_type="application/json",
        data=json.dumps(valid_case(description="a")).replace('"a"', '"\\ud800"'))
    assert errors_of(response) == {"description": ["Texten innehåller ogiltiga tecken."]}


def test_html_and_line_breaks_are_stored_verbatim(reporter_api):
    text = '<script>alert("x")</script> & <b>fet</b>\r\nrad två\tflik'
    reference = reporter_api.post("/cases", valid_case(description=text)).json["reference"]
    response = reporter_api.get(f"/cases/{reference}")
    assert response.json["description"] == '<script>alert("x")</script> & <b>fet</b>\nrad två\tflik'
    assert response.mimetype == "application/json"


def test_reporter_with_several_units_must_name_one(api, make_user):
    user = make_user("2309", units=["2309-HSJV", "2309-SABO"])
    db.session.commit()
    errors = errors_of(api(user).post("/cases", valid_case()))
    assert errors == {"sender_unit": ["Välj vilken av dina enheter du rapporterar från."]}
    response = api(user).post("/cases", valid_case(sender_unit="2309-SABO"))
    assert response.json["sender_unit"] == "2309-SABO"


def test_text_of_only_whitespace_is_missing(reporter_api):
    errors = errors_of(reporter_api.post("/cases", valid_case(description="   \n  ", immediate_action="\t")))
    assert errors == {"description": ["Beskriv vad som hände."],
                      "immediate_action": ["Beskriv vad som gjordes direkt."]}



def test_the_filed_case_answers_as_its_read_does_and_reads_nothing_back(reporter_api):
    """The 201 is built from what the filing holds in memory (its collections known
    empty, its one history row just written): the same body as a read of the case, in
    about the statements the filing itself needs. Those are 6 reads (token, user, roles,
    receiver, agreement rules, own units), 5 writes (reference counter, case, text
    index, history row, outbox event) and the category's clause: 12. Reading the case's
    history, messages, answers, escalations, contacts, links and investigations back
    cost 9 more."""
    from sqlalchemy import event

    reporter_api.post("/cases", valid_case())  # the session's first reads are not the filing's
    statements = []
    listen = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listen)
    try:
        plain = reporter_api.post("/cases", valid_case())
    finally:
        event.remove(db.engine, "before_cursor_execute", listen)
    assert plain.status_code == 201, plain.json
    assert len(statements) <= 12, "\n".join(statements)
    # and with every part a read shows: patient, complaint, units, sharing
    full = reporter_api.post("/cases", valid_case(
        kind="complaint", complainant="patient", complainant_contact="070-123 45 67",
        patient_id="191212121212", patient_shared_basis="consent", sender_unit="2309-HSJV",
        receiver_unit="23-OSD-GER", consequence=3, probability=4))
    assert full.json["patient_id"] and full.json["complainant_contact"] and full.json["receiver_unit"]
    for filed in (plain, full):
        read = reporter_api.get(f"/cases/{filed.json['reference']}")
        assert read.status_code == 200 and filed.json == read.json
