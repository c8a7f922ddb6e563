"""Idempotency-Key: a retried POST files one case and gets the first answer back."""
from datetime import timedelta

import time_machine
from sqlalchemy import func, select

from avvikelse.cases.models import Case
from avvikelse.core.clock import now_utc
from avvikelse.extensions import db
from avvikelse.accounts import tokens
from tests.api.conftest import ApiClient, valid_case


def _cases() -> int:
    return db.session.scalar(select(func.count()).select_from(Case))


def test_a_retry_with_the_same_key_replays_the_first_response(api, people):
    client = api(people["reporter"])
    body, key = valid_case(), {"Idempotency-Key": "retry-1"}
    first = client.post("/cases", body, headers=key)
    again = client.post("/cases", body, headers=key)
    assert first.status_code == again.status_code == 201
    assert again.json == first.json
    assert again.headers["Location"] == first.headers["Location"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert _cases() == 1


def test_without_a_key_each_post_files_a_case(api, people):
    client = api(people["reporter"])
    client.post("/cases", valid_case())
    client.post("/cases", valid_case())
    assert _cases() == 2


def test_the_same_key_with_another_body_is_409(api, people):
    client = api(people["reporter"])
    key = {"Idempotency-Key": "k-2"}
    assert client.post("/cases", valid_case(), headers=key).status_code == 201
    other = client.post("/cases", valid_case(description="Något annat."), headers=key)
    assert other.status_code == 409
    assert other.json["error"] == "conflict" and "Idempotency-Key" in other.json["message"]
    assert _cases() == 1


def test_keys_belong_to_the_caller(api, people, make_user):
    key = {"Idempotency-Key": "shared-name"}
    mine, theirs = api(people["reporter"]), api(make_user("2309"))
    assert mine.post("/cases", valid_case(), headers=key).status_code == 201
    response = theirs.post("/cases", valid_case(), headers=key)
    assert response.status_code == 201 and "Idempotent-Replayed" not in response.headers
    assert _cases() == 2


def test_a_validation_error_is_replayed_too(api, people):
    client = api(people["reporter"])
    key = {"Idempotency-Key": "bad-1"}
    body = valid_case(description="")
    first = client.post("/cases", body, headers=key)
    again = client.post("/cases", body, headers=key)
    assert first.status_code == again.status_code == 422
    assert again.json == first.json


def test_a_key_is_forgotten_after_24_hours(client, people):
    _, secret = tokens.create(people["reporter"], "long-lived", now_utc(), days=30)
    db.session.commit()
    client = ApiClient(client, secret)
    key = {"Idempotency-Key": "day-old"}
    client.post("/cases", valid_case(), headers=key)
    with time_machine.travel(now_utc() + timedelta(hours=24, minutes=1)):
        body = valid_case()  # occurred_at relative to the travelled clock
        again = client.post("/cases", body, headers=key)
    assert again.status_code == 201 and "Idempotent-Replayed" not in again.headers
    assert _cases() == 2


def test_a_malformed_key_is_400(api, people):
    client = api(people["reporter"])
    for bad in ("", "x" * 201, "has space", "åäö"):
        response = client.post("/cases", valid_case(), headers={"Idempotency-Key": bad})
        assert response.status_code == 400, bad
        assert "Idempotency-Key" in response.json["message"]
    assert _cases() == 0


def test_the_key_also_guards_actions(api, people, file_via_api):
    reference = file_via_api()
    handler = api(people["receiver_handler"])
    key = {"Idempotency-Key": "msg-1"}
    path = f"/cases/{reference}/messages"
    first = handler.post(path, {"body": "Vi tittar på det."}, headers=key)
    again = handler.post(path, {"body": "Vi tittar på det."}, headers=key)
    assert first.status_code == again.status_code == 201
    messages = handler.get(f"/cases/{reference}").json["messages"]
    assert [m["body"] for m in messages].count("Vi tittar på det.") == 1


def test_purge_forgets_only_keys_older_than_a_day(api, people):
    from avvikelse.api.idempotency import purge
    from avvikelse.integrations.models import IdempotencyRecord

    client = api(people["reporter"])
    client.post("/cases", valid_case(), headers={"Idempotency-Key": "old"})
    assert purge(now_utc()) == 0
    assert purge(now_utc() + timedelta(hours=24, seconds=1)) == 1
    assert db.session.scalar(select(func.count()).select_from(IdempotencyRecord)) == 0


def test_a_multipart_part_without_a_name_is_judged_not_a_500(api, people, new_case):
    """A malformed part header (`name="\"`) reaches Flask as a field named None."""
    case, client, boundary = new_case(), api(people["reporter"]), "b0undary"
    body = (f'--{boundary}\r\nContent-Disposition: form-data; name="\\"\r\n\r\nx\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n'
            f'Content-Type: application/pdf\r\n\r\nnot a pdf\r\n--{boundary}--\r\n').encode()
    response = client.client.post(f"/api/v1/cases/{case.reference}/attachments", data=body,
                                  content_type=f"multipart/form-data; boundary={boundary}",
                                  headers=client.headers | {"Idempotency-Key": "nameless-1"})
    assert response.status_code == 415
