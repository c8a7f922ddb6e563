"""Every case route and API endpoint, as every role from the sending organisation
(Krokom), the receiving one (the region) and an unrelated one (Östersund): exact codes.

The case is filed by Krokom's reporter to the region (no receiving unit). Who sees it,
by the policy: the reporter, Krokom's intake handler and MAS (sending side); the
region's intake handler and chefsläkare (receiving side). Nobody else — not a colleague
reporter, not a handler of another unit, not the admin (an admin role grants no case
access), not Östersund.
"""
import pytest
from sqlalchemy import func, select

from avvikelse.accounts.tokens import issue_token
from avvikelse.audit.models import AccessLog
from avvikelse.core.clock import now_utc
from avvikelse.extensions import db
from tests.fixtures.factories import PASSWORD

PERSONAS = ["reporter", "sender_handler", "mas", "other_reporter", "receiver_handler",
            "unit_handler", "chefslakare", "stranger", "forum", "admin"]
VIEWERS = {"reporter", "sender_handler", "mas", "receiver_handler", "chefslakare"}
RECEIVERS = {"receiver_handler", "chefslakare"}


def _expect(viewer: int, other: int, anonymous: int, **special):
    table = {p: (viewer if p in VIEWERS else other) for p in PERSONAS}
    table["anonymous"] = anonymous
    table.update(special)
    return table


def _web(app, people, who):
    client = app.test_client()
    if who != "anonymous":
        response = client.post("/logga-in", data={"username": people[who].username,
                                                  "password": PASSWORD})
        assert response.status_code == 302, who
    return client


def _check(results: dict, expected: dict):
    wrong = {who: (got, expected[who]) for who, got in results.items() if got != expected[who]}
    assert not wrong, f"(got, expected) by persona: {wrong}"


WEB_READS = [
    # path template, expected codes
    ("/arenden/{ref}", _expect(200, 404, 302)),
    ("/inkorg", _expect(200, 200, 302)),
    ("/skickade", _expect(200, 200, 302)),
    ("/", _expect(200, 200, 302)),
    ("/arenden/ny", _expect(200, 200, 302)),
    ("/eskaleringar", _expect(403, 403, 302, mas=200, chefslakare=200, stranger=200)),
    ("/loggkontroll/", _expect(403, 403, 302, mas=200, chefslakare=200, stranger=200, admin=200)),
    # Each organisation's reviewers produce its own patient extracts (never county-wide).
    ("/loggkontroll/patientutdrag", _expect(403, 403, 302, mas=200, chefslakare=200, stranger=200,
                                             admin=200)),
]


@pytest.mark.parametrize("path,expected", WEB_READS, ids=[p for p, _ in WEB_READS])
def test_web_pages(app, people, new_case, path, expected):
    case = new_case(patient_id="191212121212")
    results = {who: _web(app, people, who).get(path.format(ref=case.reference)).status_code
               for who in expected}
    _check(results, expected)


def test_web_acknowledge_action(app, people, new_case):
    """Only the receiving side may acknowledge; the sending side sees the case but is
    refused (409); everyone else gets the same 404 as for a case that does not exist."""
    expected = _expect(409, 404, 302, receiver_handler=302, chefslakare=302)
    results = {}
    for who in expected:
        case = new_case()
        results[who] = _web(app, people, who).post(
            f"/arenden/{case.reference}/atgard/acknowledge").status_code
    _check(results, expected)


def test_web_message(app, people, new_case):
    expected = _expect(302, 404, 302)
    case = new_case()
    results = {who: _web(app, people, who).post(
        f"/arenden/{case.reference}/meddelande", data={"body": "Hej"}).status_code
        for who in expected}
    _check(results, expected)


def _api(client, people, who):
    if who == "anonymous":
        return {}
    token = issue_token(people[who], now_utc(), 1)
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}


API_READS = [
    ("/api/v1/cases/{ref}", _expect(200, 404, 401)),
    ("/api/v1/cases?box=incoming", _expect(200, 200, 401)),
    ("/api/v1/cases?box=elsewhere", _expect(422, 422, 401)),
    ("/api/v1/directory", _expect(200, 200, 401)),
]


@pytest.mark.parametrize("path,expected", API_READS, ids=[p for p, _ in API_READS])
def test_api_reads(client, people, new_case, path, expected):
    case = new_case()
    results = {who: client.get(path.format(ref=case.reference),
                               headers=_api(client, people, who)).status_code
               for who in expected}
    _check(results, expected)


def test_api_acknowledge_and_message(client, people, new_case):
    expected = _expect(409, 404, 401, receiver_handler=200, chefslakare=200)
    results = {}
    for who in expected:
        case = new_case()
        results[who] = client.post(f"/api/v1/cases/{case.reference}/actions",
                                   json={"action": "acknowledge"},
                                   headers=_api(client, people, who)).status_code
    _check(results, expected)
    expected = _expect(201, 404, 401)
    case = new_case()
    results = {who: client.post(f"/api/v1/cases/{case.reference}/messages", json={"body": "Hej"},
                                headers=_api(client, people, who)).status_code
               for who in expected}
    _check(results, expected)


def test_every_refused_case_access_is_a_denied_row(app, people, new_case):
    case = new_case()
    outsiders = [p for p in PERSONAS if p not in VIEWERS]
    for who in outsiders:
        client = _web(app, people, who)
        assert client.get(f"/arenden/{case.reference}").status_code == 404
        assert client.get("/arenden/AV-2026-999999").status_code == 404
    rows = db.session.execute(
        select(AccessLog.user_id, func.count()).where(AccessLog.action == "denied")
        .group_by(AccessLog.user_id)).all()
    assert dict(rows) == {people[w].id: 2 for w in outsiders}


