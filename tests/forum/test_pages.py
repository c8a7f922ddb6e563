"""The forum's pages: who gets in, what they see, and that a forum member never
reaches a case."""
import re

import pytest

from avvikelse.extensions import db
from avvikelse.forum.models import Build, ForumItem


@pytest.fixture
def as_forum(client, login, people):
    login(people["forum"])
    return client


def test_summary_page_protected_with_accessible_charts(forum_cases, as_forum):
    response = as_forum.get("/forum/?period=2026Q2")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<td>x</td>" in page and "x = dolt" in page
    assert "Avtal under perioden: Hemsjukvårdsavtalet version 2020 (förlängt i avvaktan på nytt avtal)" in page
    svgs = re.findall(r"<svg\b.*?</svg>", page, re.DOTALL)
    assert len(svgs) == 4
    for svg in svgs:
        assert 'role="img"' in svg and "<title id=" in svg and "<desc id=" in svg
        assert "<script" not in svg and "<style" not in svg and "style=" not in svg
    # each chart's numbers are in a table right beside it
    assert page.count("<table>") >= len(svgs)
    assert not re.search(r"AV-\d{4}-\d+", page)  # no case references
    assert response.headers["Cache-Control"] == "no-store"
    assert 'href="/forum/"' in page  # the nav link
    css = as_forum.get("/forum/diagram.css")
    assert css.status_code == 200 and ".pygal-chart" in css.get_data(as_text=True)


def test_bad_period_is_a_swedish_422(as_forum):
    response = as_forum.get("/forum/?period=2026Q9&organisation=0000")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "t.ex. 2026Q3" in page and "Okänd organisation" in page


@pytest.mark.parametrize("who", ["reporter", "receiver_handler"])
def test_others_are_refused(client, login, people, who):
    login(people[who])
    assert client.get("/forum/").status_code == 403


def test_forum_member_gets_404_on_every_case_url(app, forum_cases, as_forum, api, people):
    reference = forum_cases["c1"].reference
    rules = [r for r in app.url_map.iter_rules() if "reference" in r.arguments]
    assert rules
    token = api(people["forum"])
    checked = 0
    for rule in rules:
        # an id beside the reference (an attachment's) is a number
        values = {a: "answer" if a == "action" else 1 if a.endswith("_id") else reference
                  for a in rule.arguments}
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            path = rule.build(values)[1]
            if path.startswith("/api/"):
                response = token.client.open(path, method=method, headers=token.headers, json={})
            else:
                response = as_forum.open(path, method=method, data={})
            assert response.status_code == 404, (method, path, response.status_code)
            checked += 1
    assert checked >= 5


def test_handler_raises_a_case_and_the_forum_sees_only_the_forum_text(forum_cases, client, login, people):
    case = forum_cases["c2"]
    login(people["receiver_handler"])
    show = client.get(f"/arenden/{case.reference}").get_data(as_text=True)
    assert f"/forum/arenden/{case.reference}/ta-upp" in show
    bad = client.post(f"/forum/arenden/{case.reference}/ta-upp",
                      data={"title": "Läkemedel", "text": "Gäller 19121212-1212"})
    assert bad.status_code == 422 and "personnummer" in bad.get_data(as_text=True)
    ok = client.post(f"/forum/arenden/{case.reference}/ta-upp",
                     data={"title": "Läkemedelslistor vid utskrivning", "text": "Rutinen behöver ses över."})
    assert ok.status_code == 302
    item = db.session.query(ForumItem).one()
    assert (item.period, item.case_id) == ("2026Q2", case.id)
    client.post("/logga-ut")
    login(people["forum"])
    page = client.get("/forum/?period=2026Q2").get_data(as_text=True)
    assert "Läkemedelslistor vid utskrivning" in page and "Rutinen behöver ses över." in page
    assert case.reference not in page and case.description not in page
    assert client.get(f"/forum/arenden/{case.reference}/ta-upp").status_code == 404


def test_reporter_cannot_raise(forum_cases, client, login, people):
    case = forum_cases["c1"]
    login(people["reporter"])
    assert "/ta-upp" not in client.get(f"/arenden/{case.reference}").get_data(as_text=True)
    assert client.get(f"/forum/arenden/{case.reference}/ta-upp").status_code == 404


def test_stranger_handler_cannot_raise_a_case_they_cannot_see(forum_cases, client, login, people):
    login(people["stranger"])
    assert client.get(f"/forum/arenden/{forum_cases['c1'].reference}/ta-upp").status_code == 404


def test_snapshot_from_the_page(forum_cases, as_forum):
    response = as_forum.post("/forum/ogonblicksbilder", data={
        "period": "2026Q2", "meeting_on": "2026-09-10", "notes": "Inför mötet", "direction": "kommun_to_region"})
    assert response.status_code == 302
    page = as_forum.get(response.headers["Location"]).get_data(as_text=True)
    assert "Inför mötet" in page and "2026-09-10" in page
    assert "Ögonblicksbild" in as_forum.get("/forum/ogonblicksbilder").get_data(as_text=True)
    missing = as_forum.post("/forum/ogonblicksbilder", data={"period": "2026Q2", "meeting_on": ""})
    assert missing.status_code == 422 and "Ange mötets datum." in missing.get_data(as_text=True)


def test_build_shows_progress_until_the_worker_is_done(forum_cases, as_forum):
    response = as_forum.post("/forum/bygg", data={"period": "2026Q2"})
    assert response.status_code == 302
    build = db.session.query(Build).one()
    pending = as_forum.get(response.headers["Location"])
    assert pending.headers.get("Refresh") == "2"
    assert "0 % klart" in pending.get_data(as_text=True)
    from workers.forum import build_summary

    # what the worker runs (.run: in this app's context, whichever Celery app is default)
    assert build_summary.run(build.id) == "done"
    db.session.expire_all()
    done = as_forum.get(response.headers["Location"])
    assert "Refresh" not in done.headers
    assert db.session.get(Build, build.id).figures["total"] == 6
    assert "Klar." in done.get_data(as_text=True)


def test_cli_builds_synchronously(app, forum_cases):
    import json

    result = app.test_cli_runner().invoke(args=["forum", "build", "--quarter", "2026Q2", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["total"] == 6
    assert db.session.query(Build).one().status == "done"
    bad = app.test_cli_runner().invoke(args=["forum", "build", "--quarter", "2026Q7"])
    assert bad.exit_code != 0 and "2026Q3" in bad.output


def test_beat_task_builds_the_quarter_and_year_that_ended(forum_cases, time_machine):
    from workers.forum import quarter_ended

    time_machine.move_to("2027-01-01T03:00:00+00:00", tick=False)
    assert quarter_ended.run() == 2
    builds = {b.period: b for b in db.session.query(Build)}
    assert set(builds) == {"2026Q4", "2026"}
    assert all(b.status == "done" and b.requested_by_id is None for b in builds.values())
    # what a build stores is what it shows: the year's total hides (see test_api)
    assert builds["2026"].figures["total"] == "x" and builds["2026"].figures["trend"][-3]["total"] == 6


def test_an_empty_period_renders(as_forum):
    response = as_forum.get("/forum/?period=2019")
    assert response.status_code == 200
    assert "Inga ärenden." in response.get_data(as_text=True)


def test_build_is_done_in_the_request_when_the_broker_is_down(app, forum_cases, as_forum, monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr(app.extensions["celery"], "send_task", down)
    response = as_forum.post("/forum/bygg", data={"period": "2026Q2"})
    assert response.status_code == 302
    assert db.session.query(Build).one().status == "done"
