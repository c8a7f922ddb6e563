"""The case's vocabularies. Codes are English; labels are Swedish through Babel."""
import enum

from flask_babel import lazy_gettext as _l


class Labelled(enum.StrEnum):
    @property
    def label(self) -> str:
        return str(LABELS[self])

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(m.value, m.label) for m in cls]


class Kind(Labelled):
    DEVIATION = "deviation"
    COMPLAINT = "complaint"


class EventType(Labelled):
    ADVERSE_EVENT = "adverse_event"
    NEAR_MISS = "near_miss"
    RISK = "risk"
    COLLABORATION_FAILURE = "collaboration_failure"


class Status(Labelled):
    SUBMITTED = "submitted"
    RECEIVED = "received"
    INVESTIGATING = "investigating"
    AWAITING_INFO = "awaiting_info"
    ANSWERED = "answered"
    DISPUTED = "disputed"
    CLOSED = "closed"
    REDIRECTED = "redirected"
    WITHDRAWN = "withdrawn"
    #: the sender disagreed with the second answer: the joint forum settles it
    IN_FORUM = "in_forum"
    #: a duplicate merged into the case it duplicates: ended; that case carries on (its
    #: clock, its escalation) with both histories, and the forum counts the event once
    MERGED = "merged"


class Activity(Labelled):
    """The activity the case concerns, which decides who oversees it: health care (MAS,
    chefsläkare; Lex Maria) or the kommun's social services under SoL/LSS (SAS; Lex Sarah)."""

    HEALTH_CARE = "health_care"
    SOCIAL_CARE = "social_care"


class Outcome(Labelled):
    """How a closed case ended; a case is never recorded as accepted unless the sender did."""

    ACCEPTED = "accepted"
    CLOSED_WITHOUT_REACTION = "closed_without_reaction"
    SETTLED_IN_FORUM = "settled_in_forum"
    IMPORTED = "imported"


class Complainant(Labelled):
    """Who raised a complaint (klagomål eller synpunkt)."""

    PATIENT = "patient"
    RELATIVE = "relative"
    STAFF = "staff"


class Confirmed(Labelled):
    YES = "yes"
    PARTLY = "partly"
    NO = "no"


class MeasureStatus(Labelled):
    """Where a measure stands (Patientsäkerhetslagen 3 kap. 2 §): planned, under way,
    carried out, or not carried out (with the reason)."""

    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    NOT_DONE = "not_done"


class LinkKind(Labelled):
    """How two cases are linked. `follow_up` has a direction (the case follows up the
    other); the others do not."""

    DUPLICATE = "duplicate"
    SAME_EVENT = "same_event"
    RECURRING = "recurring"
    FOLLOW_UP = "follow_up"


class PatientBasis(Labelled):
    CONSENT = "consent"
    SECRECY_EXCEPTION = "secrecy_exception"


LABELS = {
    Kind.DEVIATION: _l("Avvikelse"),
    Kind.COMPLAINT: _l("Klagomål eller synpunkt"),
    EventType.ADVERSE_EVENT: _l("Negativ händelse"),
    EventType.NEAR_MISS: _l("Tillbud"),
    EventType.RISK: _l("Risk"),
    EventType.COLLABORATION_FAILURE: _l("Brist i samverkan utan patientpåverkan"),
    Status.SUBMITTED: _l("Skickad"),
    Status.RECEIVED: _l("Mottagen"),
    Status.INVESTIGATING: _l("Under utredning"),
    Status.AWAITING_INFO: _l("Väntar på komplettering"),
    Status.ANSWERED: _l("Besvarad"),
    Status.DISPUTED: _l("Bestriden"),
    Status.CLOSED: _l("Avslutad"),
    Status.REDIRECTED: _l("Omdirigerad"),
    Status.WITHDRAWN: _l("Återkallad"),
    Status.IN_FORUM: _l("Hos samverkansforumet"),
    Status.MERGED: _l("Sammanslaget"),
    Activity.HEALTH_CARE: _l("Hälso- och sjukvård"),
    Activity.SOCIAL_CARE: _l("Socialtjänst (SoL/LSS)"),
    Outcome.ACCEPTED: _l("Avsändaren godtog svaret"),
    Outcome.CLOSED_WITHOUT_REACTION: _l("Avslutat utan reaktion från avsändaren"),
    Outcome.SETTLED_IN_FORUM: _l("Avgjort i samverkansforumet"),
    Outcome.IMPORTED: _l("Importerat historiskt ärende"),
    Complainant.PATIENT: _l("Patienten"),
    Complainant.RELATIVE: _l("Närstående"),
    Complainant.STAFF: _l("Personal för patientens räkning"),
    Confirmed.YES: _l("Ja"),
    Confirmed.PARTLY: _l("Delvis"),
    Confirmed.NO: _l("Nej"),
    MeasureStatus.PLANNED: _l("Planerad"),
    MeasureStatus.IN_PROGRESS: _l("Pågår"),
    MeasureStatus.DONE: _l("Genomförd"),
    MeasureStatus.NOT_DONE: _l("Inte genomförd"),
    LinkKind.DUPLICATE: _l("Dubblett"),
    LinkKind.SAME_EVENT: _l("Samma händelse"),
    LinkKind.RECURRING: _l("Återkommande problem"),
    LinkKind.FOLLOW_UP: _l("Uppföljning"),
    PatientBasis.CONSENT: _l("Patientens samtycke"),
    PatientBasis.SECRECY_EXCEPTION: _l("Sekretessbrytande bestämmelse"),
}

#: A case has ended in these: its patient identifier goes after the retention period.
ENDED_STATUSES = (Status.CLOSED, Status.WITHDRAWN, Status.MERGED)
OPEN_STATUSES = frozenset(Status) - set(ENDED_STATUSES)
#: The receiver owes an answer in these, and the answer clock runs (a disputed case owes
#: its second answer): awaiting_info stops it (the sender's delay, not the receiver's),
#: the rest end it.
ANSWER_PENDING = (Status.RECEIVED, Status.INVESTIGATING, Status.DISPUTED)