def test_lists_show_the_case_exactly_to_its_sides(client, people, new_case):
    case = new_case()
    senders = VIEWERS - RECEIVERS
    for who in PERSONAS:
        headers = _api(client, people, who)
        for box, entitled in (("incoming", RECEIVERS), ("outgoing", senders)):
            items = client.get(f"/api/v1/cases?box={box}", headers=headers).get_json()["items"]
            listed = case.reference in {item["reference"] for item in items}
            assert listed == (who in entitled), (who, box)


def _agreement_paths() -> dict[str, str]:
    from datetime import date

    from avvikelse.agreements import version_at

    version = version_at(date(2021, 1, 1), "23")
    return {"agreement": version.agreement_id, "version": version.id}


AGREEMENT_PAGES = [
    # Administrators of the county's organisations only; /admin/avtal leads to its one agreement.
    ("/admin/avtal", _expect(403, 403, 302, admin=302)),
    ("/admin/avtal/{agreement}", _expect(403, 403, 302, admin=200)),
    ("/admin/avtal/version/{version}", _expect(403, 403, 302, admin=200)),
    ("/admin/avtal/version/{version}/installningar", _expect(403, 403, 302, admin=200)),
]


@pytest.mark.parametrize("path,expected", AGREEMENT_PAGES, ids=[p for p, _ in AGREEMENT_PAGES])
def test_agreement_pages(app, people, path, expected):
    url = path.format(**_agreement_paths())
    results = {who: _web(app, people, who).get(url).status_code for who in expected}
    _check(results, expected)


def test_agreement_changes(app, people):
    """Changing a setting, adding a version or an extension: the admin only (a refused
    change of the admin's is 422, which still shows the page was open to them)."""
    ids = _agreement_paths()
    for path in ("/admin/avtal/{agreement}", "/admin/avtal/version/{version}",
                 "/admin/avtal/version/{version}/installningar"):
        expected = _expect(403, 403, 302, admin=422)
        results = {who: _web(app, people, who).post(path.format(**ids), data={}).status_code
                   for who in expected}
        _check(results, expected)


# -- the national roles: their own pages, and nothing of any organisation's --------------

NATIONAL = ["national", "national_admin"]


@pytest.fixture
def national(people, make_user):
    found = {"national": make_user("23", ["national"], units=[], username="skr.uppfoljning"),
             "national_admin": make_user("23", ["national_admin"], units=[], username="katalog.nationell")}
    db.session.commit()
    return people | found


NATIONAL_WEB = [
    # path, national, national_admin
    ("/arenden/{ref}", 403, 403), ("/arenden/{ref}/utskrift", 403, 403), ("/inkorg", 403, 403),
    ("/skickade", 403, 403), ("/arenden/ny", 403, 403), ("/enheter?organisation=23", 403, 403),
    ("/eskaleringar", 403, 403), ("/loggkontroll/", 403, 403), ("/forum/", 403, 403),
    ("/forum/tvister/", 403, 403), ("/forum/ogonblicksbilder", 403, 403), ("/admin/avtal", 403, 403),
    ("/admin/integrationer", 403, 403), ("/admin/webhooks", 403, 403), ("/behorigheter", 403, 403),
    ("/nationellt/", 200, 403), ("/nationellt/export.csv", 200, 403), ("/admin/lan/", 403, 200),
    ("/admin/katalog/import", 403, 200), ("/profil", 200, 200), ("/", 302, 302),
]


def test_national_roles_on_the_pages(app, national, new_case):
    case = new_case(patient_id="191212121212")
    for who, column in (("national", 1), ("national_admin", 2)):
        client = _web(app, national, who)
        got = {path: client.get(path.format(ref=case.reference)).status_code for path, *_ in NATIONAL_WEB}
        wanted = {row[0]: row[column] for row in NATIONAL_WEB}
        assert got == wanted, (who, {p: (g, wanted[p]) for p, g in got.items() if g != wanted[p]})
        assert client.post(f"/arenden/{case.reference}/atgard/acknowledge").status_code == 403
        assert client.post("/arenden/ny", data={"receiver_organisation": "2309"}).status_code == 403


def test_only_the_national_role_reads_the_national_pages(app, national):
    expected = {p: 403 for p in PERSONAS} | {"anonymous": 302, "national": 200, "national_admin": 403}
    results = {who: _web(app, national, who).get("/nationellt/?period=2026Q1").status_code for who in expected}
    _check(results, expected)
    expected = {p: 403 for p in PERSONAS} | {"anonymous": 302, "national": 403, "national_admin": 200}
    results = {who: _web(app, national, who).get("/admin/lan/").status_code for who in expected}
    _check(results, expected)


def test_national_roles_in_the_api(client, national, new_case):
    case = new_case()
    paths = {f"/api/v1/cases/{case.reference}": (403, 403), "/api/v1/cases?box=incoming": (403, 403),
             "/api/v1/directory": (403, 200), "/api/v1/forum/summary?period=2026Q1": (403, 403),
             "/api/v1/escalations": (403, 403), "/api/v1/national/summary?period=2026Q1": (200, 403),
             f"/api/v1/cases/{case.reference}/fhir": (403, 403)}
    for who, column in (("national", 0), ("national_admin", 1)):
        headers = _api(client, national, who)
        got = {p: client.get(p, headers=headers).status_code for p in paths}
        assert got == {p: codes[column] for p, codes in paths.items()}, who
        filed = client.post("/api/v1/cases", json={"receiver_organisation": "2309"}, headers=headers)
        assert filed.status_code == 403 and filed.is_json
    for who in PERSONAS:
        assert client.get("/api/v1/national/summary?period=2026Q1",
                          headers=_api(client, national, who)).status_code == 403, who
