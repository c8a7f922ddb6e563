"""CSV and XLSX files that spreadsheet programs open safely, for every export.

Spreadsheet programs run text that starts with = + - @ (or a tab, CR or LF before them) as
a formula: such text gets a leading apostrophe (OWASP's CSV-injection advice), in CSV
and XLSX alike. Numbers are written as numbers.
"""
import csv
import io
from collections.abc import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def neutralise(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def to_csv(lines: Iterable[list]) -> bytes:
    out = io.StringIO()
    # Semicolons and a BOM: what Swedish Excel opens without an import dialogue.
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerows([neutralise(v) for v in line] for line in lines)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(lines: Iterable[list], title: str) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    for line in lines:
        sheet.append([neutralise(v) for v in line])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
