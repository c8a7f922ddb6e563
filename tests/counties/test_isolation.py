"""One county's staff, forum and administrators never see another county's cases or its
non-public figures; a case between the counties is filed like any other, follows the
installation's settings unless both agreements say otherwise, and both forums see it in
a section of its own."""
from datetime import date

import pytest
from sqlalchemy import select

from avvikelse.accounts.tokens import issue_token
from avvikelse.agreements.models import Agreement
from avvikelse.cases.enums import Status
from avvikelse.core.clock import now_utc
from avvikelse.extensions import db
from avvikelse.forum import services as forum
from avvikelse.forum import warming
from avvikelse.forum.figures import Scope
from avvikelse.forum.models import Snapshot
from avvikelse.forum.periods import quarter_of
from avvikelse.forum.release import View
from tests.fixtures.factories import PASSWORD


def _web(app, user):
    client = app.test_client()
    assert client.post("/logga-in", data={"username": user.username, "password": PASSWORD}).status_code == 302
    return client


def _api(user) -> dict:
    token = issue_token(user, now_utc(), 1)
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def cases(vnr, new_case):
    """Jämtland's own case, Västernorrland's own case, and one across the county line."""
    return {
        "jamtland": new_case(),  # Krokom → Region Jämtland Härjedalen
        "vnr": new_case(reporter=vnr["sundsvall_reporter"], receiver_organisation="22"),
        "across": new_case(reporter=vnr["reporter"], receiver_organisation="22", receiver_unit="22-SDS-ORT"),
    }


def test_a_case_across_the_county_line_is_filed_routed_and_answered(vnr, new_case, act):
    case = new_case(reporter=vnr["reporter"], receiver_organisation="22", receiver_unit="22-SDS-ORT",
                    category="medication")
    assert case.status is Status.RECEIVED and case.agreement_version_id is None
    # Västernorrland's agreement says 21 days, Jämtland's leaves the installation's 28: the
    # two do not say the same, so the installation's default applies.
    assert (case.due_at - case.received_at).days in (27, 28, 29)
    act(vnr["vnr_handler"], case, "acknowledge")
    act(vnr["vnr_handler"], case, "answer")
    assert case.status is Status.ANSWERED


def test_both_agreements_alike_override_the_installation(vnr, new_case):
    from avvikelse.agreements import version_at

    version_at(now_utc(), "23").answer_due_days = 21  # now both say 21
    db.session.commit()
    case = new_case(reporter=vnr["reporter"], receiver_organisation="22")
    assert (case.due_at - case.received_at).days in (20, 21, 22)


def test_staff_see_only_their_own_organisations_cases(app, vnr, cases):
    sundsvall, krokom = _web(app, vnr["sundsvall_handler"]), _web(app, vnr["sender_handler"])
    assert sundsvall.get(f"/arenden/{cases['jamtland'].reference}").status_code == 404
    assert sundsvall.get(f"/arenden/{cases['across'].reference}").status_code == 404  # not Sundsvall's
    assert sundsvall.get(f"/arenden/{cases['vnr'].reference}").status_code == 200
    assert krokom.get(f"/arenden/{cases['vnr'].reference}").status_code == 404
    assert krokom.get(f"/arenden/{cases['across'].reference}").status_code == 200  # Krokom sent it
    assert _web(app, vnr["vnr_handler"]).get(f"/arenden/{cases['across'].reference}").status_code == 200
    assert _web(app, vnr["vnr_handler"]).get(f"/arenden/{cases['jamtland'].reference}").status_code == 404


def test_administrators_and_forum_members_read_no_case(app, client, vnr, cases):
    for who in ("vnr_admin", "vnr_forum", "admin", "forum"):
        web, headers = _web(app, vnr[who]), _api(vnr[who])
        for case in cases.values():
            assert web.get(f"/arenden/{case.reference}").status_code == 404, who
            assert client.get(f"/api/v1/cases/{case.reference}", headers=headers).status_code == 404, who


