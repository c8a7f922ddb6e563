"""The whole lifecycle through the API, each side doing its own part."""
import pytest

from tests.api.conftest import valid_answer


@pytest.fixture
def sides(api, people):
    return {"sender": api(people["reporter"]), "receiver": api(people["receiver_handler"])}


def ok(response, status: str) -> dict:
    assert response.status_code == 200, response.json
    assert response.json["status"] == status
    return response.json


def conflict(response) -> str:
    assert response.status_code == 409, response.json
    assert response.json["error"] == "conflict"
    return response.json["message"]


def refused(response) -> dict:
    assert response.status_code == 422, response.json
    return response.json["errors"]


def test_full_round_to_closed(sides, file_via_api):
    sender, receiver = sides["sender"], sides["receiver"]
    ref = file_via_api()
    assert receiver.get(f"/cases/{ref}").json["available_actions"] == [
        "acknowledge", "ask", "forward", "redirect", "reclassify", "escalate", "direct_contact",
        "assign"]
    ok(receiver.act(ref, "acknowledge", note="Vi tittar på det."), "investigating")
    ok(receiver.act(ref, "ask", note="Vilken dag skrevs patienten ut?"), "awaiting_info")
    assert sender.get(f"/cases/{ref}").json["available_actions"] == ["reply", "withdraw", "direct_contact"]
    case = ok(sender.act(ref, "reply", note="Den 3 mars."), "investigating")
    assert [m["body"] for m in case["messages"]] == ["Vilken dag skrevs patienten ut?", "Den 3 mars."]
    case = ok(receiver.act(ref, "answer", **valid_answer()), "answered")
    assert case["answer"]["confirmed"] == "yes" and case["answer"]["author"] == "handlaggare.region"
    assert case["answer"]["measures"][0]["owner"] == "Enhetschef"
    assert case["answer"]["patient_informed"] is True
    assert sender.get(f"/cases/{ref}").json["available_actions"] == ["accept", "dispute", "direct_contact"]
    case = ok(sender.act(ref, "accept"), "closed")
    assert case["closed_at"] and case["available_actions"] == []
    steps = [(h["action"], h["from_status"], h["to_status"]) for h in case["history"]]
    assert steps == [
        ("file", None, "submitted"), ("route", "submitted", "received"),
        ("acknowledge", "received", "investigating"), ("ask", "investigating", "awaiting_info"),
        ("reply", "awaiting_info", "investigating"), ("answer", "investigating", "answered"),
        ("accept", "answered", "closed"),
    ]
    assert case["history"][2]["actor"] == "handlaggare.region"


def test_ask_from_received_returns_to_received(sides, file_via_api):
    ref = file_via_api()
    ok(sides["receiver"].act(ref, "ask", note="Vem ringde?"), "awaiting_info")
    ok(sides["sender"].act(ref, "reply", reason="Sjuksköterskan."), "received")  # `reason` works too


def test_ask_and_reply_need_text(sides, file_via_api):
    ref = file_via_api()
    assert refused(sides["receiver"].act(ref, "ask")) == {"note": ["Skriv vad du behöver veta."]}
    ok(sides["receiver"].act(ref, "ask", note="Vem?"), "awaiting_info")
    assert refused(sides["sender"].act(ref, "reply", note="")) == {"note": ["Skriv din komplettering."]}


def test_forward_within_the_receiving_organisation(api, people, sides, file_via_api):
    ref = file_via_api()
    unit_handler = api(people["unit_handler"])
    assert unit_handler.get(f"/cases/{ref}").status_code == 404  # not yet their unit's
    case = ok(sides["receiver"].act(ref, "forward", unit="23-OSD-GER"), "received")
    assert case["receiver_unit"] == "23-OSD-GER"
    ok(unit_handler.act(ref, "acknowledge"), "investigating")
    errors = refused(unit_handler.act(ref, "forward", unit="2309-HSJV"))
    assert errors == {"unit": ["Välj en enhet i din egen organisation."]}
    assert list(refused(unit_handler.act(ref, "forward"))) == ["unit"]


