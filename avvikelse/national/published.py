"""The shape of what is published of a national release (pure): a period's own tables,
and the summary that quotes its trend from each quarter's own release. The same dict is
built fresh (services.publish) and read back from the stored releases (national/stored.py)."""
from avvikelse.forum.release import METHOD
from avvikelse.national.counts import DIRECTIONS
from avvikelse.national.release import CONSEQUENCES, EVENT_TYPES, HIDDEN, TYPES


def own_tables(current, names: list[tuple[str, str]], T: int) -> dict:
    """A release's published tables (its `cell`s, "x" for hidden) with the counties and
    the disclosure it was protected under: what is stored of a period, nothing more."""
    codes = [code for code, _ in names]

    def one(table, values):
        return {str(v): current.cell(table, (v,)) for v in values}

    def two(table, second):
        return {c: {str(v): current.cell(table, (c, v)) for v in second} for c in codes}

    return {
        "counties": [{"code": code, "name": name} for code, name in names],
        "total": current.cell("total"),
        "by_county": one("by_county", codes),
        "by_direction": one("by_direction", DIRECTIONS),
        "by_type": one("by_type", TYPES),
        "by_event_type": one("by_event_type", EVENT_TYPES),
        "by_consequence": one("by_consequence", CONSEQUENCES),
        "county_direction": two("county_direction", DIRECTIONS),
        "county_type": two("county_type", TYPES),
        "disclosure": {"method": METHOD, "threshold": T, "hidden": HIDDEN},
    }


def trend_entry(label: str, quarter) -> dict:
    """What a trend quotes of a quarter: its total and counties, from a release (cells)
    or from a quarter's own tables (a dict, as stored)."""
    if isinstance(quarter, dict):
        return {"period": label, "total": quarter["total"], "by_county": dict(quarter["by_county"])}
    codes = [code for code in quarter.base.counties]
    return {"period": label, "total": quarter.cell("total"),
            "by_county": {c: quarter.cell("by_county", (c,)) for c in codes}}


def summary(label: str, own: dict, trend: list[dict]) -> dict:
    """The period's summary: its own tables and the trend's entries, in the published order."""
    return {"period": label, **{k: v for k, v in own.items() if k != "disclosure"}, "trend": trend,
            "disclosure": own["disclosure"]}
