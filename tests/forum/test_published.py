"""What the forum publishes: every surface hides the same figures; shares, medians and
all-hidden tables; the previous year beside a quarter; one filter at a time; snapshots
from before; and personnummer masked in the forum's free text everywhere."""
import csv
import html
import io
import re
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from avvikelse.cases.categories import BY_CODE
from avvikelse.directory.services import organisation_by_code
from avvikelse.extensions import db
from avvikelse.forum import services, tables
from avvikelse.forum.filters import DIRECTION_LABELS, Filters
from avvikelse.forum.models import ForumItem, Snapshot
from avvikelse.forum.periods import Period
from tests.forum.conftest import NOW

VIEWS = [{}, {"organisation": "2309"}, {"category": "discharge"}, {"kind": "complaint"},
         {"direction": "kommun_to_region"}]


@pytest.fixture
def as_forum(client, login, people):
    login(people["forum"])
    return client


# -- one pattern on every surface --------------------------------------------------------

def _key_figures(by_title: dict[str, list[list]]) -> dict:
    """The figures every surface has in common, by meaning: total, direction, kind,
    category, trend. Labels back to codes, cells as text."""
    labels = {str(v): k for k, v in DIRECTION_LABELS.items()}
    labels |= {v: k for k, v in tables.KIND_LABELS.items()} | {str(c.label): c.code for c in BY_CODE.values()}
    found = {}
    for row in by_title.get("Översikt", []):
        if row[0] == "Antal ärenden":
            found["total"] = str(row[1])
    for title, prefix in (("Riktning", "direction"), ("Per typ", "kind"), ("Per kategori och avtalspunkt", "category"),
                          ("Trend, åtta kvartal", "trend")):
        for row in by_title.get(title, []):
            column = 2 if prefix == "category" else 1
            found[(prefix, labels.get(row[0], row[0]))] = str(row[column])
    return found


def _from_api(summary: dict) -> dict:
    found = {"total": str(summary["total"])}
    for prefix, field in (("direction", "by_direction"), ("kind", "by_kind"), ("category", "by_category")):
        for code, value in (summary[field] or {}).items():
            found[(prefix, code)] = str(value)
    for t in summary["trend"]:
        found[("trend", t["period"])] = str(t["total"])
    return found


def _html_tables(page: str) -> dict[str, list[list]]:
    found = {}
    for title, body in re.findall(r'<h2 id="avsnitt-[^"]+">(.*?)</h2>.*?<tbody>(.*?)</tbody>', page, re.DOTALL):
        rows = [[html.unescape(c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", tr, re.DOTALL)]
                for tr in re.findall(r"<tr>(.*?)</tr>", body, re.DOTALL)]
        found[html.unescape(title)] = rows
    return found


def _blocks(lines: list[list]) -> dict[str, list[list]]:
    """CSV/XLSX: a title line, a header line, rows; blank lines between tables."""
    found, title, header = {}, None, False
    for line in lines:
        cells = ["" if c is None else str(c) for c in line]
        if not any(cells):
            title, header = None, False
        elif title is None:
            title, header = cells[0], True
            found[title] = []
        elif header:
            header = False
        else:
            found[title].append(cells)
    return found


def _common(expected: dict, found: dict, surface: str) -> None:
    assert found, surface
    for key, value in expected.items():
        if key[0] in ("category",) and key not in found and value == "0":
            continue
        assert found.get(key) == value, (surface, key, found.get(key), value)


@pytest.mark.parametrize("view", VIEWS)
def test_every_surface_hides_the_same_figures(forum_cases, as_forum, api, people, view):
    query = {"period": "2026Q2", **view}
    expected = _from_api(api(people["forum"]).get("/forum/summary", **query).json)
    assert "x" in expected.values()  # something to agree on
    _common(expected, _key_figures(_html_tables(as_forum.get("/forum/", query_string=query).get_data(as_text=True))),
            "page")
    text = as_forum.get("/forum/export.csv", query_string=query).data.decode("utf-8-sig")
    _common(expected, _key_figures(_blocks(list(csv.reader(io.StringIO(text), delimiter=";")))), "csv")
    sheet = load_workbook(io.BytesIO(as_forum.get("/forum/export.xlsx", query_string=query).data)).active
    _common(expected, _key_figures(_blocks([[c.value for c in row] for row in sheet.iter_rows()])), "xlsx")
    pdf = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(
        as_forum.get("/forum/export.pdf", query_string=query).data)).pages).splitlines()
    for (prefix, code), value in ((k, v) for k, v in expected.items() if k[0] in ("direction", "kind")):
        title = pdf.index("Riktning" if prefix == "direction" else "Per typ")
        label = DIRECTION_LABELS[code] if prefix == "direction" else tables.KIND_LABELS[code]
        row = next(line for line in pdf[title:] if line.startswith(f"{label} "))
        assert row[len(str(label)):].split()[0] == value, ("pdf", code, row)
    # a snapshot keeps the same pattern, on its page and in the API
    form = {"period": "2026Q2", "meeting_on": "2026-09-10", **view}
    location = as_forum.post("/forum/ogonblicksbilder", data=form).headers["Location"]
    _common(expected, _key_figures(_html_tables(as_forum.get(location).get_data(as_text=True))), "snapshot")
    snap_id = int(location.rsplit("/", 1)[1])
    _common(expected, _from_api(api(people["forum"]).get(f"/forum/snapshots/{snap_id}").json["summary"]),
            "snapshot api")


