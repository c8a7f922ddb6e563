"""Figures as titled tables: the numbers beside each chart, and the body of every export.

Takes published figures (publish.py): "x" is a hidden figure, None one not published
for the chosen filter. Labels are Swedish. A table all of whose figures are hidden says
so, with the period's total: hidden is not the same as none.
"""
from avvikelse.cases.categories import BY_CODE
from avvikelse.cases.enums import Outcome
from avvikelse.cases.risk import CONSEQUENCE_LABELS
from avvikelse.escalation.models import LABELS as DECISION_LABELS
from avvikelse.escalation.models import Decision, Step
from avvikelse.forum.filters import DIRECTION_LABELS
from avvikelse.forum.suppression import HIDDEN

KIND_LABELS = {"deviation": "Avvikelse", "complaint": "Klagomål eller synpunkt"}
RISK_LABELS = {"low": "Låg (1–2)", "moderate": "Måttlig (3–4)", "high": "Hög (6–8)", "very_high": "Mycket hög (9–16)"}
NOT_PUBLISHED = "–"


def legend(threshold: int) -> str:
    return (f"x = dolt: färre än {threshold} ärenden, eller dolt så att ett annat dolt värde inte kan "
            f"räknas fram ur det som visas. – = visas inte med detta filter, eller finns inte.")


def all_hidden_note(threshold: int, total) -> str:
    held = f" Perioden hade {total} ärenden." if isinstance(total, int) and total else ""
    return (f"Alla värden i tabellen är dolda (färre än {threshold} ärenden, eller dolda för att "
            f"skydda andra värden).{held}")


def _n(value):
    return NOT_PUBLISHED if value is None else value


def _share(value) -> str:
    if value == HIDDEN:
        return HIDDEN
    return NOT_PUBLISHED if value is None else f"{round(value * 100)} %"


def _days(value) -> str:
    if value == HIDDEN:
        return HIDDEN
    return NOT_PUBLISHED if value is None else f"{value:.1f}".replace(".", ",")


def category_label(code: str) -> str:
    return str(BY_CODE[code].label) if code in BY_CODE else code


def decision_label(code: str) -> str:
    return "Inget beslut ännu" if code == "undecided" else str(DECISION_LABELS[Decision(code)])


def step_label(code: str) -> str:
    return Step(code).label


def outcome_label(code: str) -> str:
    return Outcome(code).label


def _table(key: str, title: str, headers: list[str], rows: list[list], note: str | None = None,
           label_columns: int = 1, threshold: int = 5, total=None, empty: str | None = None) -> dict:
    values = [v for row in rows for v in row[label_columns:]]
    if note is None and values and any(v == HIDDEN for v in values) and all(
            v in (HIDDEN, NOT_PUBLISHED) for v in values):
        note = all_hidden_note(threshold, total)
    return {"id": key, "title": title, "headers": headers, "rows": rows, "note": note, "empty": empty}


