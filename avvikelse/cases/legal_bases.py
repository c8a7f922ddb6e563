"""The legal bases for sharing a patient's identity across the boundary, as data.

Under OSL the identity may leave the sender's organisation only with the patient's
consent or under a secrecy-breaking provision. These are the defaults every installation
starts with (the migration and the seeds insert them); a county adds or retires rows.
The codes `consent` and `secrecy_exception` are what the API has always accepted.
"""
from sqlalchemy import select

from avvikelse.cases.enums import PatientBasis
from avvikelse.cases.models import LegalBasis
from avvikelse.core.sql import upsert
from avvikelse.extensions import db

DEFAULTS = [
    # code, kind, label, note required
    ("consent", PatientBasis.CONSENT,
     "Patientens samtycke (OSL 12 kap. 2 §)", False),
    ("osl-10-2", PatientBasis.SECRECY_EXCEPTION,
     "Nödvändigt för att fullgöra vår verksamhet (OSL 10 kap. 2 §)", False),
    ("osl-10-28", PatientBasis.SECRECY_EXCEPTION,
     "Uppgiftsskyldighet enligt lag eller förordning (OSL 10 kap. 28 §)", True),
    ("secrecy_exception", PatientBasis.SECRECY_EXCEPTION,
     "Annan sekretessbrytande bestämmelse (ange vilken)", True),
]


def ensure_defaults() -> None:
    """Idempotent: adds the default bases that are missing, changes none that exist."""
    rows = [dict(code=code, kind=kind.value, label=label, note_required=note, position=i, active=True)
            for i, (code, kind, label, note) in enumerate(DEFAULTS)]
    db.session.execute(upsert(LegalBasis).values(rows).on_conflict_do_nothing())


def active() -> list[LegalBasis]:
    return list(db.session.scalars(
        select(LegalBasis).where(LegalBasis.active).order_by(LegalBasis.position, LegalBasis.code)))


def choices() -> list[tuple[str, str]]:
    return [(b.code, b.label) for b in active()]


def by_code(code: str | None) -> LegalBasis | None:
    if not isinstance(code, str) or not code or len(code) > 32 or "\x00" in code:
        return None
    basis = db.session.get(LegalBasis, code)
    return basis if basis is not None and basis.active else None
