"""The patient's identity on a case: encrypted at rest, shown only to those entitled.

The sender sees the identity it entered. The receiver sees it only while the sender
shares it: a deliberate act, on a legal basis from the list kept as data (legal_bases),
with the one organisation that receives the case; a redirect to another receiver does
not carry it over, the sender may withdraw it, and a patient with protected personal
data (skyddade personuppgifter) is never shared at all.
"""
from datetime import datetime

from flask import current_app

from avvikelse.cases import legal_bases
from avvikelse.cases.inputs import CaseInput
from avvikelse.cases.models import Case
from avvikelse.core.crypto import FieldCipher


def cipher() -> FieldCipher:
    return current_app.extensions["avvikelse.cipher"]


def attach(case: Case, data: CaseInput, now: datetime) -> None:
    identity = data.patient_id or data.patient_reserve_id
    case.patient_protected = bool(data.patient_protected)
    if identity:
        case.patient_id_encrypted = cipher().encrypt(identity)
        case.patient_blind_index = cipher().blind_index(identity)
        case.patient_id_unvalidated = data.patient_id is None
    if data.patient_shared_basis:
        share(case, data.patient_shared_basis, data.patient_shared_note, now)


def attach_complainant(case: Case, data: CaseInput) -> None:  # before attach(), which may share
    """The complainant's contact details are personal data like the patient's identity:
    encrypted, shown where the identity is, removed with it."""
    if data.complainant_contact:
        case.complainant_contact_encrypted = cipher().encrypt(data.complainant_contact)


def reveal_complainant(case: Case) -> str | None:
    """Decrypt for display; callers must have asked policy.can_see_patient first."""
    if case.complainant_contact_encrypted is None:
        return None
    return cipher().decrypt(case.complainant_contact_encrypted)


def is_shared_with_receiver(case: Case) -> bool:
    return (case.patient_shared_basis is not None and not case.patient_protected
            and case.patient_shared_with_id is not None
            and case.patient_shared_with_id == case.receiver_organisation_id)


def share(case: Case, basis: str, note: str | None, now: datetime) -> None:
    """With the case's receiver, now; the caller checked the rules (rules.py)."""
    case.patient_shared_basis = basis
    case.patient_shared_note = note or None
    case.patient_shared_with_id = case.receiver_organisation.id
    case.patient_shared_at = now


def unshare(case: Case) -> None:
    case.patient_shared_basis = case.patient_shared_note = None
    case.patient_shared_with_id = case.patient_shared_at = None


def protect(case: Case) -> None:
    case.patient_protected = True
    unshare(case)


def basis_label(case: Case) -> str | None:
    basis = legal_bases.by_code(case.patient_shared_basis) if case.patient_shared_basis else None
    return basis.label if basis else case.patient_shared_basis


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
