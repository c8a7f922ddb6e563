"""The national picture: figures by county, direction, category type, event type and
consequence, protected as one national table; proved as an attacker would, with a linear
program over every published figure (as tests/forum/lp_audit.py does for the forum)."""
import random
from itertools import product

import numpy as np
import pytest
from scipy.optimize import linprog
from scipy.sparse import csr_matrix

from avvikelse.accounts.tokens import issue_token
from avvikelse.core.clock import now_utc
from avvikelse.extensions import db
from avvikelse.forum.periods import Period, quarter_of
from avvikelse.national import services
from avvikelse.national.counts import DIRECTIONS, national_counts
from avvikelse.national.release import CONSEQUENCES, EVENT_TYPES, HIDDEN, TYPES
from workers.national import refresh

T = 5
NAMES = [("22", "Västernorrlands län"), ("23", "Jämtlands län"), ("25", "Norrbottens län")]


# -- through the database ----------------------------------------------------------------

@pytest.fixture
def national_user(make_user):
    user = make_user("23", ["national"], units=[], username="nationell")
    db.session.commit()
    return user


def test_counts_follow_county_direction_type_event_and_consequence(vnr, new_case):
    for _ in range(3):
        new_case(category="medication", event_type="near_miss", consequence=3)  # Krokom → region 23
    new_case(reporter=vnr["sundsvall_reporter"], receiver_organisation="22", category="sip")
    new_case(reporter=vnr["vnr_reporter"], receiver_organisation="2309", category="discharge")  # across
    label = quarter_of(now_utc()).label
    counts = national_counts(quarter_of(now_utc()).trend(8))[label]
    assert counts == {
        ("23", "kommun_to_region", "medication", "near_miss", 3): 3,
        ("22", "kommun_to_region", "care_planning", "adverse_event", 2): 1,
        ("22", "region_to_kommun", "information_transfer", "adverse_event", 2): 1,  # the sender's county
    }


def test_the_summary_hides_small_counts_and_shows_the_rest(vnr, new_case):
    for _ in range(6):
        new_case()
    new_case(reporter=vnr["sundsvall_reporter"], receiver_organisation="22")
    shown = services.summary(quarter_of(now_utc()), now_utc())
    # Västernorrland's one case is hidden, and so is Jämtland's 6: the total would give it away.
    assert shown["total"] == 7
    assert shown["by_county"]["23"] == HIDDEN and shown["by_county"]["22"] == HIDDEN
    assert shown["by_direction"]["kommun_to_region"] == 7
    assert shown["trend"][-1]["total"] == 7 and len(shown["trend"]) == 8
    assert shown["note"] is None
    for _ in range(4):
        new_case(reporter=vnr["sundsvall_reporter"], receiver_organisation="22")
    # Until a worker has protected the new counts, the last release is shown, with a note.
    shown = services.summary(quarter_of(now_utc()), now_utc())
    assert shown["total"] == 7 and "räknades fram" in shown["note"]
    refresh()
    shown = services.summary(quarter_of(now_utc()), now_utc())
    assert (shown["total"], shown["by_county"]["23"], shown["by_county"]["22"]) == (11, 6, 5)
    assert shown["note"] is None


def test_the_api_for_the_national_role(client, vnr, new_case, national_user):
    new_case()
    token = issue_token(national_user, now_utc(), 1)
    db.session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    period = quarter_of(now_utc()).label
    body = client.get(f"/api/v1/national/summary?period={period}", headers=headers).get_json()
    assert body["period"] == period and body["total"] == HIDDEN and body["disclosure"]["hidden"] == "x"
    assert {c["code"] for c in body["counties"]} == {"22", "23"}
    text = str(body)
    assert "AV-" not in text and "Utskrivningsmeddelandet" not in text  # no case, no free text
    bad = client.get("/api/v1/national/summary?period=2026Q9", headers=headers)
    assert bad.status_code == 422 and "period" in bad.get_json()["errors"]
    assert client.get("/api/v1/national/summary", headers=headers).status_code == 422


def test_the_page_and_exports(app, client, login, new_case, national_user):
    for _ in range(5):
        new_case()
    login(national_user)
    period = quarter_of(now_utc()).label
    page = client.get(f"/nationellt/?period={period}").get_data(as_text=True)
    assert "Per län (avsändarens län)" in page and "Jämtlands län" in page
    csv = client.get(f"/nationellt/export.csv?period={period}")
    assert csv.status_code == 200 and "Jämtlands län" in csv.get_data(as_text=True)
    xlsx = client.get(f"/nationellt/export.xlsx?period={period}")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    assert client.get("/nationellt/export.pdf").status_code == 404
    assert client.get("/nationellt/?period=fel").status_code == 422


# -- the attacker's audit ----------------------------------------------------------------------

