"""POST /cases/<reference>/messages: the two sides write to each other on the case."""
import pytest


@pytest.fixture
def ref(file_via_api):
    return file_via_api()


def test_both_sides_write_and_read(api, people, ref):
    sender, receiver = api(people["reporter"]), api(people["receiver_handler"])
    response = sender.post(f"/cases/{ref}/messages", {"body": "Finns det <något> nytt?"})
    assert response.status_code == 201
    assert response.json["author"] == "rapportor.krokom" and response.json["organisation"] == "2309"
    assert response.json["body"] == "Finns det <något> nytt?"
    receiver.post(f"/cases/{ref}/messages", {"body": "Vi utreder.\r\nÅterkommer."})
    bodies = [(m["author"], m["body"]) for m in receiver.get(f"/cases/{ref}").json["messages"]]
    assert bodies == [("rapportor.krokom", "Finns det <något> nytt?"),
                      ("handlaggare.region", "Vi utreder.\nÅterkommer.")]


@pytest.mark.parametrize("body, message", [
    ({}, "Skriv ett meddelande."), ({"body": ""}, "Skriv ett meddelande."),
    ({"body": 42}, "Ange värdet som text."), ({"body": "x" * 10_001}, "Högst 10000 tecken."),
    ({"body": "nul\x00"}, "Texten innehåller otillåtna kontrolltecken."),
])
def test_invalid_messages(api, people, ref, body, message):
    response = api(people["reporter"]).post(f"/cases/{ref}/messages", body)
    assert response.status_code == 422
    assert response.json["errors"] == {"body": [message]}


def test_no_messages_on_a_closed_case(api, people, ref):
    sender = api(people["reporter"])
    sender.act(ref, "withdraw", reason="Dubblett.")
    response = sender.post(f"/cases/{ref}/messages", {"body": "Hallå?"})
    assert response.status_code == 409 and response.json["error"] == "conflict"
