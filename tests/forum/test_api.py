"""GET /api/v1/forum/summary and snapshots: the shape the issue names, suppressed."""
from datetime import date

import pytest

from avvikelse.extensions import db
from avvikelse.forum import services
from tests.forum.conftest import NOW


def test_summary_shape_exactly(forum_cases, api, people):
    response = api(people["forum"]).get("/forum/summary", period="2026Q2")
    assert response.status_code == 200, response.json
    assert response.json == {
        "period": "2026Q2",
        "filters": {},
        "total": 6,
        "by_direction": {"kommun_to_region": 5, "region_to_kommun": "<5", "kommun_to_kommun": 0},
        "by_category": {"discharge": "<5", "medication": "<5", "sip": "<5"},
        "by_organisation": {"23": 6, "2309": 5, "2380": "<5"},
        "by_kind": {"deviation": "<5", "complaint": "<5"},
        "serious": "<5",
        "serious_decisions": {"investigation": "<5", "lex_maria": "<5", "none": "<5", "undecided": "<5"},
        "open": "<5",
        "overdue": "<5",
        "median_answer_days": 21.5,
        "answered_in_time_share": 0.5,
        "trend": [{"period": p, "total": t} for p, t in [
            ("2024Q3", 0), ("2024Q4", 0), ("2025Q1", 0), ("2025Q2", 0), ("2025Q3", 0),
            ("2025Q4", "<5"), ("2026Q1", "<5"), ("2026Q2", 6)]],
    }
    assert response.headers["Cache-Control"] == "no-store"


def test_year_and_filters(forum_cases, api, people):
    client = api(people["mas"])
    year = client.get("/forum/summary", period="2026").json
    assert year["period"] == "2026" and year["total"] == 8
    assert year["trend"][-1]["period"] == "2026Q4"
    assert client.get("/forum/summary", period="2026Q2", direction="kommun_to_region").json["total"] == 5
    only = client.get("/forum/summary", period="2026Q2", organisation="2309", kind="deviation").json
    assert only["total"] == "<5" and only["filters"] == {"organisation": "2309", "kind": "deviation"}


@pytest.mark.parametrize("params, field", [
    ({"period": "2026Q5"}, "period"), ({}, "period"),
    ({"period": "2026Q2", "organisation": "9999"}, "organisation"),
    ({"period": "2026Q2", "category": "nope"}, "category"),
    ({"period": "2026Q2", "kind": "x"}, "kind"),
    ({"period": "2026Q2", "direction": "up"}, "direction"),
])
def test_bad_parameters_are_422_in_swedish(api, people, params, field):
    response = api(people["forum"]).get("/forum/summary", **params)
    assert response.status_code == 422
    assert response.json["error"] == "invalid" and field in response.json["errors"]


@pytest.mark.parametrize("who", ["reporter", "receiver_handler"])
def test_other_roles_are_refused(api, people, who):
    assert api(people[who]).get("/forum/summary", period="2026Q2").status_code == 403
    assert api(people[who]).get("/forum/snapshots").status_code == 403


def test_snapshots_frozen(forum_cases, api, people):
    snap = services.create_snapshot(people["forum"], services.SnapshotInput(
        period="2026Q2", meeting_on=date(2026, 9, 10), notes="Möte i Östersund"), NOW)
    db.session.commit()
    forum_cases["c5"].category = "hygiene"  # a later change must not move the snapshot
    db.session.commit()
    client = api(people["forum"])
    listing = client.get("/forum/snapshots").json["items"]
    assert [(s["id"], s["period"], s["meeting_on"], s["notes"]) for s in listing] == [
        (snap.id, "2026Q2", "2026-09-10", "Möte i Östersund")]
    one = client.get(f"/forum/snapshots/{snap.id}").json
    assert one["summary"]["by_category"] == {"discharge": "<5", "medication": "<5", "sip": "<5"}
    assert one["summary"]["total"] == 6
    live = client.get("/forum/summary", period="2026Q2").json
    assert live["by_category"] == {"discharge": "<5", "medication": "<5", "sip": "<5", "hygiene": "<5"}
    assert client.get("/forum/snapshots/999999").status_code == 404