def build(shown: dict, items: list[dict] | None = None) -> list[dict]:
    T = shown["disclosure"].get("threshold", 5)
    total = shown["total"]
    prev = shown.get("previous") or {}

    def table(key, title, headers, rows, note=None, label_columns=1):
        return _table(key, title, headers, rows, note, label_columns, T, total)

    filtered = shown["disclosure"].get("filtered")
    overview = [["Antal ärenden", total, _n(prev.get("total"))]]
    if not filtered:
        overview += [
            ["Allvarliga", _n(shown["serious"]), _n(prev.get("serious"))],
            ["Öppna vid periodens slut", _n(shown["open"]), _n(prev.get("open"))],
            ["Försenade vid periodens slut", _n(shown["overdue"]), _n(prev.get("overdue"))],
            ["Besvarade", _n(shown["answered"]), NOT_PUBLISHED],
            ["Mediantid till svar (dagar)", _days(shown["median_answer_days"]),
             _days(prev.get("median_answer_days"))],
            ["Andel besvarade i tid", _share(shown["answered_in_time_share"]),
             _share(prev.get("answered_in_time_share"))],
        ]
    tables = [table("overview", "Översikt", ["Mått", shown["period"], prev.get("period", "Föregående")], overview,
                    note=None if not filtered else
                    "Med filter visas antal per organisation, kategori, typ och riktning; övriga mått "
                    "visas för hela perioden.")]
    if shown["by_direction"] is not None:
        prev_direction = prev.get("by_direction") or {}
        tables.append(table("direction", "Riktning", ["Riktning", "Antal", "Föregående"], [
            [DIRECTION_LABELS.get(d, d), n, _n(prev_direction.get(d) if prev.get("by_direction") else None)]
            for d, n in shown["by_direction"].items()]))
    tables.append(table("trend", "Trend, åtta kvartal", ["Kvartal", "Alla", "Allvarliga"],
                        [[t["period"], t["total"], _n(t["serious"])] for t in shown["trend"]]))
    if shown["by_category"] is not None:
        tables.append(_category_table(shown, table))
    if shown["organisations"] is not None:
        tables.append(table("kommun", "Per kommun (skickade och mottagna)", ["Kommun", "Skickade", "Mottagna"], [
            [o["name"], o["sent"], o["received"]] for o in shown["organisations"] if o["kind"] == "kommun"]))
        tables.append(table("organisation", "Per organisation", ["Organisation", "Kod", "Skickade", "Mottagna"], [
            [o["name"], o["code"], o["sent"], o["received"]] for o in shown["organisations"]], label_columns=2))
    if shown.get("by_pair") is not None:
        tables.append(table("pair", "Per organisationspar", ["Avsändare", "Mottagare", "Antal"], [
            [p["sender"], p["receiver"], p["count"]] for p in shown["by_pair"]], label_columns=2))
    if shown["by_unit"] is not None:
        names = {o["code"]: o["name"] for o in shown["organisations"] or []}
        tables.append(table("unit", "Per enhet", ["Organisation", "Enhet", "Skickade", "Mottagna"], [
            [names.get(u["organisation"], u["organisation"]), u["name"] or "Organisationens mottagning",
             u["sent"], u["received"]] for u in shown["by_unit"]], label_columns=2))
    if shown["by_kind"] is not None:
        tables.append(table("kind", "Per typ", ["Typ", "Antal"], [
            [KIND_LABELS.get(k, k), n] for k, n in shown["by_kind"].items()]))
    if shown["by_consequence"] is not None:
        tables.append(table("consequence", "Per konsekvens", ["Konsekvens", "Antal"], [
            [f"{c} – {CONSEQUENCE_LABELS[int(c)]}", n] for c, n in shown["by_consequence"].items()]))
        tables.append(table("risk", "Per risknivå", ["Risknivå", "Antal"], [
            [RISK_LABELS[level], n] for level, n in shown["by_risk_level"].items()]))
        tables.append(table("matrix", "Riskmatris (konsekvens × sannolikhet)",
                            ["Konsekvens", "S1", "S2", "S3", "S4"],
                            [[f"K{c + 1}", *shown["risk_matrix"][c]] for c in range(3, -1, -1)]))
    if shown["serious_decisions"] is not None:
        tables.append(table("decisions", "Beslut om allvarliga ärenden", ["Beslut", "Antal"], [
            [decision_label(d), n] for d, n in sorted(shown["serious_decisions"].items())]))
    if shown.get("decision_steps") is not None:
        tables.append(table("decision_steps", "Beslutens steg (allvarliga ärenden)", ["Beslut", "Steg", "Antal"], [
            [decision_label(k.split(":")[0]), step_label(k.split(":")[1]), n]
            for k, n in sorted(shown["decision_steps"].items())], label_columns=2))
    if shown.get("by_outcome") is not None:
        tables.append(table("outcome", "Avslutade ärenden per utfall", ["Utfall", "Antal"], [
            [outcome_label(o), n] for o, n in sorted(shown["by_outcome"].items())]))
    if shown.get("agreement"):
        previous_year = prev.get("period", "Föregående år")
        tables.append(table("agreement", "Uppföljning av avtalet per avtalspunkt", [
            "Kategori", "Avtalet", "Q1", "Q2", "Q3", "Q4", "Året", previous_year,
            "Besvarade", "Bekräftade helt eller delvis", "Andel bekräftade", "Åtgärder"], [
            [category_label(a["category"]), a["clause"], *[q["total"] for q in a["quarters"]], a["total"],
             a["previous_year"], a["answered"], a["confirmed"], _share(a["confirmed_share"]), a["measures"]]
            for a in shown["agreement"]], label_columns=2))
    if items:
        tables.append(table("items", "Ärenden som tas upp i forum", ["Kvartal", "Kategori", "Rubrik", "Text"], [
            [i["period"], category_label(i["category"]), i["title"], i["text"]] for i in items], label_columns=4))
    if shown.get("learning"):
        tables += _learning_tables(shown["learning"], T)
    return tables


MEASURE_CLASS_LABELS = {"planned": "Planerade", "overdue": "Försenade", "done": "Genomförda",
                        "effect_confirmed": "Effekt bekräftad", "not_done": "Inte genomförda"}
