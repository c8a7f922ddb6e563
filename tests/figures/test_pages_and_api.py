"""The figures on a page (charts with their tables) and in GET /api/v1/figures, for whom
they are; a manager reads no case content; `users add --role manager`."""
from avvikelse.accounts.services import user_by_username
from avvikelse.extensions import db
from avvikelse.forum.periods import quarter_of
from avvikelse.core.clock import now_utc
from tests.api.conftest import api  # noqa: F401  (fixture)
from tests.web.helpers import text


def test_the_api_gives_the_callers_own_figures(api, make_user, people, new_case):  # noqa: F811
    new_case()
    manager = make_user("2309", ["manager"], units=["2309-HSJV"])
    db.session.commit()
    body = api(manager).get("/figures", period=quarter_of(now_utc()).label).json
    assert body["organisation"] == "2309" and body["units"] == ["2309-HSJV"]
    assert body["totals"]["filed"] == 1 and body["step"] == "month" and len(body["by_period"]) == 3
    whole = api(people["mas"]).get("/figures").json  # the current quarter
    assert whole["units"] is None and whole["period"] == quarter_of(now_utc()).label
    assert api(people["mas"]).get("/figures", period="2026-03").json["period"] == "2026-03"


def test_the_api_refuses_others_and_bad_periods(api, people, make_user):  # noqa: F811
    for who in ("reporter", "receiver_handler", "forum", "admin"):
        assert api(people[who]).get("/figures").status_code == 403
    response = api(people["mas"]).get("/figures", period="2026-13")
    assert response.status_code == 422 and "period" in response.json["errors"]


def test_the_page_shows_charts_with_their_tables(client, login, make_user, new_case):
    new_case()
    manager = make_user("2309", ["manager"], units=[])
    db.session.commit()
    login(manager)
    response = client.get("/siffror")
    assert response.status_code == 200
    page = text(response)
    assert page.count('role="img"') == 4 and page.count("<table") == 4
    assert "Hemsjukvården Krokom" in page and "Per kategori" in page
    assert client.get("/siffror/diagram.css").status_code == 200
    assert 'href="/siffror"' in client.get("/inkorg").get_data(as_text=True)
    assert client.get("/siffror?period=nästa").status_code == 400


def test_others_get_no_page(client, login, people):
    login(people["reporter"])
    assert client.get("/siffror").status_code == 403
    assert 'href="/siffror"' not in client.get("/inkorg").get_data(as_text=True)


def test_a_manager_reads_no_case_content(client, login, make_user, new_case):
    case = new_case(receiver_unit="23-OSD-GER")
    manager = make_user("23", ["manager"], units=["23-OSD-GER"])
    db.session.commit()
    login(manager)
    assert client.get(f"/arenden/{case.reference}").status_code == 404
    assert case.reference not in client.get("/sok?box=all").get_data(as_text=True)


def test_the_cli_adds_a_manager(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "add", "chef.krokom", "--org", "2309", "--unit", "2309-HSJV",
                                 "--role", "manager"])
    assert result.exit_code == 0, result.output
    user = user_by_username("chef.krokom")
    assert "manager" in {str(r) for r in user.roles} and user.unit_ids