def audit(period: Period, counts: dict, shown: dict) -> list[str]:
    """Every hidden figure that the published ones pin to an interval narrower than it
    needs (the threshold for a count under it, above 0 for any other)."""
    labels = [t["period"] for t in shown["trend"]]
    codes = [c["code"] for c in shown["counties"]]
    atoms = list(product(range(len(labels)), codes, DIRECTIONS, TYPES, EVENT_TYPES, CONSEQUENCES))
    truth = np.array([counts[labels[q]].get((c, d, t, e, k), 0) for q, c, d, t, e, k in atoms], float)
    Q = np.array([a[0] for a in atoms])
    col = {name: np.array([a[i] for a in atoms], dtype=object)
           for i, name in enumerate(("q", "county", "direction", "type", "event_type", "consequence"))}
    in_period = np.isin(Q, [labels.index(q.label) for q in period.quarters()])
    figures = [(in_period, shown["total"], "total")]
    for name, table in (("county", "by_county"), ("direction", "by_direction"), ("type", "by_type"),
                        ("event_type", "by_event_type"), ("consequence", "by_consequence")):
        for value, shown_value in shown[table].items():
            figures.append((in_period & (col[name].astype(str) == value), shown_value, f"{table} {value}"))
    for table, second in (("county_direction", "direction"), ("county_type", "type")):
        for c, row in shown[table].items():
            for value, shown_value in row.items():
                figures.append((in_period & (col["county"] == c) & (col[second] == value), shown_value,
                                f"{table} {c} {value}"))
    for i, t in enumerate(shown["trend"]):
        figures.append((Q == i, t["total"], f"trend {t['period']}"))
        for c, v in t["by_county"].items():
            figures.append(((Q == i) & (col["county"] == c), v, f"trend {t['period']} {c}"))
    shown_rows = [(m.astype(float), float(v)) for m, v, _ in figures if v != HIDDEN]
    hidden = [(m.astype(float), name) for m, v, name in figures if v == HIDDEN]
    for m, v in shown_rows:
        assert abs(m @ truth - v) < 1e-9
    A = np.array([m for m, _ in shown_rows])
    b = np.array([v for _, v in shown_rows])
    zero = (b == 0)
    free = ~(A[zero] > 0).any(axis=0)  # a shown 0 fixes every atom under it at 0
    A, truth_f = csr_matrix(A[:, free]), truth[free]
    failures = []
    for mask, name in hidden:
        row = mask[free]
        value = row @ truth_f
        need = T if 0 < value < T else 1e-6
        low = linprog(row, A_eq=A, b_eq=b, bounds=(0, None), method="highs")
        high = linprog(-row, A_eq=A, b_eq=b, bounds=(0, None), method="highs")
        assert low.status == 0, low.message
        top = float("inf") if high.status == 3 else -high.fun
        if top - low.fun < need - 1e-6:
            failures.append(f"{name} = {value:g}: [{low.fun:g}, {top:g}]")
    return failures


def _random_counts(rnd: random.Random, labels: list[str], n_cases: int) -> dict:
    counts = {label: {} for label in labels}
    weights_county = {"22": 3, "23": 5, "25": 1}
    for _ in range(n_cases):
        label = rnd.choice(labels)
        key = (rnd.choices(list(weights_county), list(weights_county.values()))[0],
               rnd.choices(DIRECTIONS, [5, 4, 1])[0], rnd.choice(TYPES[:6]), rnd.choice(EVENT_TYPES[:2]),
               rnd.choice(CONSEQUENCES[:3]))
        counts[label][key] = counts[label].get(key, 0) + 1
    return counts


@pytest.mark.parametrize("seed,period", [(1, Period(2026, 2)), (2, Period(2025)), (3, Period(2026, 1))])
def test_no_hidden_national_figure_can_be_worked_out(seed, period):
    rnd = random.Random(seed)
    labels = [q.label for q in period.trend(8)]
    counts = _random_counts(rnd, labels, 260)
    shown = services.publish(period, counts, NAMES, T)
    assert HIDDEN in str(shown)  # something is protected
    failures = audit(period, counts, shown)
    assert not failures, failures[:8]


def test_the_audit_finds_a_leak():
    """Negative control: show a county's direction beside its hidden sibling and total."""
    period = Period(2026, 2)
    labels = [q.label for q in period.trend(8)]
    counts = {label: {} for label in labels}
    counts["2026Q2"] = {("23", "kommun_to_region", "medication", "adverse_event", 2): 9,
                        ("23", "region_to_kommun", "medication", "adverse_event", 2): 2}
    shown = services.publish(period, counts, NAMES, T)
    assert shown["county_direction"]["23"]["region_to_kommun"] == HIDDEN
    shown["county_direction"]["23"]["kommun_to_region"] = 9  # a careless page shows it anyway
    shown["by_county"]["23"] = 11
    assert any("region_to_kommun" in f for f in audit(period, counts, shown))


def test_figures_of_a_quarter_read_the_same_on_every_page():
    rnd = random.Random(7)
    year = Period(2025)
    labels = sorted({q.label for p in (year, Period(2025, 3), Period(2026, 2)) for q in p.trend(8)})
    counts = _random_counts(rnd, labels, 300)
    q3 = services.publish(Period(2025, 3), {k: counts[k] for k in (q.label for q in Period(2025, 3).trend(8))},
                          NAMES, T)
    later = services.publish(Period(2026, 2), {k: counts[k] for k in (q.label for q in Period(2026, 2).trend(8))},
                             NAMES, T)
    assert next(t for t in later["trend"] if t["period"] == "2025Q3") == q3["trend"][-1]
    whole = services.publish(year, {k: counts[k] for k in (q.label for q in year.trend(8))}, NAMES, T)
    assert next(t for t in whole["trend"] if t["period"] == "2025Q3") == q3["trend"][-1]