def test_redirect_routes_the_case_anew(api, people, sides, file_via_api):
    ref = file_via_api()
    errors = refused(sides["receiver"].act(ref, "redirect", organisation="2380"))
    assert errors == {"reason": ["Skriv varför ärendet ska till en annan organisation."]}
    errors = refused(sides["receiver"].act(ref, "redirect", organisation="2309", reason="Fel"))
    assert errors == {"organisation": ["Ärendet kan inte skickas tillbaka till avsändarens organisation."]}
    ok(sides["receiver"].act(ref, "redirect", organisation="2380", reason="Hemtjänst i Östersund."),
       "redirected")
    case = sides["sender"].get(f"/cases/{ref}").json  # routed anew, to Östersund
    assert case["status"] == "received"
    assert case["receiver_organisation"] == "2380" and case["receiver_unit"] is None
    assert [h["to_status"] for h in case["history"]][-2:] == ["redirected", "received"]
    assert sides["receiver"].get(f"/cases/{ref}").status_code == 404  # no longer theirs
    ok(api(people["stranger"]).act(ref, "acknowledge"), "investigating")


def test_answer_rules(sides, file_via_api):
    receiver = sides["receiver"]
    ref = file_via_api(consequence=2)
    ok(receiver.act(ref, "acknowledge"), "investigating")
    errors = refused(receiver.act(ref, "answer", **valid_answer(measures=[])))
    assert errors == {"measures": ["Ange minst en åtgärd med ansvarig och datum."]}
    errors = refused(receiver.act(ref, "answer", **valid_answer(patient_informed=...)))
    assert list(errors) == ["patient_informed"]
    errors = refused(receiver.act(ref, "answer", **valid_answer(confirmed="maybe", analysis=...)))
    assert set(errors) == {"confirmed", "analysis"}
    ok(receiver.act(ref, "answer", **valid_answer(confirmed="no", measures=..., patient_informed=False)),
       "answered")


def test_answer_without_patient_informed_when_harm_was_minor(sides, file_via_api):
    ref = file_via_api(consequence=1, probability=1)
    ok(sides["receiver"].act(ref, "acknowledge"), "investigating")
    case = ok(sides["receiver"].act(ref, "answer", **valid_answer(patient_informed=..., confirmed="partly")),
              "answered")
    assert case["answer"]["patient_informed"] is None


@pytest.mark.parametrize("measures, expected", [
    ([{"text": "Ny rutin"}], ["Rad 1, owner: Fyll i åtgärd, ansvarig och datum.",
                               "Rad 1, due_on: Fyll i åtgärd, ansvarig och datum."]),
    ([{"text": "Ny rutin", "owner": "Chef", "due_on": "snart"}],
     ["Rad 1, due_on: Ange ett datum som ÅÅÅÅ-MM-DD."]),
    (["Ny rutin"], ["Rad 1: Ange ett objekt."]),
    ([{"text": 5, "owner": "Chef", "due_on": "2030-01-01"}], ["Rad 1, text: Ange värdet som text."]),
    ("Ny rutin", ["Ange en lista."]),
    ([{"text": "x", "owner": "y", "due_on": "2030-01-01"}] * 21, ["Högst 20 rader."]),
])
def test_measure_rows_are_checked(sides, file_via_api, measures, expected):
    ref = file_via_api()
    ok(sides["receiver"].act(ref, "acknowledge"), "investigating")
    assert refused(sides["receiver"].act(ref, "answer", **valid_answer(measures=measures))) == {
        "measures": expected}


def test_several_measures_are_kept_in_order(sides, file_via_api):
    ref = file_via_api()
    ok(sides["receiver"].act(ref, "acknowledge"), "investigating")
    rows = [{"text": f"Åtgärd {i}", "owner": "Chef", "due_on": "2030-01-0%d" % i} for i in range(1, 6)]
    case = ok(sides["receiver"].act(ref, "answer", **valid_answer(measures=rows)), "answered")
    kept = case["answer"]["measures"]
    assert [{k: m[k] for k in ("text", "owner", "due_on")} for m in kept] == rows
    # Followed up from now on: planned, owned by the receiver (learning/measures.py).
    assert {(m["status"], m["owner_organisation"]) for m in kept} == {("planned", "23")}


