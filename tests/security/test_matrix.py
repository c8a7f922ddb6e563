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