def test_builds_store_what_the_page_shows(forum_cases, as_forum, api, people):
    from avvikelse.forum.models import Build
    from workers.forum import build_summary

    as_forum.post("/forum/bygg", data={"period": "2026Q2", "kind": "complaint"})
    build = db.session.query(Build).one()
    build_summary.run(build.id)
    db.session.expire_all()
    stored = services.api_summary(db.session.get(Build, build.id).figures)
    live = api(people["forum"]).get("/forum/summary", period="2026Q2", kind="complaint").json
    assert stored == live


# -- shares, medians, hidden tables ---------------------------------------------------------

def test_shares_and_medians_over_few_cases_hide(forum_cases, as_forum):
    page = _html_tables(as_forum.get("/forum/?period=2026Q2").get_data(as_text=True))
    overview = {row[0]: row[1:] for row in page["Översikt"]}
    # four answered cases: their median (21,5 days) and share in time (50 %) hide
    assert overview["Mediantid till svar (dagar)"][0] == "x"
    assert overview["Andel besvarade i tid"][0] == "x"


def test_a_share_hides_with_its_numerator_and_a_median_shows_over_enough(forum_cases, new_case, people):
    from tests.forum.conftest import local

    for day in (2, 3):  # two more answered in time: six answered, four of them in time
        case = new_case(category="hygiene")
        case.sender_organisation_id = organisation_by_code("2309").id
        case.receiver_organisation_id = organisation_by_code("23").id
        case.reported_at = case.received_at = local(5, day, 9)
        case.due_at, case.answered_at = local(6, day, 9), local(5, day + 5, 9)
    db.session.commit()
    shown = services.published(Period(2026, 2), Filters(), NOW)
    assert shown["answered"] == 6 and shown["answered_in_time"] == "x"
    assert isinstance(shown["median_answer_days"], float)
    assert shown["answered_in_time_share"] == "x"


def test_all_hidden_chart_and_table_say_so(forum_cases, as_forum):
    page = as_forum.get("/forum/?period=2026Q2").get_data(as_text=True)
    category = re.search(r'<section[^>]*aria-labelledby="avsnitt-category".*?</section>', page, re.DOTALL).group(0)
    assert "Inga ärenden" not in category
    assert "Alla värden dolda" in category  # the chart, which has no bar to draw
    assert "Alla värden i tabellen är dolda" in category and "Perioden hade 6 ärenden." in category
    kommun = re.search(r'<section[^>]*aria-labelledby="avsnitt-kommun".*?</section>', page, re.DOTALL).group(0)
    assert "Alla värden dolda" in kommun


def test_an_empty_period_still_says_no_cases(as_forum):
    page = as_forum.get("/forum/?period=2019").get_data(as_text=True)
    assert "Inga ärenden" in page and "Alla värden dolda" not in page


def test_the_previous_year_beside_a_quarter(forum_cases, new_case, as_forum, api, people):
    """A county's quarter is small: beside it the whole previous year, the year page's
    own figures, shows which clause fails."""
    for day in range(6):
        case = new_case(category="hygiene")
        case.reported_at = NOW.replace(year=2025, month=5, day=day + 1)
    db.session.commit()
    quarter = services.published(Period(2026, 2), Filters(), NOW)
    assert quarter["year"]["period"] == "2025"
    assert quarter["year"]["by_category"]["hygiene"] == 6
    assert quarter["by_category"].get("hygiene", 0) == 0
    year = services.published(Period(2025), Filters(), NOW)
    assert year["by_category"] == quarter["year"]["by_category"]
    rows = _html_tables(as_forum.get("/forum/?period=2026Q2").get_data(as_text=True))["Per kategori och avtalspunkt"]
    assert ["Vårdhygien", "bilaga 6", "0", "6"] in rows


