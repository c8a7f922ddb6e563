"""Bulk actions on the inbox: acknowledge, assign and forward many cases at once; each
case done or refused with its own Swedish reason, never a 500."""
import pytest
from sqlalchemy import select

from avvikelse.agreements import version_at
from avvikelse.audit.models import AccessLog
from avvikelse.cases.enums import Status
from avvikelse.core.clock import now_utc
from avvikelse.extensions import db
from tests.api.conftest import api, file_via_api  # noqa: F401  (fixtures)
from tests.web.helpers import text

NOT_FOUND = "Ärendet finns inte eller så saknar du behörighet att se det."


def bulk(client, action, references, **extra):
    data = {f"references-{i}": ref for i, ref in enumerate(references)}
    return client.post("/inkorg/massatgard", data={"action": action, **data, **extra})


def results(response) -> dict[str, str]:
    """Reference → what the results table says about it."""
    import re

    body = text(response)
    found = re.findall(r'<tr><th scope="row">([^<]+)</th>\s*<td>(.*?)</td></tr>', body, re.S)
    return {ref: re.sub(r"<[^>]+>", "", what).strip() for ref, what in found}


@pytest.fixture
def three(new_case, people, act):
    """Three cases to the region's intake; the first already acknowledged."""
    cases = [new_case(), new_case(), new_case()]
    act(people["receiver_handler"], cases[0], "acknowledge")
    return cases


def test_acknowledge_many_with_a_reason_for_each_refusal(client, login, people, three, new_case,
                                                         make_user):
    # Krokom to Östersund, which this agreement version allows: nothing of the region's
    version_at(now_utc(), "23").kommun_to_kommun_allowed = True
    elsewhere = new_case(reporter=people["other_reporter"], receiver_organisation="2380")
    login(people["receiver_handler"])
    refs = [c.reference for c in three] + [elsewhere.reference, "AV-2026-999999"]
    response = bulk(client, "acknowledge", refs)
    assert response.status_code == 200
    assert results(response) == {
        three[0].reference: "Det går inte att kvittera när ärendet har status ”Under utredning”. "
                            "Det går bara från: Mottagen.",
        three[1].reference: "Klart",
        three[2].reference: "Klart",
        elsewhere.reference: NOT_FOUND,  # another organisation's case: as if it did not exist
        "AV-2026-999999": NOT_FOUND,
    }
    assert "2 ärenden klara." in text(response)
    assert [c.status for c in three[1:]] == [Status.INVESTIGATING, Status.INVESTIGATING]
    assert all(c.owner == people["receiver_handler"] for c in three)
    assert elsewhere.status is Status.RECEIVED
    denied = db.session.scalars(select(AccessLog.target).where(AccessLog.action == "denied")).all()
    assert sorted(denied) == sorted([elsewhere.reference, "AV-2026-999999"])
    # What was ticked stays ticked on the page that answers.
    assert f'value="{three[1].reference}" id="markera-' in response.get_data(as_text=True)


def test_assign_many(client, login, people, new_case, make_user):
    colleague = make_user("23", ["handler"], units=[], username="kollega.region")
    intake, geriatrics = new_case(), new_case(receiver_unit="23-OSD-GER")
    medicine = new_case(receiver_unit="23-OSD-MED")
    ger = people["unit_handler"]
    db.session.commit()
    login(people["receiver_handler"])
    response = bulk(client, "assign", [intake.reference, geriatrics.reference, medicine.reference],
                    owner=ger.username)
    assert results(response) == {
        intake.reference: "Välj en handläggare hos mottagaren som arbetar med ärendets enhet.",
        geriatrics.reference: "Klart",
        medicine.reference: "Välj en handläggare hos mottagaren som arbetar med ärendets enhet.",
    }
    assert (intake.owner, geriatrics.owner, medicine.owner) == (None, ger, None)
    assert geriatrics.history[-1].note == "Ansvarig: ger.region."
    response = bulk(client, "assign", [intake.reference, medicine.reference], owner=colleague.username)
    assert response.status_code == 200 and (intake.owner, medicine.owner) == (colleague, colleague)


def test_forward_many_within_the_organisation(client, login, people, new_case):
    already, other = new_case(receiver_unit="23-OSD-GER"), new_case()
    login(people["receiver_handler"])
    response = bulk(client, "forward", [already.reference, other.reference], unit="23-OSD-GER")
    assert results(response) == {already.reference: "Ärendet ligger redan hos den enheten.",
                                 other.reference: "Klart"}
    assert other.receiver_unit.code == "23-OSD-GER"
    # Forwarding within the organisation only: another organisation's unit is refused.
    response = bulk(client, "forward", [other.reference], unit="2309-HSJV")
    assert response.status_code == 409
    assert results(response) == {other.reference: "Välj en enhet i din egen organisation."}


def test_the_sending_side_cannot_act_in_bulk(client, login, people, new_case):
    case = new_case()
    login(people["sender_handler"])  # sees the case, on the sending side
    response = bulk(client, "acknowledge", [case.reference])
    assert response.status_code == 409
    assert results(response) == {
        case.reference: "Bara mottagande organisations handläggare kan kvittera."}
    assert case.status is Status.RECEIVED


