"""Published figures → what a page or an export shows: tables and pygal charts.

Nothing is hidden here: the figures come protected (publish.py), or, saved before
disclosure control, are hidden wholesale (services.shown). Items brought to the forum
are shown with any personnummer masked.
"""
from avvikelse.directory.models import Organisation
from avvikelse.forum import charts, services, tables


def view(figures: dict, items: list[dict] | None = None) -> dict:
    shown = services.shown(figures)
    items = services.shown_items(items or [])
    built = tables.build(shown, items)
    by_id = {t["id"]: t for t in built}
    T = shown["disclosure"].get("threshold", 5)
    names = {o["code"]: o["name"] for o in shown["organisations"] or []}
    drawn = {
        "trend": charts.trend("diagram-trend", shown["trend"], "Antal ärenden per kvartal"),
        "matrix": (charts.risk_matrix("diagram-risk", shown["risk_matrix"], "Riskmatris")
                   if shown["risk_matrix"] is not None else None),
    }
    if shown["by_category"] is not None:
        year = shown.get("year") or {}
        codes = sorted(set(shown["by_category"]) | set(year.get("by_category") or {}), key=tables.category_label)
        series = ([(f"Året {year['period']}", [year["by_category"].get(c, 0) for c in codes])]
                  if year.get("by_category") is not None else None)
        drawn["category"] = charts.bars("diagram-kategori", [
            (tables.category_label(c), shown["by_category"].get(c, 0)) for c in codes],
            "Antal ärenden per kategori", T, series)
    if shown["by_kommun"] is not None:
        drawn["kommun"] = charts.bars("diagram-kommun", [
            (names.get(code, code), n) for code, n in shown["by_kommun"].items()], "Antal ärenden per kommun", T)
    sections = [{"table": t, "chart": drawn.get(t["id"])} for t in built]
    return {"shown": shown, "tables": built, "sections": sections, "by_id": by_id,
            "legend": tables.legend(T)}


def filter_options(county: str | None = None) -> dict:
    from sqlalchemy import select

    from avvikelse.cases.categories import CATEGORIES
    from avvikelse.extensions import db
    from avvikelse.forum.filters import DIRECTION_LABELS, DIRECTIONS

    stmt = select(Organisation).order_by(Organisation.code)
    if county is not None:
        stmt = stmt.where(Organisation.county_code == county)
    orgs = db.session.scalars(stmt).all()
    return {
        "organisations": [(o.code, o.name) for o in orgs],
        "categories": [(c.code, str(c.label)) for c in CATEGORIES],
        "kinds": list(tables.KIND_LABELS.items()),
        "directions": [(d, DIRECTION_LABELS[d]) for d in DIRECTIONS],
    }
