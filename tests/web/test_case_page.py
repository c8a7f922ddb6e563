"""The case page: need-to-know, the patient's identity, escaped details, history."""
from sqlalchemy import select

from avvikelse.audit.models import AccessLog
from avvikelse.extensions import db
from tests.fixtures.factories import TEST_PNR
from tests.web.helpers import text


def test_stranger_gets_404_and_a_denied_row(client, login, people, new_case):
    case = new_case()
    login(people["stranger"])
    response = client.get(f"/arenden/{case.reference}")
    assert response.status_code == 404
    assert case.description not in text(response)
    denied = db.session.scalars(select(AccessLog).where(AccessLog.action == "denied")).all()
    assert [(row.user_id, row.case_id, row.target, row.channel) for row in denied] == [
        (people["stranger"].id, None, case.reference, "web")
    ]


def test_unknown_reference_looks_the_same_as_a_hidden_one(client, login, people, new_case):
    case = new_case()
    login(people["stranger"])
    hidden = client.get(f"/arenden/{case.reference}")
    missing = client.get("/arenden/AV-2099-999999")
    assert missing.status_code == hidden.status_code == 404
    assert "Ärendet finns inte eller så saknar du behörighet att se det." in text(missing)
    assert missing.get_data() == hidden.get_data()


def test_reading_is_logged(client, login, people, new_case):
    case = new_case()
    login(people["receiver_handler"])
    assert client.get(f"/arenden/{case.reference}").status_code == 200
    reads = db.session.scalars(select(AccessLog).where(AccessLog.action == "read")).all()
    assert [(r.user_id, r.case_id) for r in reads] == [(people["receiver_handler"].id, case.id)]


def test_receiver_without_shared_basis_does_not_see_the_patient(client, login, people, new_case):
    case = new_case(patient_id="191212121212")
    login(people["receiver_handler"])
    body = text(client.get(f"/arenden/{case.reference}"))
    assert TEST_PNR not in body and "191212121212" not in body
    assert "Avidentifierad" in body
    client.post("/logga-ut")
    login(people["reporter"])
    body = text(client.get(f"/arenden/{case.reference}"))
    assert TEST_PNR in body and "Delas inte med mottagaren." in body


def test_receiver_sees_the_patient_with_a_shared_basis(client, login, people, new_case):
    case = new_case(patient_id="191212121212", patient_shared_basis="consent")
    login(people["receiver_handler"])
    body = text(client.get(f"/arenden/{case.reference}"))
    assert TEST_PNR in body


def test_details_history_and_free_text(client, login, people, new_case):
    case = new_case(description="Rad 1\n<i>Rad 2</i>", consequence=3, probability=3,
                    receiver_unit="23-OSD-GER")
    login(people["unit_handler"])
    response = client.get(f"/arenden/{case.reference}")
    body = response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"
    assert '<div class="free-text">Rad 1\n&lt;i&gt;Rad 2&lt;/i&gt;</div>' in body
    readable = text(response)
    assert "Östersunds sjukhus, geriatrisk avdelning" in readable
    assert "9 (mycket hög) – allvarlig" in readable
    history = readable[readable.index('id="historik"'):]
    assert "Rapporterad" in history and "Dirigerad" in history and "Systemet" in history
    assert "Skickad" in history and "Mottagen" in history


def test_forms_offered_follow_available_actions(client, login, people, new_case):
    case = new_case()
    login(people["receiver_handler"])
    body = text(client.get(f"/arenden/{case.reference}"))
    for label in ("Kvittera", "Begär komplettering", "Vidarebefordra inom organisationen",
                  "Fel mottagare – skicka till rätt organisation"):
        assert f"<summary>{label}</summary>" in body
    assert "Återkalla ärendet" not in body and "Besvara" not in body
    client.post("/logga-ut")
    login(people["reporter"])
    body = text(client.get(f"/arenden/{case.reference}"))
    assert "<summary>Återkalla ärendet</summary>" in body and "Kvittera" not in body


def test_the_print_version_is_logged_as_a_print_and_has_no_forms(client, login, people, new_case):
    case = new_case(patient_id="191212121212")
    login(people["reporter"])
    response = client.get(f"/arenden/{case.reference}/utskrift")
    page = text(response)
    assert response.status_code == 200
    assert case.description in page and TEST_PNR in page  # the sender sees the patient
    assert "Vad vill du göra?" not in page and 'name="body"' not in response.get_data(as_text=True)
    actions = db.session.scalars(
        select(AccessLog.action).where(AccessLog.case_id == case.id, AccessLog.user_id == people["reporter"].id)
    ).all()
    assert sorted(actions) == ["print", "read"]
    client.post("/logga-ut")
    login(people["stranger"])
    assert client.get(f"/arenden/{case.reference}/utskrift").status_code == 404
