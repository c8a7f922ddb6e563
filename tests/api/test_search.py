"""GET /cases as a search: q, the filters, box=all and order=relevance; bad input is a
422 naming the parameter, never a 500; results hold no free text and are not reads."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from avvikelse.audit.models import AccessLog
from avvikelse.cases.models import Case
from avvikelse.core.clock import now_utc
from avvikelse.core.workdays import local_date
from avvikelse.extensions import db

SUMMARY_KEYS = {"reference", "kind", "event_type", "status", "sender_organisation", "sender_unit",
                "receiver_organisation", "receiver_unit", "category", "activity", "consequence",
                "probability", "risk", "serious", "reported_at", "due_at", "outcome",
                "owner"}  # a username or null: who is on the case, not what was written


def refs(response) -> list[str]:
    assert response.status_code == 200, response.json
    return [item["reference"] for item in response.json["items"]]


@pytest.fixture
def three(new_case, people, act):
    """Krokom → region: a medication case to geriatrics, a serious discharge case, and one
    overdue; the region files one to Krokom."""
    medication = new_case(category="medication", receiver_unit="23-OSD-GER",
                          description="Läkemedlen saknades i dosetten.")
    serious = new_case(description="Fallet gällde utskrivningen.", consequence=4, probability=3)
    late = new_case(description="Ingen svarade om hjälpmedlet.")
    late.due_at = now_utc() - timedelta(days=2)
    region = new_case(reporter=people["receiver_handler"], receiver_organisation="2309", sender_unit="23-OSD-MED",
                      description="Läkemedlen kom inte fram till hemtjänsten.")
    db.session.commit()
    return {"medication": medication, "serious": serious, "late": late, "region": region}


def test_q_without_a_box_searches_everything_the_caller_may_see(api, people, three):
    handler = api(people["receiver_handler"])
    # The region's intake: what it received and what it sent.
    assert refs(handler.get("/cases", q="läkemedel")) == [three["region"].reference, three["medication"].reference]
    assert refs(handler.get("/cases", q="läkemedel", box="incoming")) == [three["medication"].reference]
    assert refs(handler.get("/cases", q="läkemedel", box="outgoing")) == [three["region"].reference]
    # Östersund sees neither; Krokom's reporter only their own.
    assert refs(api(people["stranger"]).get("/cases", q="läkemedel")) == []
    assert refs(api(people["reporter"]).get("/cases", q="läkemedlen")) == [three["medication"].reference]
    # box=all without q: the whole list, newest first.
    assert len(refs(handler.get("/cases", box="all"))) == 4


def test_each_filter_narrows(api, people, three):
    handler = api(people["receiver_handler"])
    assert refs(handler.get("/cases", category="medication")) == [three["medication"].reference]
    assert refs(handler.get("/cases", unit="23-OSD-GER")) == [three["medication"].reference]
    assert refs(handler.get("/cases", unit="2309-HSJV", box="incoming")) == [
        three["late"].reference, three["serious"].reference, three["medication"].reference]
    assert refs(handler.get("/cases", serious="true")) == [three["serious"].reference]
    assert three["serious"].reference not in refs(handler.get("/cases", serious="false"))
    assert refs(handler.get("/cases", overdue="true")) == [three["late"].reference]
    assert three["late"].reference not in refs(handler.get("/cases", overdue="false"))
    assert len(refs(handler.get("/cases", overdue="false"))) == 3
    today = local_date(now_utc())
    assert len(refs(handler.get("/cases", reported_from=today.isoformat(), reported_to=today.isoformat()))) == 4
    assert refs(handler.get("/cases", reported_to=(today - timedelta(days=1)).isoformat())) == []
    assert refs(handler.get("/cases", reported_from=(today + timedelta(days=1)).isoformat())) == []
    assert refs(handler.get("/cases", status="received", q="fallet", serious="true")) == [three["serious"].reference]


def test_by_relevance_has_no_next_page_and_by_date_pages_with_the_cursor(api, people, three):
    handler = api(people["receiver_handler"])
    page = handler.get("/cases", q="läkemedel", order="relevance").json
    assert page["next"] is None and len(page["items"]) == 2
    first = handler.get("/cases", box="all", limit=3).json
    second = handler.get("/cases", box="all", limit=3, cursor=first["next"]).json
    assert len(first["items"]) == 3 and len(second["items"]) == 1 and second["next"] is None
    assert {i["reference"] for i in first["items"] + second["items"]} == {c.reference for c in three.values()}


def test_results_hold_no_free_text_and_are_not_reads(api, people, three):
    handler = api(people["receiver_handler"])
    logged = db.session.scalar(select(func.count()).select_from(AccessLog))
    page = handler.get("/cases", q="läkemedel", order="relevance").json
    for item in page["items"]:
        assert set(item) <= SUMMARY_KEYS
        assert "Läkemedlen" not in str(item)
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(AccessLog)) == logged


@pytest.mark.parametrize("params, field", [
    ({"q": "x", "box": "trash"}, "box"), ({"q": "x", "order": "best"}, "order"),
    ({"category": "nope"}, "category"), ({"unit": "9999-XYZ"}, "unit"), ({"unit": "x" * 500}, "unit"),
    ({"reported_from": "2026-02-30"}, "reported_from"), ({"reported_from": "yesterday"}, "reported_from"),
    ({"reported_to": "20260301"}, "reported_to"), ({"reported_to": "9999-12-31"}, "reported_to"),
    ({"reported_from": "2026-03-02", "reported_to": "2026-03-01"}, "reported_to"),
    ({"serious": "yes"}, "serious"), ({"overdue": "1"}, "overdue"), ({"status": "lost"}, "status"),
    ({"q": "läkemedel " * 40}, "q"), ({"q": "\u202e\u200b"}, "q"), ({}, "box"),
])
def test_bad_parameters_are_422_naming_them(api, people, params, field):
    response = api(people["receiver_handler"]).get("/cases", **params)
    assert response.status_code == 422, response.json
    assert field in response.json["errors"]
    assert all(isinstance(m, str) and m for m in response.json["errors"][field])


@pytest.mark.parametrize("q", ['"', "OR", "NEAR(a b)", "a* AND b", "\x01\x1b[2J\x7f", "ä" * 200, "'--", "::*", "!"])
def test_hostile_text_is_only_text(api, people, three, q):
    response = api(people["receiver_handler"]).get("/cases", q=q)
    assert response.status_code == 200
    assert response.json["items"] == []
    assert db.session.scalar(select(func.count()).select_from(Case)) == 4


def test_nul_in_the_text_is_refused_as_any_request_with_it(api, people):
    response = api(people["receiver_handler"]).get("/cases", q="läkemedel\x00")
    assert response.status_code == 400 and response.json["message"]
