"""Categories tied to the agreement's clauses, so the yearly follow-up sees which clause fails.

Kept as data: a new agreement changes this table, not the code that reads it.
"""
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Category:
    code: str
    label: str
    clause: str


CATEGORIES = [
    Category("discharge", _l("Utskrivning och informationsöverföring"), "§6.1, LUS"),
    Category("sip", _l("SIP / samordnad individuell planering"), "§6.1, §7.3"),
    Category("care_contact", _l("Fast vårdkontakt"), "§6.2"),
    Category("medication", _l("Läkemedel och läkemedelshantering"), "§6.4, §7.3, bilaga 10"),
    Category("physician", _l("Läkarmedverkan och tillgänglighet"), "§7.2, bilaga 2"),
    Category("responsibility", _l("Ansvarsfördelning / hemsjukvårdens kriterier"), "§7.3"),
    Category("self_care", _l("Egenvårdsbedömning"), "§4, bilaga 1"),
    Category("equipment", _l("Hjälpmedel, medicinteknik och sjukvårdsmaterial"), "§7.7, bilaga 7–8"),
    Category("purchased", _l("Tjänsteköp"), "§7.5, bilaga 4"),
    Category("hygiene", _l("Vårdhygien"), "bilaga 6"),
    Category("conduct", _l("Bemötande och kommunikation"), "§1, §3"),
    Category("other", _l("Övrigt"), "—"),
]
BY_CODE = {c.code: c for c in CATEGORIES}


def choices() -> list[tuple[str, str]]:
    return [(c.code, f"{c.label}") for c in CATEGORIES]
