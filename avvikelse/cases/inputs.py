"""What a form or the API hands to the services, already typed and shape-checked.

Shape (types, lengths, choices, personnummer format) is the forms' job; rules that need
the directory or the case (sender ≠ receiver, unit of the right organisation, status)
are the services'. Both report errors by the same field names.
"""
from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass
class CaseInput:
    kind: str
    receiver_organisation: str
    occurred_at: datetime
    category: str
    description: str
    immediate_action: str
    consequence: int
    probability: int
    serious: bool = False
    event_type: str = "adverse_event"
    receiver_unit: str | None = None
    sender_unit: str | None = None
    discovered_at: datetime | None = None
    proposal: str | None = None
    reporter_role: str | None = None
    location_type: str | None = None
    care_phase: str | None = None
    #: canonical 12-digit personnummer / samordningsnummer, already validated
    patient_id: str | None = None
    #: a reservnummer that cannot be validated
    patient_reserve_id: str | None = None
    #: a code of legal_bases; with a note when the basis asks for one
    patient_shared_basis: str | None = None
    patient_shared_note: str | None = None
    #: skyddade personuppgifter: the identity is never shared
    patient_protected: bool = False
    #: health_care (default) or social_care: decides MAS/chefsläkare or SAS
    activity: str = "health_care"
    #: a complaint: who raised it and how to reach them
    complainant: str | None = None
    complainant_contact: str | None = None
    #: set by the filing form; the same key twice means the same case
    submission_key: str | None = None


@dataclass
class MeasureInput:
    text: str
    owner: str
    due_on: date


@dataclass
class ActionInput:
    """The payload of one action; which fields matter depends on the action."""

    note: str | None = None
    unit: str | None = None
    organisation: str | None = None
    confirmed: str | None = None
    analysis: str | None = None
    patient_informed: bool | None = None
    measures: list[MeasureInput] = field(default_factory=list)
    #: share_identity: a code of legal_bases
    basis: str | None = None
    #: reclassify: the new values (None: unchanged)
    consequence: int | None = None
    probability: int | None = None
    category: str | None = None
    activity: str | None = None
    #: direct_contact: with whom and when
    with_whom: str | None = None
    at: datetime | None = None
    #: acknowledge_complaint, reply_to_complainant: the day it happened
    on: date | None = None
    #: assign: the username of the handler who is to own the case
    owner: str | None = None
    #: merge: the reference of the case this one duplicates (and goes into)
    into: str | None = None
