"""Learning summaries (no personnummer, approved by both sides' overseers, then a
searchable list for all staff) and what the forum is shown of learning together: counts
under its disclosure control, nothing that names a case or a person."""
from datetime import timedelta

from avvikelse.cases.models import Measure
from avvikelse.core.clock import now_utc
from avvikelse.extensions import db
from avvikelse.forum import learning as forum_learning
from avvikelse.forum.periods import quarter_of
from avvikelse.forum.suppression import HIDDEN
from tests.fixtures.factories import TEST_PNR

TEXT = "Utskrivningsmeddelanden på helger når inte hemsjukvården. Ring alltid före utskrivning."


def test_a_personnummer_in_the_text_is_422(api, people, answered):
    case = answered()
    refused = api(people["receiver_handler"]).post("/learning", {"text": f"Patienten {TEST_PNR} föll.",
                                                                 "cases": [case.reference]})
    assert refused.status_code == 422 and "text" in refused.json["errors"]
    # Spelled without the century and the dash too.
    refused = api(people["receiver_handler"]).post("/learning", {"text": "Patienten 1212121212 föll.",
                                                                 "cases": [case.reference]})
    assert refused.status_code == 422


def test_both_sides_approve_then_all_staff_find_it(api, people, answered, make_user):
    case = answered()
    made = api(people["receiver_handler"]).post("/learning", {"text": TEXT, "cases": [case.reference]})
    assert made.status_code == 201, made.json
    sid = made.json["id"]
    assert made.json["status"] == "pending"
    colleague = make_user("2380", username="personal.ostersund")
    db.session.commit()
    assert api(colleague).get("/learning", q="helger").json["items"] == []
    # A handler does not approve; each side's overseer does, once.
    assert api(people["receiver_handler"]).post(f"/learning/{sid}/approve").status_code == 403
    first = api(people["chefslakare"]).post(f"/learning/{sid}/approve")
    assert first.status_code == 200 and first.json["status"] == "pending"
    assert api(people["chefslakare"]).post(f"/learning/{sid}/approve").status_code == 409
    assert api(people["stranger"]).post(f"/learning/{sid}/approve").status_code == 404
    second = api(people["mas"]).post(f"/learning/{sid}/approve")
    assert second.status_code == 200 and second.json["status"] == "approved"
    assert sorted(second.json["approved_by"]) == ["23", "2309"]

    (found,) = api(colleague).get("/learning", q="HELGER").json["items"]
    assert found["text"] == TEXT and found["directions"] == ["kommun_to_region"]
    assert case.reference not in str(found)
    assert api(colleague).get("/learning", q="inget sådant").json["items"] == []


def test_the_forum_sees_measures_under_its_disclosure_control(people, answered, app):
    cases = [answered() for _ in range(2)]
    period = quarter_of(now_utc())
    # Two measures (one per answer): small counts are hidden, never shown as 1 or 2.
    shown = forum_learning.published(period, now_utc(), 5)
    assert shown["measures"]["total"] == HIDDEN
    assert all(v in (0, HIDDEN) for v in shown["measures"]["by_class"].values())
    # Eight more, due this quarter: the total is shown, and cells of 1–4 stay hidden.
    today = now_utc().date()
    for i in range(8):
        db.session.add(Measure(case=cases[i % 2], text=f"Åtgärd {i}", owner="Enhetschef",
                               owner_organisation=cases[0].receiver_organisation, due_on=today,
                               status="done" if i < 6 else "planned", created_at=now_utc()))
    for row in db.session.query(Measure).all():
        row.due_on = today
    db.session.commit()
    shown = forum_learning.published(period, now_utc() + timedelta(seconds=1), 5)
    measures = shown["measures"]
    assert measures["total"] == 10
    # Planned (4) is hidden; done (6) too, else planned would follow as the total less done.
    assert measures["by_class"]["planned"] == HIDDEN
    assert measures["by_class"]["done"] == HIDDEN
    for value in [*measures["by_class"].values(),
                  *(v for row in measures["by_organisation"] for k, v in row.items() if k not in ("name", "key"))]:
        assert value == HIDDEN or value == 0 or value >= 5
    assert TEST_PNR not in str(shown)


def test_investigation_counts_are_hidden_when_small(api, people, answered):
    case = answered()
    api(people["chefslakare"]).post("/investigations", {"cases": [case.reference], "joint": False})
    shown = forum_learning.published(quarter_of(now_utc()), now_utc(), 5)
    assert shown["investigations"]["opened"] == HIDDEN
    assert shown["investigations"]["finished"] == 0
