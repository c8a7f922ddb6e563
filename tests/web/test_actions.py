"""Every action through the case page, and the refusals: 409 and 404, never 500."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from avvikelse.cases.enums import Status
from avvikelse.cases.models import Message
from avvikelse.core.clock import now_utc
from avvikelse.extensions import db
from tests.web.helpers import error_beside, text


@pytest.fixture
def as_user(client, login):
    """Switch the signed-in user."""

    def switch(user):
        client.post("/logga-ut")
        login(user)
        return client

    return switch


def post(client, case, action, **data):
    return client.post(f"/arenden/{case.reference}/atgard/{action}", data=data)


def answer_form(**overrides):
    data = {
        "confirmed": "yes", "analysis": "Rutinen för utskrivning följdes inte.",
        "patient_informed": "yes",
        "measures-0-text": "Ny checklista vid utskrivning", "measures-0-owner": "Enhetschef",
        "measures-0-due_on": (now_utc().date() + timedelta(days=30)).isoformat(),
    }
    data.update(overrides)
    return data


def test_acknowledge(as_user, people, new_case):
    case = new_case()
    client = as_user(people["receiver_handler"])
    response = post(client, case, "acknowledge", note="Vi tittar på det.")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/arenden/{case.reference}"
    assert case.status is Status.INVESTIGATING
    page = text(client.get(response.headers["Location"]))
    assert "Klart: Kvittera. Ärendet har nu status ”Under utredning”." in page
    assert "Vi tittar på det." in page


def test_ask_then_reply(as_user, people, new_case):
    case = new_case()
    client = as_user(people["receiver_handler"])
    assert post(client, case, "ask", note="Vilken dag skrevs patienten ut?").status_code == 302
    assert case.status is Status.AWAITING_INFO
    client = as_user(people["reporter"])
    page = text(client.get(f"/arenden/{case.reference}"))
    assert "Vilken dag skrevs patienten ut?" in page and "<summary>Komplettera</summary>" in page
    assert post(client, case, "reply", note="Den 3 mars.").status_code == 302
    assert case.status is Status.RECEIVED
    bodies = [m.body for m in db.session.scalars(select(Message).order_by(Message.id))]
    assert bodies == ["Vilken dag skrevs patienten ut?", "Den 3 mars."]


def test_ask_without_a_question_is_422_beside_the_field(as_user, people, new_case):
    case = new_case()
    client = as_user(people["receiver_handler"])
    response = post(client, case, "ask", note="")
    assert response.status_code == 422
    assert error_beside(response, "ask-note", "Skriv vad du behöver veta.")
    assert 'href="#ask-note"' in response.get_data(as_text=True)
    assert '<details class="action" id="atgard-ask" open>' in response.get_data(as_text=True)
    assert case.status is Status.RECEIVED


def test_forward_within_the_organisation(as_user, people, new_case):
    case = new_case()
    client = as_user(people["receiver_handler"])
    response = post(client, case, "forward", unit="23-OSD-GER", note="Er patient.")
    assert response.status_code == 302
    assert case.receiver_unit.code == "23-OSD-GER" and case.status is Status.RECEIVED
    client = as_user(people["unit_handler"])
    assert case.reference in text(client.get("/inkorg"))


def test_forward_out_of_ones_own_sight_lands_in_the_inbox(as_user, people, new_case):
    case = new_case(receiver_unit="23-OSD-GER")
    client = as_user(people["unit_handler"])
    response = post(client, case, "forward", unit="23-OSD-MED")
    assert response.status_code == 302 and response.headers["Location"] == "/inkorg"


def test_forward_to_a_unit_of_another_organisation_is_refused(as_user, people, new_case):
    case = new_case()
    client = as_user(people["receiver_handler"])
    response = post(client, case, "forward", unit="2380-HSJV")
    assert response.status_code == 422
    assert error_beside(response, "forward-unit", "Välj en enhet i din egen organisation.")


def test_redirect_to_the_right_organisation(as_user, people, new_case):
    case = new_case()
    client = as_user(people["receiver_handler"])
    response = post(client, case, "redirect", organisation="2380", reason="Patienten bor i Östersund.")
    assert response.status_code == 302 and response.headers["Location"] == "/inkorg"
    assert case.status is Status.REDIRECTED and case.receiver_organisation.code == "2380"


def test_redirect_needs_a_reason(as_user, people, new_case):
    case = new_case()
    client = as_user(people["receiver_handler"])
    response = post(client, case, "redirect", organisation="2380", reason="")
    assert response.status_code == 422
    assert error_beside(response, "redirect-reason", "Skriv varför ärendet ska till en annan organisation.")
    assert '<option value="2380" selected>' in response.get_data(as_text=True)


def test_answer_with_measures_then_accept(as_user, people, new_case, act):
    case = act(people["receiver_handler"], new_case(), "acknowledge")
    client = as_user(people["receiver_handler"])
    assert post(client, case, "answer", **answer_form()).status_code == 302
    assert case.status is Status.ANSWERED
    assert [m.owner for m in case.answer.measures] == ["Enhetschef"]

    client = as_user(people["reporter"])
    page = text(client.get(f"/arenden/{case.reference}"))
    assert "Rutinen för utskrivning följdes inte." in page
    assert "Ny checklista vid utskrivning" in page and "Enhetschef" in page
    assert post(client, case, "accept").status_code == 302
    assert case.status is Status.CLOSED


def test_answer_errors_beside_fields_and_rows(as_user, people, new_case, act):
    case = act(people["receiver_handler"], new_case(), "acknowledge")
    client = as_user(people["receiver_handler"])
    response = post(client, case, "answer", confirmed="yes", analysis="Orsak.",
                    **{"measures-0-text": "Halv rad"})
    assert response.status_code == 422
    assert error_beside(response, "answer-measures-0-owner", "Fyll i åtgärd, ansvarig och datum.")
    assert 'value="Halv rad"' in response.get_data(as_text=True)

    response = post(client, case, "answer", confirmed="yes", analysis="Orsak.")
    assert response.status_code == 422
    body = text(response)
    assert "Ange minst en åtgärd med ansvarig och datum." in body
    assert 'href="#answer-measures"' in body
    assert error_beside(response, "answer-patient_informed", "Ange om patienten har informerats")
    assert case.status is Status.INVESTIGATING


def test_dispute_once_then_refused(as_user, people, new_case, act):
    case = act(people["receiver_handler"], new_case(), "acknowledge")
    act(people["receiver_handler"], case, "answer")
    client = as_user(people["reporter"])
    assert post(client, case, "dispute", reason="Svaret missar kärnfrågan.").status_code == 302
    assert case.status is Status.DISPUTED and case.disputed_once
    act(people["receiver_handler"], case, "answer")

    page = text(client.get(f"/arenden/{case.reference}"))
    assert "<summary>Bestrid svaret</summary>" not in page  # no second round offered
    response = post(client, case, "dispute", reason="Fortfarande fel.")
    assert response.status_code == 409
    assert "Svaret har redan bestridits en gång." in text(response)
    assert case.status is Status.ANSWERED


def test_withdraw(as_user, people, new_case):
    case = new_case()
    client = as_user(people["reporter"])
    response = post(client, case, "withdraw", reason="Rapporterat av misstag.")
    assert response.status_code == 302
    assert case.status is Status.WITHDRAWN
    page = text(client.get(f"/arenden/{case.reference}"))
    assert "Återkallad" in page and "Rapporterat av misstag." in page
    assert "Skicka meddelande" not in page  # a closed case takes no more messages


def test_illegal_action_is_409_in_swedish(as_user, people, new_case):
    case = new_case()
    client = as_user(people["reporter"])
    response = post(client, case, "acknowledge")
    assert response.status_code == 409
    assert "Bara mottagande organisations handläggare kan kvittera." in text(response)
    client = as_user(people["receiver_handler"])
    response = post(client, case, "answer", **answer_form())
    assert response.status_code == 409
    assert "Det går inte att besvara när ärendet har status ”Mottagen”." in text(response)
    assert case.status is Status.RECEIVED


@pytest.mark.parametrize("action", ["route", "delete", "ACKNOWLEDGE"])
def test_unknown_action_is_404(as_user, people, new_case, action):
    case = new_case()
    client = as_user(people["receiver_handler"])
    assert post(client, case, action).status_code == 404


def test_stranger_cannot_act_or_write(as_user, people, new_case):
    case = new_case()
    client = as_user(people["stranger"])
    assert post(client, case, "acknowledge").status_code == 404
    assert client.post(f"/arenden/{case.reference}/meddelande", data={"body": "Hej"}).status_code == 404
    assert case.status is Status.RECEIVED


def test_messages_between_the_sides(as_user, people, new_case):
    case = new_case()
    client = as_user(people["receiver_handler"])
    response = client.post(f"/arenden/{case.reference}/meddelande", data={"body": "Hej <b>där</b>\nRad två"})
    assert response.status_code == 302
    client = as_user(people["reporter"])
    body = client.get(f"/arenden/{case.reference}").get_data(as_text=True)
    assert '<div class="free-text">Hej &lt;b&gt;där&lt;/b&gt;\nRad två</div>' in body


def test_empty_message_is_422_beside_the_field(as_user, people, new_case):
    case = new_case()
    client = as_user(people["reporter"])
    response = client.post(f"/arenden/{case.reference}/meddelande", data={"body": ""})
    assert response.status_code == 422
    assert error_beside(response, "message-body", "Skriv ett meddelande.")


def test_message_on_a_closed_case_is_409(as_user, people, new_case, act):
    case = new_case()
    act(people["reporter"], case, "withdraw", note="Fel ärende.")
    client = as_user(people["reporter"])
    response = client.post(f"/arenden/{case.reference}/meddelande", data={"body": "Hej"})
    assert response.status_code == 409
    assert "Ärendet är avslutat" in text(response)


def test_a_form_for_an_action_one_may_not_take_is_refused_not_validated(as_user, people, new_case, act):
    case = act(people["receiver_handler"], new_case(), "acknowledge")
    client = as_user(people["reporter"])
    response = post(client, case, "answer", confirmed="")  # invalid *and* not the sender's to do
    assert response.status_code == 409
    assert "Bara mottagande organisations handläggare kan besvara." in text(response)