FACTOR_AREA_LABELS = {
    "communication": "Kommunikation och information", "procedures": "Rutiner och riktlinjer",
    "competence": "Kompetens och utbildning", "technology": "Teknik och utrustning",
    "organisation": "Organisation och bemanning", "environment": "Arbetsmiljö och omgivning",
    "patient": "Patientfaktorer", "handover": "Överlämning mellan huvudmännen",
    "responsibility": "Oklart ansvar enligt avtalet"}
DIRECTION_WORDS = {"region_to_kommun": "region → kommun", "kommun_to_region": "kommun → region",
                   "kommun_to_kommun": "kommun → kommun"}


def _learning_tables(learning: dict, T: int) -> list[dict]:
    """Measures, investigations, contributing factors and learning summaries (forum/learning.py)."""
    classes = list(MEASURE_CLASS_LABELS)
    m = learning["measures"]
    found = [_table("measures", "Åtgärder med datum i perioden, efter status",
                    ["Status", "Antal"], [["Alla", m["total"]], *[[MEASURE_CLASS_LABELS[c], m["by_class"][c]]
                                                                  for c in classes]],
                    threshold=T, total=m["total"])]
    headers = [*MEASURE_CLASS_LABELS.values(), "Alla"]
    found.append(_table("measures_organisation", "Åtgärder per ansvarig organisation",
                        ["Organisation", *headers],
                        [[r["name"], *[r[c] for c in classes], r["total"]] for r in m["by_organisation"]],
                        threshold=T, total=m["total"], empty="Inga åtgärder."))
    found.append(_table("measures_clause", "Åtgärder per avtalspunkt", ["Avtalspunkt", *headers],
                        [[r["name"], *[r[c] for c in classes], r["total"]] for r in m["by_clause"]],
                        threshold=T, total=m["total"], empty="Inga åtgärder."))
    inv = learning["investigations"]
    rows = [[inv["period"], inv["opened"], inv["finished"], _days(inv["median_lead_days"])]]
    rows += [[q["period"], q["opened"], q["finished"], _days(q["median_lead_days"])] for q in inv["quarters"] or []]
    found.append(_table("investigations", "Händelseanalyser",
                        ["Period", "Öppnade", "Klara (godkänd rapport)", "Median dagar till godkänd rapport"],
                        rows, threshold=T))
    factors = learning["factors"]
    found.append(_table("factors", "Vanligaste bidragande faktorer per avtalspunkt, åtta kvartal",
                        ["Avtalspunkt", "Område", *factors["quarters"]],
                        [row for c in factors["clauses"] for row in (
                            [[c["clause"], "Alla områden", *c["totals"]]]
                            + [[c["clause"], FACTOR_AREA_LABELS.get(a["area"], a["area"]), *a["quarters"]]
                               for a in c["areas"]])],
                        label_columns=2, threshold=T, empty="Inga godkända händelseanalyser."))
    found.append(_table("summaries", "Lärande exempel", ["Godkänt", "Kategori", "Riktning", "Text"], [
        [s["published_on"], "; ".join(f"{c['label']} ({c['clause']})" if c["clause"] else c["label"]
                                      for c in s["categories"]),
         ", ".join(DIRECTION_WORDS.get(d, d) for d in s["directions"]), s["text"]]
        for s in learning["summaries"]], label_columns=4, threshold=T, empty="Inga lärande exempel i perioden."))
    return found


def _category_table(shown: dict, table) -> dict:
    """The quarter (or year) per category, and beside a quarter its whole previous year:
    a county's quarter is small, the year shows which clause fails."""
    year = shown.get("year") or {}
    by_year = year.get("by_category")
    codes = list(shown["by_category"])
    if by_year:
        codes += [c for c in by_year if c not in codes]
    codes.sort(key=category_label)
    headers = ["Kategori", "Avtalet", "Antal"]
    if by_year is not None:
        headers.append(f"Året {year['period']}")
    rows = []
    for code in codes:
        row = [category_label(code), BY_CODE[code].clause if code in BY_CODE else "—",
               shown["by_category"].get(code, 0)]
        if by_year is not None:
            row.append(by_year.get(code, 0))
        rows.append(row)
    found = table("category", "Per kategori och avtalspunkt", headers, rows, label_columns=2)
    quarter_values = [r[2] for r in rows]
    if by_year is not None and quarter_values and all(v == HIDDEN for v in quarter_values if v != 0) \
            and any(v == HIDDEN for v in quarter_values):
        found["note"] = (all_hidden_note(shown["disclosure"].get("threshold", 5), shown["total"])
                         + f" Kolumnen för året {year['period']} visar vilka avtalspunkter som har flest ärenden.")
    return found
