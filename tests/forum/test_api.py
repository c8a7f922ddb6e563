"""GET /api/v1/forum/summary and snapshots: the shape the issue names, protected.

"x" is a hidden figure; null one not published for a filter."""
from datetime import date

import pytest

from avvikelse.extensions import db
from avvikelse.forum import services
from tests.forum.conftest import NOW


def test_summary_shape_exactly(forum_cases, api, people):
    response = api(people["forum"]).get("/forum/summary", period="2026Q2")
    assert response.status_code == 200, response.json
    # 6 cases: the total shows; its 5/1 split by direction would show the single case, so
    # both parts hide (so does Krokom's 5, which would give Östersund's 1 away); a median
    # and a share over 4 answered cases hide like the counts do.
    assert response.json == {
        "period": "2026Q2",
        "filters": {},
        "total": 6,
        "by_direction": {"kommun_to_region": "x", "region_to_kommun": "x", "kommun_to_kommun": 0},
        "by_category": {"discharge": "x", "medication": "x", "sip": "x"},
        "by_organisation": {"23": 6, "2309": "x", "2380": "x"},
        "by_kind": {"deviation": "x", "complaint": "x"},
        "serious": "x",
        "serious_decisions": {"investigation": "x", "lex_maria": "x", "none": "x", "undecided": "x"},
        "decision_steps": {},  # the fixture's decisions were set without steps
        "by_outcome": {},
        "open": "x",
        "overdue": "x",
        "median_answer_days": "x",
        "answered_in_time_share": "x",
        "trend": [{"period": p, "total": t} for p, t in [
            ("2024Q3", 0), ("2024Q4", 0), ("2025Q1", 0), ("2025Q2", 0), ("2025Q3", 0),
            ("2025Q4", "x"), ("2026Q1", "x"), ("2026Q2", 6)]],
        "disclosure": {"method": "hypercube", "threshold": 5, "hidden": "x"},
        # the agreement's 2020 version, past its last extension (2025-12-31)
        "agreement_versions": ["Hemsjukvårdsavtalet version 2020 (förlängt i avvaktan på nytt avtal)"],
        # Learning together: the fixture's measures are due in the third quarter, and it
        # has no investigation nor learning summary.
        "learning": {
            "measures": {"total": 0, "by_class": {"planned": 0, "overdue": 0, "done": 0, "effect_confirmed": 0,
                                                  "not_done": 0},
                         "by_organisation": [], "by_clause": []},
            "investigations": {"period": "2026Q2", "opened": 0, "finished": 0, "median_lead_days": None,
                               "quarters": None},
            "factors": {"quarters": ["2024Q3", "2024Q4", "2025Q1", "2025Q2", "2025Q3", "2025Q4", "2026Q1",
                                     "2026Q2"], "clauses": []},
            "summaries": [],
        },
    }
    assert response.headers["Cache-Control"] == "no-store"


def test_year_and_filters(forum_cases, api, people):
    client = api(people["mas"])
    year = client.get("/forum/summary", period="2026").json
    # 8 cases, but two quarters of the trend hold one each: the year's total would give
    # their sum away beside the shown 6, so it hides
    assert year["period"] == "2026" and year["total"] == "x"
    assert [t["total"] for t in year["trend"][-4:]] == ["x", 6, "x", 0]
    # a year under a filter publishes its total and quarters, not its breakdowns
    filtered = client.get("/forum/summary", period="2026", kind="complaint").json
    assert filtered["by_category"] is None and filtered["serious"] is None
    only = client.get("/forum/summary", period="2026Q2", direction="kommun_to_region").json
    assert only["total"] == "x" and only["filters"] == {"direction": "kommun_to_region"}
    # the same cell, whichever way it is asked for
    assert client.get("/forum/summary", period="2026Q2").json["by_direction"]["kommun_to_region"] == "x"


def test_one_filter_at_a_time(forum_cases, api, people):
    response = api(people["forum"]).get("/forum/summary", period="2026Q2", organisation="2309", kind="deviation")
    assert response.status_code == 422
    assert response.json["errors"]["filter"] == [
        "Välj ett filter åt gången: organisation, kategori, typ eller riktning. Siffrorna skyddas för ett "
        "filter i taget; två filter tillsammans skulle visa enskilda ärenden."]


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
    assert one["summary"]["by_category"] == {"discharge": "x", "medication": "x", "sip": "x"}
    assert one["summary"]["total"] == 6
    live = client.get("/forum/summary", period="2026Q2").json
    assert live["by_category"] == {"discharge": "x", "medication": "x", "sip": "x", "hygiene": "x"}
    assert client.get("/forum/snapshots/999999").status_code == 404