def test_each_forum_counts_its_own_county_and_both_see_the_cases_between(client, vnr, cases):
    period = quarter_of(now_utc()).label
    jamtland = client.get(f"/api/v1/forum/summary?period={period}", headers=_api(vnr["forum"])).get_json()
    vnr_forum = client.get(f"/api/v1/forum/summary?period={period}", headers=_api(vnr["vnr_forum"])).get_json()
    # One case each (a count under five is hidden, but the organisations listed are only
    # the county's own, and the pairs with cases are the county's own pair).
    assert {o for o in jamtland["by_organisation"]} <= {"23", "2303", "2305", "2309", "2313", "2321",
                                                         "2326", "2361", "2380"}
    assert {o for o in vnr_forum["by_organisation"]} <= {"22", "2281", "2262"}
    raw_j = forum.summary(quarter_of(now_utc()), forum.Filters(), now_utc(), scope=Scope("23"))
    raw_v = forum.summary(quarter_of(now_utc()), forum.Filters(), now_utc(), scope=Scope("22"))
    assert (raw_j["total"], raw_v["total"]) == (1, 1)
    assert raw_j["by_pair"] == [{"sender": "2309", "receiver": "23", "count": 1}]
    assert raw_v["by_pair"] == [{"sender": "2281", "receiver": "22", "count": 1}]
    between = forum.summary(quarter_of(now_utc()), forum.Filters(), now_utc(), scope=Scope.between("23", "22"))
    assert between["total"] == 1 and between["by_pair"] == [{"sender": "2309", "receiver": "22", "count": 1}]
    # the section is the very same release in both forums
    now = now_utc()
    a = forum.cross_sections(quarter_of(now), now, "23")
    b = forum.cross_sections(quarter_of(now), now, "22")
    assert [s["county"] for s in a] == ["22"] and [s["county"] for s in b] == ["23"]
    assert a[0]["figures"] == b[0]["figures"]
    assert a[0]["figures"]["total"] == "x"  # one case: hidden


def test_the_forum_page_shows_the_section_between_the_counties(app, vnr, cases):
    period = quarter_of(now_utc()).label  # the cases' quarter (the page opens on the last completed)
    web = _web(app, vnr["vnr_forum"])
    body = web.get(f"/forum/?period={period}").get_data(as_text=True)
    assert "Ärenden mellan län" in body and f'href="/forum/lan/23?period={period}">Jämtlands län</a>' in body
    assert "Krokoms kommun" not in body  # not in its own figures; the section is a page of its own
    section = web.get(f"/forum/lan/23?period={period}")
    assert section.status_code == 200
    assert "Ärenden mellan län: Jämtlands län" in section.get_data(as_text=True)
    # its own county, a county it has no cases with, one not running, a bad period: no section
    for path in (f"/forum/lan/22?period={period}", f"/forum/lan/24?period={period}",
                 f"/forum/lan/99?period={period}", "/forum/lan/23?period=nonsens"):
        assert web.get(path).status_code == 404, path


def test_sections_only_for_counties_with_cases_between(app, vnr, cases, new_case):
    """A third county running here with no case with Jämtland gets no section, in the
    forum nor in the warm pass; the first case between them brings its section."""
    from avvikelse.directory.models import OrgKind
    from avvikelse.directory.services import upsert_organisation, upsert_samverkan

    upsert_samverkan("24", "Västerbottens län", active=True)
    upsert_organisation("24", "Region Västerbotten", OrgKind.REGION, "24")
    db.session.commit()
    now = now_utc()
    period = quarter_of(now)
    assert forum.counterparts(period, "23") == {"22"} and forum.counterparts(period, "24") == set()
    assert [s["county"] for s in forum.cross_sections(period, now, "23")] == ["22"]
    assert {label.split(":")[0] for label in warming.warm(now)} == {"22", "23", "24", "22-23"}
    vbn = _web(app, vnr["forum"]).get(f"/forum/?period={period.label}").get_data(as_text=True)
    assert "/forum/lan/22?" in vbn and "Västerbottens län" not in vbn and "/forum/lan/24" not in vbn
    new_case(reporter=vnr["reporter"], receiver_organisation="24")  # Krokom → Region Västerbotten
    assert forum.counterparts(period, "23") == {"22", "24"} and forum.counterparts(period, "24") == {"23"}


