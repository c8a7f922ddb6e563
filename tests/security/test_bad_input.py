"""Hostile and absurd input, on the web form and the API: a 4xx or a field error, never a
500, never half-saved; what is accepted is stored as typed (NFC) and escaped on output."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from avvikelse.accounts.tokens import issue_token
from avvikelse.cases.models import Case, Message
from avvikelse.core.clock import now_utc
from avvikelse.extensions import db
from tests.api.conftest import valid_case
from tests.web.helpers import case_form, local


def _count(model=Case) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def web(client, login, people):
    login(people["reporter"])
    return client


@pytest.fixture
def bearer(people):
    token = issue_token(people["reporter"], now_utc(), 1)
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}


REFUSED_TEXT = [
    ("nul", "före\x00efter"),
    ("bell", "ring\x07ring"),
    ("escape", "\x1b[31mröd"),
    ("lone surrogate", "a\ud800b"),
]


# (A lone surrogate cannot be form-encoded; a browser would send invalid UTF-8, below.)
@pytest.mark.parametrize("name,value", REFUSED_TEXT[:3], ids=[n for n, _ in REFUSED_TEXT[:3]])
def test_control_characters_are_a_field_error_web(web, name, value):
    response = web.post("/arenden/ny", data=case_form(description=value))
    assert response.status_code == 422
    assert _count() == 0


@pytest.mark.parametrize("name,value", REFUSED_TEXT, ids=[n for n, _ in REFUSED_TEXT])
def test_control_characters_are_a_field_error_api(client, bearer, name, value):
    response = client.post("/api/v1/cases", json=valid_case(description=value), headers=bearer)
    assert response.status_code == 422
    assert "description" in response.get_json()["errors"]
    assert _count() == 0


def test_invalid_utf8_in_a_form_is_refused(web):
    body = b"kind=deviation&description=%FF%FE%00&receiver_organisation=23"
    response = web.post("/arenden/ny", data=body,
                        content_type="application/x-www-form-urlencoded")
    assert 400 <= response.status_code < 500
    assert _count() == 0


def test_invalid_utf8_in_json_is_refused(client, bearer):
    response = client.post("/api/v1/cases", data=b'{"description": "\xff\xfe"}',
                           content_type="application/json", headers=bearer)
    assert response.status_code == 400
    assert _count() == 0


def test_nul_escaped_in_json_is_refused(client, bearer):
    response = client.post("/api/v1/cases", data=b'{"description": "a\\u0000b"}',
                           content_type="application/json", headers=bearer)
    assert 400 <= response.status_code < 500
    assert _count() == 0


def test_oversized_bodies_are_413(app, web, bearer, client):
    big = "x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    assert web.post("/arenden/ny", data=case_form(description=big)).status_code == 413
    assert client.post("/api/v1/cases", json=valid_case(description=big),
                       headers=bearer).status_code == 413
    assert _count() == 0


HOSTILE = [
    "<script>alert(1)</script>",
    "{{7*7}}{% raw %}",
    "=HYPERLINK(\"http://evil.example\",\"klicka\")",
    "@SUM(1+1)",
    "' OR 1=1 --",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_text_is_stored_as_typed_and_escaped_on_output(web, value):
    response = web.post("/arenden/ny", data=case_form(description=value))
    assert response.status_code == 302
    case = db.session.scalar(select(Case))
    assert case.description == value
    page = web.get(response.headers["Location"]).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page


def test_template_syntax_is_not_evaluated(web):
    response = web.post("/arenden/ny", data=case_form(description="Summa {{7*7}} kr"))
    page = web.get(response.headers["Location"]).get_data(as_text=True)
    assert "Summa {{7*7}} kr" in page and "Summa 49 kr" not in page


def test_text_is_normalised_to_nfc_and_bidi_stripped_from_one_line_fields(web, people, new_case):
    decomposed = "O\u0308stersund"  # O + combining diaeresis
    response = web.post("/arenden/ny", data=case_form(description=decomposed))
    assert response.status_code == 302
    assert db.session.scalar(select(Case.description)) == "Östersund"
    from avvikelse.core.text import clean_text

    assert clean_text("abc\u202edcba", multiline=False) == "abcdcba"
    assert clean_text("rad\u2066ett\u2069", multiline=False) == "radett"


@pytest.mark.parametrize("when,ok", [
    (local(-timedelta(days=1)), True),
    ("1899-12-31T10:00", False),
    ("0001-01-01T00:00", False),
    (local(timedelta(days=2)), False),
    ("99999-01-01T00:00", False),
    ("2026-02-30T10:00", False),
    ("i går", False),
])
def test_absurd_dates_are_field_errors(web, when, ok):
    response = web.post("/arenden/ny", data=case_form(occurred_at=when))
    assert response.status_code == (302 if ok else 422)
    assert _count() == (1 if ok else 0)


@pytest.mark.parametrize("when", ["1899-12-31T10:00:00+01:00", "2999-01-01T00:00:00+00:00",
                                  "not a date", 12345, None])
def test_absurd_dates_in_the_api(client, bearer, when):
    response = client.post("/api/v1/cases", json=valid_case(occurred_at=when), headers=bearer)
    assert response.status_code == 422
    assert _count() == 0


@pytest.mark.parametrize("value", [-1, 0, 2**31, 2**63, "1e9", 1.5, True])
def test_absurd_numbers_in_the_api(client, bearer, value):
    response = client.post("/api/v1/cases", json=valid_case(consequence=value), headers=bearer)
    assert response.status_code == 422
    assert _count() == 0


@pytest.mark.parametrize("reference", ["A" * 5000, "AV-2026-" + "9" * 40, "ÅÄÖ\u202e",
                                       "../../etc/passwd", "%2500", "1 OR 1=1"])
def test_absurd_references_are_404(web, bearer, client, reference):
    assert web.get(f"/arenden/{reference}").status_code == 404
    assert client.get(f"/api/v1/cases/{reference}", headers=bearer).status_code == 404


def test_a_refused_message_saves_nothing(web, new_case):
    case = new_case()
    response = web.post(f"/arenden/{case.reference}/meddelande", data={"body": "a\x00b"})
    assert response.status_code == 422
    assert _count(Message) == 0


def test_fields_not_offered_are_ignored(web, people):
    """status, receiver and sender are not the poster's to set."""
    response = web.post("/arenden/ny", data=case_form(status="closed", reporter_id="1",
                                                      sender_organisation="2380"))
    assert response.status_code == 302
    case = db.session.scalar(select(Case))
    assert case.status.value == "submitted"
    assert case.sender_organisation.code == "2309" and case.reporter_id == people["reporter"].id


