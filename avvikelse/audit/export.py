"""CSV of log rows, safe to open in a spreadsheet."""
import csv
import io

from avvikelse.core.clock import to_local

#: a cell starting with one of these is a formula to Excel/LibreOffice (CSV injection)
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")

ACTION_LABELS = {
    "read": "läst", "print": "utskrift", "export": "export", "change": "ändring",
    "denied": "nekad", "search": "sökning i loggen",
    "share": "delade identiteten", "unshare": "slutade dela identiteten",
    "disclose": "identiteten visades för mottagaren",
    "download": "hämtade en bilaga",
}


def neutral(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def via(row) -> str:
    """What a read came through, when it was not one of the case's sides."""
    return f"utredning {row.via_investigation_id}" if row.via_investigation_id else ""


def rows_csv(rows) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(["Tid", "Användare", "HSA-id", "Organisation", "Enhet", "Åtgärd",
                     "Ärende", "Kanal", "Som ersättare för", "Via"])
    for row in rows:
        writer.writerow([neutral(value) for value in (
            to_local(row.at).strftime("%Y-%m-%d %H:%M:%S"),
            row.user.username if row.user else "",
            row.hsa_id or "",
            row.organisation.name if row.organisation else "",
            row.unit.name if row.unit else "",
            ACTION_LABELS.get(row.action, row.action),
            row.case.reference if row.case else (row.target or ""),
            row.channel,
            row.deputy_for.username if row.deputy_for else "",
            via(row),
        )])
    return out.getvalue()


def extract_csv(rows) -> str:
    """The patient's extract: which organisations and units, when, what kind of access."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(["Tid", "Organisation", "Enhet", "Åtgärd"])
    for row in rows:
        writer.writerow([neutral(value) for value in (
            to_local(row.at).strftime("%Y-%m-%d %H:%M"),
            row.organisation.name if row.organisation else "",
            row.unit.name if row.unit else "",
            ACTION_LABELS.get(row.action, row.action),
        )])
    return out.getvalue()
