"""Forms for acknowledging and deciding an escalation. The API validates through them too."""
from wtforms.validators import InputRequired, Length, Optional

from avvikelse.core.fields import Day, LongText, Radio, Text
from avvikelse.core.forms import AppForm
from avvikelse.escalation.models import Decision
from avvikelse.escalation.services import IVO_REFERENCE_MAX, DecisionInput

REASON_MAX = 5000


class AcknowledgeForm(AppForm):
    """Nothing to fill in: the CSRF token is the form."""


class DecisionForm(AppForm):
    decision = Radio("Beslut", [InputRequired("Välj ett beslut.")],
                     choices=[(d.value, d.label) for d in Decision])
    reported_on = Day("Datum för anmälan", [Optional()])
    ivo_reference = Text("IVO:s diarienummer",
                         [Optional(), Length(max=IVO_REFERENCE_MAX, message=f"Högst {IVO_REFERENCE_MAX} tecken.")])
    reason = LongText("Motivering", [Optional(), Length(max=REASON_MAX, message=f"Högst {REASON_MAX} tecken.")])

    def to_input(self) -> DecisionInput:
        return DecisionInput(
            decision=self.decision.data, reported_on=self.reported_on.data,
            ivo_reference=self.ivo_reference.data or None, reason=self.reason.data or None,
        )
