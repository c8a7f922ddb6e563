"""Exports open, carry protected figures only ("x" for hidden), and neutralise formulas."""
import csv
import io

import pytest
from openpyxl import load_workbook

from avvikelse.extensions import db
from avvikelse.forum import exports, services
from tests.forum.conftest import NOW

HYPERLINK = '=HYPERLINK("http://example.org","klicka")'


@pytest.fixture
def as_forum(client, login, people):
    login(people["forum"])
    return client


@pytest.fixture
def formula_item(forum_cases, people):
    services.raise_case(people["receiver_handler"], forum_cases["c2"],
                        services.ItemInput(title=HYPERLINK, text="+SUM(A1:A2)"), NOW)
    db.session.commit()


@pytest.mark.parametrize("value, expected", [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@x", "'@x"), ("\tx", "'\tx"), ("\rx", "'\rx"),
    ("Krokom", "Krokom"), (5, 5), ("x", "x"),
])
def test_neutralise(value, expected):
    assert exports.neutralise(value) == expected


def test_csv(formula_item, as_forum):
    response = as_forum.get("/forum/export.csv?period=2026Q2")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    cells = [c for row in rows for c in row]
    assert "'" + HYPERLINK in cells and "'+SUM(A1:A2)" in cells
    assert not any(c.startswith(("=", "+", "@")) for c in cells)
    assert ["Antal ärenden", "6", "x"] in rows
    assert "Avtal: Hemsjukvårdsavtalet version 2020 (förlängt i avvaktan på nytt avtal)." in rows[0]
    # the quarter, and beside it the whole previous year (2025: one case)
    assert ["Kategori", "Avtalet", "Antal", "Året 2025"] in rows
    assert ["Utskrivning och informationsöverföring", "§6.1, LUS", "x", "x"] in rows
    assert not any(c.startswith("AV-") for c in cells)


def test_xlsx(formula_item, as_forum):
    response = as_forum.get("/forum/export.xlsx?period=2026Q2")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    values = [c.value for row in sheet.iter_rows() for c in row if c.value is not None]
    assert "'" + HYPERLINK in values
    assert not any(isinstance(v, str) and v.startswith("=") for v in values)
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    assert "x" in values and 6 in values


def test_snapshot_pdf(forum_cases, as_forum, people):
    from pypdf import PdfReader

    snap = services.create_snapshot(people["forum"], services.SnapshotInput(
        period="2026Q2", meeting_on=NOW.date(), notes="Protokollsbilaga"), NOW)
    db.session.commit()
    response = as_forum.get(f"/forum/ogonblicksbilder/{snap.id}.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(response.data))
    assert len(reader.pages) >= 2
    text = "".join(page.extract_text() for page in reader.pages)
    assert "Protokollsbilaga" in text and "Riskmatris" in text
    assert "x = dolt" in text and "\nx\n" in text


def test_unknown_format_is_404(as_forum):
    assert as_forum.get("/forum/export.docx?period=2026Q2").status_code == 404
