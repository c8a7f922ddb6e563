"""The upload form on the case page: a file, and what it goes with."""
from flask_wtf.file import FileField, FileRequired
from wtforms.validators import Optional

from avvikelse.core.fields import Choice
from avvikelse.core.forms import AppForm


class UploadForm(AppForm):
    file = FileField("Fil", [FileRequired("Välj en fil att bifoga.")])
    #: "" (the case), "message-<id>" or "answer-<id>": one of the uploader's own
    target = Choice("Bilagan hör till", [Optional()], validate_choice=False,
                    choices=[("", "Ärendet")])

    def target_ids(self) -> tuple[int | None, int | None]:
        kind, _, number = (self.target.data or "").partition("-")
        if not number.isdigit() or kind not in ("message", "answer"):
            return None, None
        return (int(number), None) if kind == "message" else (None, int(number))