@pytest.mark.parametrize("data,field,message", [
    ({"action": "acknowledge"}, "references", "Välj minst ett ärende."),
    ({"action": "assign", "references-0": "AV-2026-000001"}, "owner",
     "Välj vem som ska ansvara för ärendena."),
    ({"action": "forward", "references-0": "AV-2026-000001"}, "unit", "Välj enheten ärendena ska till."),
    ({"action": "answer", "references-0": "AV-2026-000001"}, "action", "Välj ett av alternativen."),
    ({"action": "acknowledge", "references-0": "<script>alert(1)</script>AV"}, "references", "Högst 20 tecken."),
])
def test_bad_bulk_forms_are_422_in_swedish(client, login, people, new_case, data, field, message):
    new_case()
    login(people["receiver_handler"])
    response = client.post("/inkorg/massatgard", data=data)
    assert response.status_code == 422
    assert message in text(response)
    assert "<script>alert(1)" not in response.get_data(as_text=True)


def test_hostile_references_are_not_found_never_500(client, login, people, new_case):
    case = new_case()
    login(people["receiver_handler"])
    response = bulk(client, "acknowledge", ["=1+1", "'; DROP", case.reference])
    assert response.status_code == 200
    assert results(response)["=1+1"] == NOT_FOUND and results(response)["'; DROP"] == NOT_FOUND
    assert case.status is Status.INVESTIGATING
    response = bulk(client, "acknowledge", ["AV\x00-1"])  # a control character: the form says so
    assert response.status_code == 422
    assert "Texten innehåller otillåtna kontrolltecken." in text(response)


def test_my_cases_bulk_goes_back_to_my_cases(client, login, people, three):
    login(people["receiver_handler"])
    response = client.post("/inkorg/massatgard?from=mine",
                           data={"action": "acknowledge", "references-0": three[0].reference})
    assert response.status_code == 409
    assert "<h1>Mina ärenden</h1>" in text(response)


def test_reporters_get_no_bulk_form(client, login, people, new_case):
    new_case()
    login(people["reporter"])
    assert 'id="massatgard"' not in text(client.get("/skickade"))
    client.post("/logga-ut")
    login(people["receiver_handler"])
    assert 'id="massatgard"' in text(client.get("/inkorg"))


# -- the API ---------------------------------------------------------------------------------

def test_bulk_through_the_api(api, people, file_via_api):
    receiver = api(people["receiver_handler"])
    first, second = file_via_api(), file_via_api()
    receiver.act(first, "acknowledge")
    response = receiver.post("/cases/bulk-actions", {"action": "acknowledge",
                                                     "references": [first, second, "nej"]})
    assert response.status_code == 200
    assert response.json["results"] == [
        {"reference": first, "done": False, "status": "investigating",
         "message": "Det går inte att kvittera när ärendet har status ”Under utredning”. "
                    "Det går bara från: Mottagen."},
        {"reference": second, "done": True, "status": "investigating", "message": None},
        {"reference": "nej", "done": False, "status": None, "message": NOT_FOUND},
    ]
    assigned = receiver.post("/cases/bulk-actions", {"action": "assign", "owner": "chefslakare",
                                                     "references": [first, second]})
    assert [r["done"] for r in assigned.json["results"]] == [True, True]
    assert receiver.get(f"/cases/{first}").json["owner"] == "chefslakare"


@pytest.mark.parametrize("body,field", [
    ({"action": "acknowledge", "references": []}, "references"),
    ({"action": "acknowledge", "references": "AV-1"}, "references"),
    ({"action": "acknowledge", "references": [f"AV-{i}" for i in range(101)]}, "references"),
    ({"action": "redirect", "references": ["AV-1"]}, "action"),
    ({"action": "assign", "references": ["AV-1"]}, "owner"),
])
def test_bad_bulk_requests_are_422(api, people, body, field):
    response = api(people["receiver_handler"]).post("/cases/bulk-actions", body)
    assert response.status_code == 422
    assert field in response.json["errors"]


def test_the_bulk_form_offers_each_possible_owner_once_by_name_and_active_units(client, login, people,
                                                                                 make_user, three):
    """Read as columns (cases/owners.organisation_handler_choices): a person with two
    case-worker roles is one choice; no integration, no one else's organisation."""
    import re

    both = make_user("23", ["handler", "chefslakare"], units=[], username="dubbel.region")
    both.full_name = "Dubbel Roll"
    robot = make_user("23", ["handler"], units=[], username="robot.region")
    robot.is_integration = True
    db.session.commit()
    login(people["receiver_handler"])
    page = text(client.get("/inkorg"))
    owner = re.search(r'<select id="bulk-owner".*?</select>', page, re.S).group(0)
    offered = re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', owner)
    assert offered.count(("dubbel.region", "Dubbel Roll")) == 1
    assert ("handlaggare.region", "handlaggare.region") in offered
    assert ("chefslakare", "chefslakare") in offered
    assert not {v for v, _ in offered} & {"robot.region", "handlaggare.krokom", "mas.ostersund"}
    unit = re.search(r'<select id="bulk-unit".*?</select>', page, re.S).group(0)
    assert '<option value="23-OSD-GER">' in unit
