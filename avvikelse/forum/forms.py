"""The forum's forms: a snapshot for a meeting, a case brought to the forum, a build."""
from wtforms import HiddenField
from wtforms.validators import DataRequired, InputRequired, Length

from avvikelse.core.fields import Day, LongText, Text
from avvikelse.core.forms import AppForm


class SnapshotForm(AppForm):
    period = HiddenField()
    organisation = HiddenField()
    category = HiddenField()
    kind = HiddenField()
    direction = HiddenField()
    meeting_on = Day("Mötesdatum", validators=[InputRequired("Ange mötets datum.")])
    notes = LongText("Anteckningar", validators=[Length(max=5000, message="Högst 5 000 tecken.")])


class BuildForm(AppForm):
    period = HiddenField()
    organisation = HiddenField()
    category = HiddenField()
    kind = HiddenField()
    direction = HiddenField()


class ItemForm(AppForm):
    title = Text("Rubrik", validators=[DataRequired("Ange en rubrik."),
                                       Length(max=200, message="Högst 200 tecken.")])
    text = LongText("Vad forumet ska ta upp", validators=[
        DataRequired("Skriv vad forumet ska ta upp."), Length(max=5000, message="Högst 5 000 tecken.")])


class ConclusionForm(AppForm):
    """The forum's conclusion on a dispute; it closes the case."""

    conclusion = LongText("Forumets slutsats", validators=[
        DataRequired("Skriv forumets slutsats."), Length(max=5000, message="Högst 5 000 tecken.")])
