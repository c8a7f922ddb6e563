"""Forms for acknowledging, deciding and correcting an escalation. The API validates
through them too."""
from wtforms import IntegerField
from wtforms.validators import InputRequired, Length, Optional

from avvikelse.core.fields import Day, LongText, Radio, Text
from avvikelse.core.forms import AppForm
from avvikelse.escalation.decisions import IVO_REFERENCE_MAX, DecisionInput
from avvikelse.escalation.models import Decision, Step

REASON_MAX = 5000


class AcknowledgeForm(AppForm):
    """Nothing to fill in: the CSRF token is the form."""


class DecisionForm(AppForm):
    decision = Radio("Beslut", [InputRequired("Välj ett beslut.")],
                     choices=[(d.value, d.label) for d in Decision])
    step = Radio("Steg", [Optional()], choices=[(s.value, s.label) for s in Step],
                 default=Step.CONCLUDED.value)
    reported_on = Day("Datum för anmälan till IVO", [Optional()])
    ivo_reference = Text("IVO:s diarienummer",
                         [Optional(), Length(max=IVO_REFERENCE_MAX, message=f"Högst {IVO_REFERENCE_MAX} tecken.")])
    reason = LongText("Motivering", [Optional(), Length(max=REASON_MAX, message=f"Högst {REASON_MAX} tecken.")])

    def to_input(self) -> DecisionInput:
        return DecisionInput(
            decision=self.decision.data, step=self.step.data or Step.CONCLUDED.value,
            reported_on=self.reported_on.data, ivo_reference=self.ivo_reference.data or None,
            reason=self.reason.data or None,
        )


class CorrectionForm(AppForm):
    """Correct one step: what is left empty stays as the step had it; the reason is required."""

    step_id = IntegerField("Steg att rätta", [InputRequired("Ange vilket steg som rättas.")])
    decision = Radio("Beslut", [Optional()], choices=[(d.value, d.label) for d in Decision])
    step = Radio("Steg", [Optional()], choices=[(s.value, s.label) for s in Step])
    reported_on = Day("Datum för anmälan till IVO", [Optional()])
    ivo_reference = Text("IVO:s diarienummer",
                         [Optional(), Length(max=IVO_REFERENCE_MAX, message=f"Högst {IVO_REFERENCE_MAX} tecken.")])
    reason = LongText("Varför rättas steget?", [InputRequired("Skriv varför steget rättas."),
                                                 Length(max=REASON_MAX, message=f"Högst {REASON_MAX} tecken.")])

    def to_input(self) -> DecisionInput:
        return DecisionInput(
            decision=self.decision.data or "", step=self.step.data or "",
            reported_on=self.reported_on.data, ivo_reference=self.ivo_reference.data or None,
            reason=self.reason.data or None,
        )
