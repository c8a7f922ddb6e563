"""CSV, XLSX and PDF of a summary. Every export gets suppressed figures only.

Spreadsheet programs run text that starts with = + - @ (or a tab or CR before them) as
a formula: such text gets a leading apostrophe (OWASP's CSV-injection advice), in CSV
and XLSX alike. Numbers are written as numbers.
"""
import csv
import io

from flask import render_template

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _lines(tables: list[dict], heading: list[str]):
    yield [neutralise(h) for h in heading]
    for table in tables:
        yield []
        yield [neutralise(table["title"])]
        yield [neutralise(h) for h in table["headers"]]
        for row in table["rows"]:
            yield [neutralise(v) for v in row]


def to_csv(tables: list[dict], heading: list[str]) -> bytes:
    out = io.StringIO()
    # Semicolons and a BOM: what Swedish Excel opens without an import dialogue.
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerows(_lines(tables, heading))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(tables: list[dict], heading: list[str]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Sammanställning"
    for line in _lines(tables, heading):
        sheet.append(line)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def to_pdf(context: dict, stylesheet: str) -> bytes:
    """WeasyPrint renders the print template, charts included, for the meeting's minutes."""
    from weasyprint import CSS, HTML

    html = render_template("forum/print.html", **context)
    return HTML(string=html).write_pdf(stylesheets=[CSS(string=stylesheet)])