def test_dispute_once_then_the_forum(sides, file_via_api):
    sender, receiver = sides["sender"], sides["receiver"]
    ref = file_via_api()
    ok(receiver.act(ref, "acknowledge"), "investigating")
    ok(receiver.act(ref, "answer", **valid_answer()), "answered")
    assert refused(sender.act(ref, "dispute")) == {"reason": ["Skriv varför du inte godtar svaret."]}
    ok(sender.act(ref, "dispute", reason="Åtgärden räcker inte."), "disputed")
    case = ok(receiver.act(ref, "answer", **valid_answer(analysis="Ny analys.")), "answered")
    assert case["answer"]["analysis"] == "Ny analys."
    # After the one dispute round: accept, or disagree and take it to the forum.
    assert sender.get(f"/cases/{ref}").json["available_actions"] == ["accept", "disagree", "direct_contact"]
    message = conflict(sender.act(ref, "dispute", reason="Igen."))
    assert "redan bestridits" in message
    ok(sender.act(ref, "accept"), "closed")


def test_withdraw(sides, file_via_api):
    ref = file_via_api()
    errors = refused(sides["sender"].act(ref, "withdraw"))
    assert errors == {"reason": ["Skriv varför ärendet återkallas."]}
    case = ok(sides["sender"].act(ref, "withdraw", reason="Felrapporterad."), "withdrawn")
    assert case["history"][-1]["note"] == "Felrapporterad."
    conflict(sides["receiver"].act(ref, "acknowledge"))


def test_withdraw_is_too_late_once_answered(sides, file_via_api):
    ref = file_via_api()
    ok(sides["receiver"].act(ref, "acknowledge"), "investigating")
    ok(sides["receiver"].act(ref, "answer", **valid_answer()), "answered")
    assert "Besvarad" in conflict(sides["sender"].act(ref, "withdraw", reason="Ångrar mig."))


@pytest.mark.parametrize("who, action, payload", [
    ("sender", "acknowledge", {}), ("sender", "forward", {"unit": "23-OSD-GER"}),
    ("sender", "ask", {"note": "?"}), ("receiver", "withdraw", {"reason": "x"}),
])
def test_one_side_cannot_take_the_others_step(sides, file_via_api, who, action, payload):
    ref = file_via_api()
    assert conflict(sides[who].act(ref, action, **payload)).startswith("Bara ")


def test_receiver_cannot_accept_its_own_answer(sides, file_via_api):
    ref = file_via_api()
    ok(sides["receiver"].act(ref, "acknowledge"), "investigating")
    ok(sides["receiver"].act(ref, "answer", **valid_answer()), "answered")
    assert conflict(sides["receiver"].act(ref, "accept")) == "Bara avsändaren kan godta svaret och avsluta."


def test_illegal_transition_names_the_rule(sides, file_via_api):
    ref = file_via_api()
    message = conflict(sides["sender"].act(ref, "accept"))
    assert "Mottagen" in message and "Besvarad" in message


@pytest.mark.parametrize("payload", [{}, {"action": "route"}, {"action": "delete"}, {"action": ["accept"]}])
def test_unknown_action_is_422(sides, file_via_api, payload):
    ref = file_via_api()
    response = sides["sender"].post(f"/cases/{ref}/actions", payload)
    errors = refused(response)
    assert list(errors) == ["action"] and "acknowledge" in errors["action"][0]


def test_same_organisation_handler_acts_for_the_sender(api, people, file_via_api):
    ref = file_via_api()
    receiver = api(people["receiver_handler"])
    ok(receiver.act(ref, "acknowledge"), "investigating")
    ok(receiver.act(ref, "answer", **valid_answer()), "answered")
    ok(api(people["sender_handler"]).act(ref, "accept"), "closed")


def test_a_serious_case_shows_its_escalations_to_both_sides(sides, file_via_api):
    ref = file_via_api(consequence=4, probability=1)
    for side in sides.values():
        escalations = side.get(f"/cases/{ref}").json["escalations"]
        assert escalations and {e["case"] for e in escalations} == {ref}
    assert sides["sender"].get(f"/cases/{file_via_api(consequence=1, probability=1)}").json["escalations"] == []