def test_no_case_between_counties_is_said_once(app, vnr, new_case):
    new_case()  # Jämtland's own only
    body = _web(app, vnr["vnr_forum"]).get(f"/forum/?period={quarter_of(now_utc()).label}").get_data(as_text=True)
    assert "Inga ärenden mellan era organisationer och andra läns under perioden." in body
    assert "Jämtlands län" not in body


def test_a_forum_filter_names_only_its_own_organisations(app, client, vnr, cases):
    headers = _api(vnr["vnr_forum"])
    refused = client.get("/api/v1/forum/summary?period=2026Q1&organisation=2309", headers=headers)
    assert refused.status_code == 422 and "Okänd organisation" in refused.get_json()["errors"]["organisation"][0]
    assert client.get("/api/v1/forum/summary?period=2026Q1&organisation=2281", headers=headers).status_code == 200
    assert _web(app, vnr["vnr_forum"]).get("/forum/?filter=organisation:2309").status_code == 422


def test_snapshots_and_builds_stay_in_their_forum(app, client, vnr, cases):
    snap = forum.create_snapshot(vnr["forum"], forum.SnapshotInput(period="2026Q1", meeting_on=date(2026, 4, 2)),
                                 now_utc())
    db.session.commit()
    assert snap.county_code == "23"
    assert client.get(f"/api/v1/forum/snapshots/{snap.id}", headers=_api(vnr["vnr_forum"])).status_code == 404
    assert client.get("/api/v1/forum/snapshots", headers=_api(vnr["vnr_forum"])).get_json()["items"] == []
    assert client.get(f"/api/v1/forum/snapshots/{snap.id}", headers=_api(vnr["forum"])).status_code == 200
    assert _web(app, vnr["vnr_forum"]).get(f"/forum/ogonblicksbilder/{snap.id}").status_code == 404
    assert _web(app, vnr["vnr_forum"]).get(f"/forum/ogonblicksbilder/{snap.id}.csv").status_code == 404
    build = forum.start_build(vnr["forum"], forum.parse_period("2026Q1"), forum.Filters(), now_utc())
    db.session.commit()
    assert _web(app, vnr["vnr_forum"]).get(f"/forum/bygg/{build.id}").status_code == 404
    assert _web(app, vnr["forum"]).get(f"/forum/bygg/{build.id}").status_code == 200
    assert db.session.scalar(select(Snapshot.county_code).where(Snapshot.id == snap.id)) == "23"


def test_disputes_are_on_their_counties_agendas(app, vnr, cases, act):
    case = cases["vnr"]
    act(vnr["vnr_handler"], case, "acknowledge")
    act(vnr["vnr_handler"], case, "answer")
    act(vnr["sundsvall_reporter"], case, "dispute", note="Fel.")
    act(vnr["vnr_handler"], case, "answer")
    act(vnr["sundsvall_reporter"], case, "disagree", note="Fortfarande fel.")
    assert case.status is Status.IN_FORUM
    jamtland, other = _web(app, vnr["forum"]), _web(app, vnr["vnr_forum"])
    assert case.reference not in jamtland.get("/forum/tvister/").get_data(as_text=True)
    assert case.reference in other.get("/forum/tvister/").get_data(as_text=True)
    refused = jamtland.post(f"/forum/tvister/{case.reference}", data={"conclusion": "Avgjort."})
    assert refused.status_code == 404 and case.status is Status.IN_FORUM


