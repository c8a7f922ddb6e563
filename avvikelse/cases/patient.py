"""The patient's identity on a case: encrypted at rest, shown only to those entitled."""
from datetime import datetime

from flask import current_app

from avvikelse.cases.inputs import CaseInput
from avvikelse.cases.models import Case
from avvikelse.core.crypto import FieldCipher


def cipher() -> FieldCipher:
    return current_app.extensions["avvikelse.cipher"]


def attach(case: Case, data: CaseInput, now: datetime) -> None:
    identity = data.patient_id or data.patient_reserve_id
    if not identity:
        return
    case.patient_id_encrypted = cipher().encrypt(identity)
    case.patient_blind_index = cipher().blind_index(identity)
    case.patient_id_unvalidated = data.patient_id is None
    if data.patient_shared_basis:
        case.patient_shared_basis = data.patient_shared_basis
        case.patient_shared_at = now


def reveal(case: Case) -> str | None:
    """Decrypt for display; callers must have asked policy.can_see_patient first."""
    if case.patient_id_encrypted is None:
        return None
    return cipher().decrypt(case.patient_id_encrypted)


def display(canonical: str) -> str:
    """12 digits as ÅÅÅÅMMDD-NNNN; a reservnummer as typed."""
    if len(canonical) == 12 and canonical.isascii() and canonical.isdigit():
        return f"{canonical[:8]}-{canonical[8:]}"
    return canonical
