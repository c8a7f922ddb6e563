"""An investigation's report as PDF (WeasyPrint, as the forum's), de-identified by default.

The report names the cases by reference, category and clause, never the patient; every
text is masked once more with the personnummer detector (texts are checked when written,
but a report must not depend on that alone). Asked for identified, it adds the patient's
identity of each case whose patient the reader may identify (the case policy's rule),
and the access log records those prints as identified.
"""
from flask import render_template

from avvikelse.accounts.models import User
from avvikelse.audit.services import log_access
from avvikelse.cases import categories, patient
from avvikelse.cases.policy import can_see_patient
from avvikelse.core import personnummer
from avvikelse.learning.enums import InvestigationStatus
from avvikelse.learning.models import Investigation

STYLES = """
@page { size: A4; margin: 20mm 18mm; @bottom-right { content: counter(page) " / " counter(pages); font-size: 8pt; } }
body { font-family: sans-serif; font-size: 10pt; line-height: 1.4; color: #111; }
h1 { font-size: 16pt; margin: 0 0 4mm; } h2 { font-size: 12pt; margin: 6mm 0 2mm; border-bottom: 1px solid #999; }
table { border-collapse: collapse; width: 100%; } th, td { border: 1px solid #bbb; padding: 1.5mm; text-align: left;
vertical-align: top; } .draft { color: #a00; font-weight: bold; } .muted { color: #555; } p { white-space: pre-wrap; }
"""


def masked(text: str | None) -> str:
    return personnummer.mask(text or "") or ""


def context(user: User, inv: Investigation, *, identified: bool = False) -> dict:
    cases = []
    for case in inv.cases:
        shown = categories.of_case(case)
        identity = None
        if identified and case.patient_id_encrypted and can_see_patient(user, case):
            identity = patient.display(patient.reveal(case))
            log_access(user, "print", case=case, identified=True, via_investigation_id=inv.id)
        cases.append({"reference": case.reference, "category": shown.label, "clause": shown.clause,
                      "version": shown.version, "sender": case.sender_organisation.name,
                      "receiver": case.receiver_organisation.name, "identity": identity})
    return {"inv": inv, "cases": cases, "masked": masked, "identified": identified,
            "final": inv.status is InvestigationStatus.APPROVED}


def pdf(user: User, inv: Investigation, *, identified: bool = False) -> bytes:
    from weasyprint import CSS, HTML

    html = render_template("learning/report.html", **context(user, inv, identified=identified))
    return HTML(string=html).write_pdf(stylesheets=[CSS(string=STYLES)])