def test_an_administrator_reads_only_their_own_countys_agreement(app, vnr):
    jamtland = db.session.scalar(select(Agreement).where(Agreement.county_code == "23"))
    other = db.session.scalar(select(Agreement).where(Agreement.county_code == "22"))
    vnr_admin = _web(app, vnr["vnr_admin"])
    assert vnr_admin.get(f"/admin/avtal/{jamtland.id}").status_code == 404
    assert vnr_admin.get(f"/admin/avtal/{other.id}").status_code == 200
    assert _web(app, vnr["admin"]).get(f"/admin/avtal/{other.id}").status_code == 404


def test_a_county_not_running_here_receives_nothing(vnr, people):
    from avvikelse.cases.services import file_case
    from avvikelse.core.errors import ValidationFailed
    from avvikelse.directory import sweden
    from tests.fixtures.factories import case_input

    sweden.load()
    db.session.commit()
    with pytest.raises(ValidationFailed) as refused:
        file_case(people["reporter"], case_input(receiver_organisation="01"), now_utc())  # Region Stockholm
    assert "inte anslutet" in refused.value.errors["receiver_organisation"][0]


def test_the_forum_never_shows_another_countys_cases_in_its_own_figures(vnr, new_case):
    """Many cases in Västernorrland, none in Jämtland: Jämtland's forum counts none of them."""
    for _ in range(7):
        new_case(reporter=vnr["sundsvall_reporter"], receiver_organisation="22")
    quarter = quarter_of(now_utc())
    shown = forum.published(quarter, forum.Filters(), now_utc(), scope=Scope("23"))
    assert shown["total"] == 0 and shown["by_organisation"] == {}
    assert forum.published(quarter, forum.Filters(), now_utc(), scope=Scope("22"))["total"] == 7
    trend = forum.page(quarter, now_utc(), scope=Scope("23")).shown(View())["trend"]
    assert all(t["total"] == 0 for t in trend)


def test_a_forum_counts_only_its_own_countys_measures(vnr, new_case):
    """Learning figures follow the county too: Västernorrland's measures are not in
    Jämtland's forum, whose organisations are the only ones it lists."""
    from avvikelse.cases.models import Measure

    today = now_utc().date()
    for _ in range(6):
        case = new_case(reporter=vnr["sundsvall_reporter"], receiver_organisation="22")
        db.session.add(Measure(case=case, text="Åtgärd", owner="Enhetschef", due_on=today, status="planned",
                               owner_organisation=case.receiver_organisation, created_at=now_utc()))
    db.session.commit()
    quarter = quarter_of(now_utc())
    own = forum.published(quarter, forum.Filters(), now_utc(), scope=Scope("23"))["learning"]["measures"]
    theirs = forum.published(quarter, forum.Filters(), now_utc(), scope=Scope("22"))["learning"]["measures"]
    assert own["total"] == 0 and own["by_organisation"] == []
    assert theirs["total"] == 6


def test_learning_summaries_stay_in_their_county(app, client, vnr):
    """An approved lesson from Sundsvall is listed to Västernorrland's staff and forum,
    not to Jämtland's."""
    from avvikelse.directory.services import organisation_by_code
    from avvikelse.forum import learning as forum_learning
    from avvikelse.learning.enums import SummaryStatus
    from avvikelse.learning.models import LearningSummary

    db.session.add(LearningSummary(text="Ring alltid hemsjukvården före utskrivning.", status=SummaryStatus.APPROVED,
                                   organisation=organisation_by_code("2281"), created_at=now_utc(),
                                   published_at=now_utc()))
    db.session.commit()
    listed = {who: client.get("/api/v1/learning", headers=_api(vnr[who])).get_json()["items"]
              for who in ("reporter", "sundsvall_reporter")}
    assert listed["reporter"] == [] and len(listed["sundsvall_reporter"]) == 1
    assert "Ring alltid" not in _web(app, vnr["reporter"]).get("/larande").get_data(as_text=True)
    quarter = quarter_of(now_utc())
    assert forum_learning.published(quarter, now_utc(), 5, ("23",))["summaries"] == []
    assert len(forum_learning.published(quarter, now_utc(), 5, ("22",))["summaries"]) == 1
