"""Raw figures → what a page or an export shows: suppressed counts, tables, charts."""
from avvikelse.directory.models import Organisation
from avvikelse.forum import charts, suppression, tables


def view(raw: dict, items: list[dict] | None = None) -> dict:
    shown = suppression.apply(raw)
    built = tables.build(shown, items)
    by_id = {t["id"]: t for t in built}
    names = {o["code"]: o["name"] for o in shown["organisations"]}
    drawn = {
        "trend": charts.trend("diagram-trend", shown["trend"], "Antal ärenden per kvartal"),
        "category": charts.bars("diagram-kategori", [
            (tables.category_label(code), n) for code, n in sorted(shown["by_category"].items(),
                                                                    key=lambda kv: tables.category_label(kv[0]))],
            "Antal ärenden per kategori"),
        "kommun": charts.bars("diagram-kommun", [
            (names.get(code, code), n) for code, n in shown["by_kommun"].items()], "Antal ärenden per kommun"),
        "matrix": charts.risk_matrix("diagram-risk", shown["risk_matrix"], "Riskmatris"),
    }
    sections = [{"table": t, "chart": drawn.get(t["id"])} for t in built]
    return {"shown": shown, "tables": built, "sections": sections, "by_id": by_id}


def filter_options() -> dict:
    from sqlalchemy import select

    from avvikelse.cases.categories import CATEGORIES
    from avvikelse.extensions import db
    from avvikelse.forum.filters import DIRECTION_LABELS, DIRECTIONS

    orgs = db.session.scalars(select(Organisation).order_by(Organisation.code)).all()
    return {
        "organisations": [(o.code, o.name) for o in orgs],
        "categories": [(c.code, str(c.label)) for c in CATEGORIES],
        "kinds": list(tables.KIND_LABELS.items()),
        "directions": [(d, DIRECTION_LABELS[d]) for d in DIRECTIONS],
    }
