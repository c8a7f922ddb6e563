"""CSV, XLSX and PDF of a summary. Every export gets suppressed figures only; formulas
are neutralised as in every export (core/spreadsheets.py)."""
from flask import render_template

from avvikelse.core import spreadsheets
from avvikelse.core.spreadsheets import neutralise  # noqa: F401  (what the forum's tests check)


def lines(tables: list[dict], heading: list[str]):
    """A heading, then each table: its title, its headers, its rows."""
    yield heading
    for table in tables:
        yield []
        yield [table["title"]]
        yield table["headers"]
        yield from table["rows"]


def to_csv(tables: list[dict], heading: list[str]) -> bytes:
    return spreadsheets.to_csv(lines(tables, heading))


def to_xlsx(tables: list[dict], heading: list[str]) -> bytes:
    return spreadsheets.to_xlsx(lines(tables, heading), "Sammanställning")


def to_pdf(context: dict, stylesheet: str) -> bytes:
    """WeasyPrint renders the print template, charts included, for the meeting's minutes."""
    from weasyprint import CSS, HTML

    html = render_template("forum/print.html", **context)
    return HTML(string=html).write_pdf(stylesheets=[CSS(string=stylesheet)])
