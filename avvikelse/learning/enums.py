"""The learning domain's vocabularies. Codes are English; labels Swedish through Babel."""
import enum

from flask_babel import lazy_gettext as _l


class Labelled(enum.StrEnum):
    @property
    def label(self) -> str:
        return str(LABELS[self])

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(m.value, m.label) for m in cls]


class InvestigationStatus(Labelled):
    #: the participants write the parts
    DRAFT = "draft"
    #: handed to the lead, who approves the final report or sends it back
    REVIEW = "review"
    #: the lead approved the final report: the investigation has ended
    APPROVED = "approved"
    #: ended without a report, with the lead's reason
    CLOSED = "closed"


#: the investigation runs: its deadline clock, its participants' reads of the cases
RUNNING = (InvestigationStatus.DRAFT, InvestigationStatus.REVIEW)


class FactorArea(Labelled):
    """Areas of contributing factors, after SKR's and Socialstyrelsen's händelseanalys, and
    the two that only appear between two principals."""

    COMMUNICATION = "communication"
    PROCEDURES = "procedures"
    COMPETENCE = "competence"
    TECHNOLOGY = "technology"
    ORGANISATION = "organisation"
    ENVIRONMENT = "environment"
    PATIENT = "patient"
    HANDOVER = "handover"
    RESPONSIBILITY = "responsibility"


class SummaryStatus(Labelled):
    #: waiting for the overseers of both sides
    PENDING = "pending"
    #: approved by every side: shown to the forum and all staff
    APPROVED = "approved"


#: the forum's classes of a measure: planned (not yet due), done, not done, overdue, and
#: done with its effect confirmed
FORUM_MEASURE_CLASSES = ("planned", "overdue", "done", "effect_confirmed", "not_done")


LABELS = {
    InvestigationStatus.DRAFT: _l("Pågår"),
    InvestigationStatus.REVIEW: _l("Väntar på godkännande"),
    InvestigationStatus.APPROVED: _l("Godkänd"),
    InvestigationStatus.CLOSED: _l("Avslutad utan rapport"),
    FactorArea.COMMUNICATION: _l("Kommunikation och information"),
    FactorArea.PROCEDURES: _l("Rutiner och riktlinjer"),
    FactorArea.COMPETENCE: _l("Kompetens och utbildning"),
    FactorArea.TECHNOLOGY: _l("Teknik och utrustning"),
    FactorArea.ORGANISATION: _l("Organisation och bemanning"),
    FactorArea.ENVIRONMENT: _l("Arbetsmiljö och omgivning"),
    FactorArea.PATIENT: _l("Patientfaktorer"),
    FactorArea.HANDOVER: _l("Överlämning mellan huvudmännen"),
    FactorArea.RESPONSIBILITY: _l("Oklart ansvar enligt avtalet"),
    SummaryStatus.PENDING: _l("Väntar på godkännande"),
    SummaryStatus.APPROVED: _l("Godkänt"),
}