# -- filters --------------------------------------------------------------------------------------

def test_the_page_offers_one_filter_and_refuses_two(forum_cases, as_forum):
    page = as_forum.get("/forum/?period=2026Q2&filter=organisation:2309").get_data(as_text=True)
    assert '<select id="f-filter" name="filter"' in page and not re.search(r'<select[^>]*name="organisation"', page)
    assert '<option value="organisation:2309" selected>' in page
    assert "Krokoms kommun" in page
    two = as_forum.get("/forum/?period=2026Q2&organisation=2309&kind=deviation")
    assert two.status_code == 422 and "Välj ett filter åt gången" in two.get_data(as_text=True)
    assert as_forum.get("/forum/export.csv?period=2026Q2&organisation=2309&kind=deviation").status_code == 422


# -- snapshots saved before disclosure control --------------------------------------------------

def test_an_old_snapshot_hides_every_count(forum_cases, as_forum, api, people):
    raw = services.summary(Period(2026, 2), Filters(), NOW) | {"items": []}
    # (the migration that made counties data gave old snapshots the one county's code)
    snap = Snapshot(period="2026Q2", meeting_on=date(2026, 9, 1), notes="", filters={}, figures=raw,
                    created_at=NOW, created_by_id=people["forum"].id, county_code="23")
    db.session.add(snap)
    db.session.commit()
    summary = api(people["forum"]).get(f"/forum/snapshots/{snap.id}").json["summary"]
    assert summary["total"] == "x" and summary["median_answer_days"] == "x"
    assert set(summary["by_category"].values()) == {"x"}
    page = as_forum.get(f"/forum/ogonblicksbilder/{snap.id}").get_data(as_text=True)
    assert "<td>6</td>" not in page and "<td>x</td>" in page


# -- personnummer in the forum's free text ------------------------------------------------------

NUMBERS = ("19121212-1212", "201212121212", "191212121212")


def test_personnummer_in_forum_text_is_masked_everywhere(forum_cases, as_forum, api, people):
    # An item written before the forum refused numbers (or imported): its text reaches
    # the forum only through the one detector's mask.
    db.session.add(ForumItem(case_id=forum_cases["c2"].id, author_id=people["receiver_handler"].id,
                             created_at=NOW - timedelta(days=90), period="2026Q2",
                             title=f"Gäller {NUMBERS[0]}", text=f"Även {NUMBERS[1]} och {NUMBERS[2]}."))
    db.session.commit()
    snap = services.create_snapshot(people["forum"], services.SnapshotInput(
        period="2026Q2", meeting_on=NOW.date()), NOW)
    db.session.commit()
    surfaces = {
        "page": as_forum.get("/forum/?period=2026Q2").get_data(as_text=True),
        "csv": as_forum.get("/forum/export.csv?period=2026Q2").data.decode("utf-8-sig"),
        "xlsx": "\n".join(str(c.value) for row in load_workbook(io.BytesIO(
            as_forum.get("/forum/export.xlsx?period=2026Q2").data)).active.iter_rows() for c in row),
        "pdf": "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(
            as_forum.get("/forum/export.pdf?period=2026Q2").data)).pages),
        "snapshot page": as_forum.get(f"/forum/ogonblicksbilder/{snap.id}").get_data(as_text=True),
        "snapshot pdf": "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(
            as_forum.get(f"/forum/ogonblicksbilder/{snap.id}.pdf").data)).pages),
        "api": str(api(people["forum"]).get(f"/forum/snapshots/{snap.id}").json["items"]),
    }
    for name, text in surfaces.items():
        flat = re.sub(r"\s+", "", text)
        assert not any(n.replace("-", "") in flat.replace("-", "") for n in NUMBERS), name
        assert "[personnummer]" in text, name


def test_the_one_detector_masks_valid_numbers_only():
    from avvikelse.core.personnummer import mask

    assert mask("Gäller 19121212-1212.") == "Gäller [personnummer]."
    assert mask("201212121212 / 121212-1212 / 19121212 - 1212") == (
        "[personnummer] / [personnummer] / [personnummer]")
    # a wrong check digit, an impossible date, a phone number: not personnummer
    assert mask("19121212-1213, 20261301-1234, 070-1234567") == "19121212-1213, 20261301-1234, 070-1234567"
