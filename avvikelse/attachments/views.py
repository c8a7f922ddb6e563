"""The case page's attachment parts: upload (a plain form, no script needed) and download."""
from flask import Blueprint, flash, g, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from avvikelse.attachments import services
from avvikelse.attachments.forms import UploadForm
from avvikelse.attachments.http import file_response
from avvikelse.cases import web
from avvikelse.cases.policy import get_case_for, log_reads
from avvikelse.core.clock import now_utc
from avvikelse.core.errors import DomainError, ValidationFailed
from avvikelse.core.template_helpers import sv_datetime

bp = Blueprint("attachments", __name__)


@bp.before_request
@login_required
def _signed_in():
    """Every attachment page needs a signed-in user."""


@bp.after_request
def _no_store(response):
    response.headers["Cache-Control"] = "no-store, private"
    return response


def upload(reference: str):
    case = get_case_for(current_user, reference)
    form = UploadForm()
    fill_targets(form, case)
    if not services.may_upload(current_user, case):
        return _again(case, form, _("Det går inte att lägga till bilagor i det här ärendet."), 409)
    if not form.validate():
        return _again(case, form, None, 422)
    stored = form.file.data
    message_id, answer_id = form.target_ids()
    upload = services.Upload(filename=stored.filename or "", content_type=stored.mimetype,
                             data=stored.read(), message_id=message_id, answer_id=answer_id)
    try:
        attachment = services.add(current_user, case, upload, now_utc())
    except ValidationFailed as exc:
        for name, messages in exc.errors.items():
            field = form.file if name == "file" else form.target
            field.errors = [*field.errors, *messages]
        return _again(case, form, None, 422)
    except DomainError as exc:  # 413 too large, 415 not a type we take, 409, 503
        return _again(case, form, exc.message, exc.status)
    flash(_("Bilagan %(name)s är uppladdad. Den kan hämtas när virusskanningen är klar.",
            name=attachment.filename), "success")
    return redirect(url_for("cases.show", reference=case.reference) + "#bilagor")


def _again(case, form, message, status):
    """The case page again, the form's errors beside the file field; the choice of what it
    goes with stays as it was (a browser never keeps a chosen file)."""
    if message:
        form.file.errors = [*form.file.errors, message]
    g.attachment_form = form
    return web.render_case(current_user, case, status=status)


def download(reference: str, attachment_id: int):
    """Through the case policy (a read of the case, or a denial), then one access-log row
    "download" for the file itself."""
    case = get_case_for(current_user, reference)
    attachment = services.refuse_unless_downloadable(services.find(case, attachment_id))
    data = services.read(attachment)
    log_reads(current_user, [case], action="download")
    return file_response(attachment, data)


def fill_targets(form: UploadForm, case) -> None:
    """The user's own messages and answers on the case, as choices."""
    choices = [("", _("Ärendet"))]
    for number, message in enumerate(case.messages, start=1):
        if message.author_id == current_user.id:
            choices.append((f"message-{message.id}", _("Meddelande %(n)s (%(at)s)", n=number,
                                                       at=sv_datetime(message.at))))
    for number, answer in enumerate(case.answers, start=1):
        if answer.author_id == current_user.id:
            choices.append((f"answer-{answer.id}", _("Svar %(n)s (%(at)s)", n=number, at=sv_datetime(answer.at))))
    form.target.choices = choices


ROUTES = [
    ("/arenden/<reference>/bilagor", upload, ["POST"]),
    ("/arenden/<reference>/bilagor/<int:attachment_id>", download, ["GET"]),
]

for rule, view, methods in ROUTES:
    bp.add_url_rule(rule, view_func=view, methods=methods)
