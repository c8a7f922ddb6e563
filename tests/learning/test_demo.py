"""The demo seed shows learning together in every state."""
from sqlalchemy import select

from avvikelse.cases.enums import MeasureStatus, Status
from avvikelse.cases.models import Case, CaseLink, Measure
from avvikelse.core import personnummer
from avvikelse.extensions import db
from avvikelse.learning.enums import InvestigationStatus, SummaryStatus
from avvikelse.learning.models import Investigation, LearningSummary


def test_an_investigation_in_each_state_and_measures_in_each_status(app):
    from avvikelse import demo

    demo.seed()
    states = set(db.session.scalars(select(Investigation.status)))
    assert states == set(InvestigationStatus)
    measures = db.session.scalars(select(Measure)).all()
    assert {m.status for m in measures} == set(MeasureStatus)
    assert any(m.effect_checked_on and m.effect for m in measures)  # effect confirmed
    assert any(m.patient_informed_on for m in measures)
    assert {s.status for s in db.session.scalars(select(LearningSummary))} == set(SummaryStatus)
    assert not any(personnummer.contains(s.text) for s in db.session.scalars(select(LearningSummary)))
    assert db.session.scalar(select(Case.id).where(Case.status == Status.MERGED)) is not None
    assert db.session.scalar(select(CaseLink.id)) is not None
    # The invented cases bypass the events; the seed counts them, so the first nightly
    # recount finds nothing to report.
    from avvikelse.rollups import services as rollups

    assert rollups.recount(repair=False).as_dict()["cells_differing"] == 0
