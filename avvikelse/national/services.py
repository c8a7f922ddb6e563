"""The national summary of a period: the published (protected) figures, as one dict for
the page, the CSV and XLSX exports and `GET /api/v1/national/summary`."""
from datetime import datetime

from avvikelse.accounts.models import Role, User
from avvikelse.agreements.types import CategoryType
from avvikelse.cases.enums import EventType
from avvikelse.forum.periods import Period
from avvikelse.national import published, release, stored

DIRECTION_LABELS = {"kommun_to_region": "Kommun till region", "region_to_kommun": "Region till kommun",
                    "kommun_to_kommun": "Kommun till kommun"}


def can_read(user: User) -> bool:
    return user.is_authenticated and user.has_role(Role.NATIONAL)


def summary(period: Period, now: datetime) -> dict:
    """The period's national figures as published: a hidden count is "x". Read from the
    stored releases (national/stored.py), computed once when there are none."""
    return stored.summary(period, now)


def publish(period: Period, counts: dict[str, dict[tuple, int]], names: list[tuple[str, str]], T: int) -> dict:
    """Pure: the published figures of a period from the counts of its trend's quarters
    (national_counts' shape), the counties (code, name) and the threshold."""
    codes = tuple(code for code, _ in names)
    trend = period.trend(8)
    quarters = {q.label: release.quarter_release(q.label, counts[q.label], codes, T) for q in trend}
    if period.is_year:
        labels = [q.label for q in period.quarters()]
        current = release.year_release(period.label, [quarters[q] for q in labels],
                                       [counts[q] for q in labels], codes, T)
    else:
        current = quarters[period.label]
    return published.summary(period.label, published.own_tables(current, names, T),
                             [published.trend_entry(label, q) for label, q in quarters.items()])


def _present(mapping: dict) -> list:
    return [(k, v) for k, v in mapping.items() if v != 0]


def tables(shown: dict) -> list[dict]:
    """The published figures as tables (page, CSV, XLSX): rows that are 0 left out."""
    names = {c["code"]: c["name"] for c in shown["counties"]}
    type_labels = {t.value: t.label for t in CategoryType}
    event_labels = {e.value: e.label for e in EventType}

    def table(key, title, headers, rows):
        return {"id": key, "title": title, "headers": headers, "rows": rows, "note": None}

    found = [table("overview", "Översikt", ["Mått", shown["period"]], [["Antal ärenden", shown["total"]]])]
    found.append(table("county", "Per län (avsändarens län)", ["Län", "Kod", "Antal"],
                       [[names.get(c, c), c, v] for c, v in _present(shown["by_county"])]))
    found.append(table("direction", "Per riktning", ["Riktning", "Antal"],
                       [[DIRECTION_LABELS.get(d, d), v] for d, v in shown["by_direction"].items()]))
    found.append(table("type", "Per kategorityp (nationell lista)", ["Kategorityp", "Antal"],
                       [[type_labels.get(t, t), v] for t, v in _present(shown["by_type"])]))
    found.append(table("event_type", "Per typ av händelse", ["Typ av händelse", "Antal"],
                       [[event_labels.get(e, e), v] for e, v in shown["by_event_type"].items()]))
    found.append(table("consequence", "Per konsekvens", ["Konsekvens", "Antal"],
                       [[k, v] for k, v in shown["by_consequence"].items()]))
    found.append(table("county_direction", "Län och riktning", ["Län", *DIRECTION_LABELS.values()],
                       [[names.get(c, c), *row.values()] for c, row in shown["county_direction"].items()
                        if any(v != 0 for v in row.values())]))
    found.append(table("county_type", "Län och kategorityp", ["Län", "Kategorityp", "Antal"],
                       [[names.get(c, c), type_labels.get(t, t), v] for c, row in shown["county_type"].items()
                        for t, v in _present(row)]))
    quarters = [t["period"] for t in shown["trend"]]
    found.append(table("trend", "Trend, åtta kvartal", ["Kvartal", "Alla"],
                       [[t["period"], t["total"]] for t in shown["trend"]]))
    found.append(table("trend_county", "Trend per län", ["Län", *quarters],
                       [[names.get(c, c), *(t["by_county"][c] for t in shown["trend"])]
                        for c in names if any(t["by_county"][c] != 0 for t in shown["trend"])]))
    return found