def test_nul_in_a_path_or_query_is_400_on_every_database(web, bearer, client):
    assert web.get("/arenden/AV-2026-000001%00").status_code == 400
    assert web.get("/inkorg?status=%00").status_code == 400
    assert client.get("/api/v1/cases/%00", headers=bearer).status_code == 400


@pytest.mark.parametrize("field", ["receiver_organisation", "receiver_unit", "sender_unit",
                                   "category", "kind", "consequence", "patient_id"])
def test_nul_in_any_form_field_is_a_field_error_on_every_database(web, field):
    response = web.post("/arenden/ny", data=case_form(**{field: "2\x003"}))
    assert response.status_code == 422
    assert _count() == 0


@pytest.mark.parametrize("field", ["receiver_organisation", "receiver_unit", "category",
                                   "kind", "patient_id", "occurred_at"])
def test_nul_in_any_json_field_is_a_field_error_on_every_database(client, bearer, field):
    response = client.post("/api/v1/cases", json=valid_case(**{field: "2\x003"}), headers=bearer)
    assert response.status_code == 422
    assert _count() == 0


@pytest.mark.parametrize("username", ["rapportor\x00krokom", "x" * 5000, "\u202erotpar"])
def test_hostile_usernames_never_500(client, web, username):
    assert client.post("/api/v1/auth/token",
                       json={"username": username, "password": "x"}).status_code in (401, 422)
    web.post("/logga-ut")
    assert web.post("/logga-in", data={"username": username, "password": "x"}).status_code in (401, 422)


def test_bidi_controls_are_stripped_from_one_line_fields_end_to_end(client, people, new_case):
    from avvikelse.cases.models import Measure
    from tests.api.conftest import valid_answer

    case = new_case()
    token = issue_token(people["receiver_handler"], now_utc(), 1)
    db.session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    assert client.post(f"/api/v1/cases/{case.reference}/actions", json={"action": "acknowledge"},
                       headers=headers).status_code == 200
    due = (now_utc().date() + timedelta(days=30)).isoformat()
    body = valid_answer(measures=[{"text": "Rad\u202eett", "owner": "Chef\u2066X\u2069",
                                   "due_on": due}],
                        analysis="Flera\u202erader kvar")
    response = client.post(f"/api/v1/cases/{case.reference}/actions",
                           json={"action": "answer", **body}, headers=headers)
    assert response.status_code == 200, response.get_json()
    measure = db.session.scalar(select(Measure))
    assert (measure.text, measure.owner) == ("Radett", "ChefX")
