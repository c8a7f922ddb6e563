"""Figures as titled tables: the numbers beside each chart, and the body of every export.

Takes figures that are already suppressed; labels are Swedish.
"""
from avvikelse.cases.categories import BY_CODE
from avvikelse.cases.risk import CONSEQUENCE_LABELS
from avvikelse.escalation.models import LABELS as DECISION_LABELS
from avvikelse.escalation.models import Decision
from avvikelse.forum.filters import DIRECTION_LABELS

KIND_LABELS = {"deviation": "Avvikelse", "complaint": "Klagomål eller synpunkt"}
RISK_LABELS = {"low": "Låg (1–2)", "moderate": "Måttlig (3–4)", "high": "Hög (6–8)", "very_high": "Mycket hög (9–16)"}


def _share(value) -> str:
    return "–" if value is None else f"{round(value * 100)} %"


def _days(value) -> str:
    return "–" if value is None else f"{value:.1f}".replace(".", ",")


def category_label(code: str) -> str:
    return str(BY_CODE[code].label) if code in BY_CODE else code


def decision_label(code: str) -> str:
    return "Inget beslut ännu" if code == "undecided" else str(DECISION_LABELS[Decision(code)])


def _table(key: str, title: str, headers: list[str], rows: list[list]) -> dict:
    return {"id": key, "title": title, "headers": headers, "rows": rows}


def build(shown: dict, items: list[dict] | None = None) -> list[dict]:
    prev = shown.get("previous") or {}
    tables = [_table("overview", "Översikt", ["Mått", shown["period"], prev.get("period", "Föregående")], [
        ["Antal ärenden", shown["total"], prev.get("total", "–")],
        ["Allvarliga", shown["serious"], prev.get("serious", "–")],
        ["Öppna vid periodens slut", shown["open"], prev.get("open", "–")],
        ["Försenade vid periodens slut", shown["overdue"], prev.get("overdue", "–")],
        ["Besvarade", shown["answered"], "–"],
        ["Mediantid till svar (dagar)", _days(shown["median_answer_days"]), _days(prev.get("median_answer_days"))],
        ["Andel besvarade i tid", _share(shown["answered_in_time_share"]), _share(prev.get("answered_in_time_share"))],
    ])]
    tables.append(_table("direction", "Riktning", ["Riktning", "Antal", "Föregående"], [
        [DIRECTION_LABELS.get(d, d), n, (prev.get("by_direction") or {}).get(d, "–")]
        for d, n in shown["by_direction"].items()]))
    tables.append(_table("trend", "Trend, åtta kvartal", ["Kvartal", "Alla", "Allvarliga"],
                         [[t["period"], t["total"], t["serious"]] for t in shown["trend"]]))
    tables.append(_table("category", "Per kategori och avtalspunkt", ["Kategori", "Avtalet", "Antal"], [
        [category_label(code), BY_CODE[code].clause if code in BY_CODE else "—", n]
        for code, n in sorted(shown["by_category"].items(), key=lambda kv: category_label(kv[0]))]))
    tables.append(_table("kommun", "Per kommun (skickade och mottagna)", ["Kommun", "Skickade", "Mottagna"], [
        [o["name"], o["sent"], o["received"]] for o in shown["organisations"] if o["kind"] == "kommun"]))
    tables.append(_table("organisation", "Per organisation", ["Organisation", "Kod", "Skickade", "Mottagna"], [
        [o["name"], o["code"], o["sent"], o["received"]] for o in shown["organisations"]]))
    tables.append(_table("pair", "Per organisationspar", ["Avsändare", "Mottagare", "Antal"], [
        [p["sender"], p["receiver"], p["count"]] for p in shown["by_pair"]]))
    tables.append(_table("unit", "Per enhet", ["Enhet", "Skickade", "Mottagna"], [
        [u["name"] or "Organisationens mottagning", u["sent"], u["received"]] for u in shown["by_unit"]]))
    tables.append(_table("kind", "Per typ", ["Typ", "Antal"], [
        [KIND_LABELS.get(k, k), n] for k, n in shown["by_kind"].items()]))
    tables.append(_table("consequence", "Per konsekvens", ["Konsekvens", "Antal"], [
        [f"{c} – {CONSEQUENCE_LABELS[int(c)]}", n] for c, n in shown["by_consequence"].items()]))
    tables.append(_table("risk", "Per risknivå", ["Risknivå", "Antal"], [
        [RISK_LABELS[level], n] for level, n in shown["by_risk_level"].items()]))
    tables.append(_table("matrix", "Riskmatris (konsekvens × sannolikhet)",
                         ["Konsekvens", "S1", "S2", "S3", "S4"],
                         [[f"K{c + 1}", *shown["risk_matrix"][c]] for c in range(3, -1, -1)]))
    tables.append(_table("decisions", "Beslut om allvarliga ärenden", ["Beslut", "Antal"], [
        [decision_label(d), n] for d, n in sorted(shown["serious_decisions"].items())]))
    if shown.get("agreement"):
        tables.append(_table("agreement", "Uppföljning av avtalet per avtalspunkt", [
            "Kategori", "Avtalet", "Q1", "Q2", "Q3", "Q4", "Året", "Föregående år",
            "Besvarade", "Bekräftade helt eller delvis", "Andel bekräftade", "Åtgärder"], [
            [category_label(a["category"]), a["clause"], *[q["total"] for q in a["quarters"]], a["total"],
             a["previous_year"], a["answered"], a["confirmed"], _share(a["confirmed_share"]), a["measures"]]
            for a in shown["agreement"]]))
    if items:
        tables.append(_table("items", "Ärenden som tas upp i forum", ["Kvartal", "Kategori", "Rubrik", "Text"], [
            [i["period"], category_label(i["category"]), i["title"], i["text"]] for i in items]))
    return tables
