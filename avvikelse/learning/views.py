"""The learning pages: investigations (/utredningar), measures (/atgarder) and learning
summaries (/larande). A form that fails is shown again with what was typed and 422."""
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from avvikelse.accounts.models import CASE_WORKERS, OVERSEERS
from avvikelse.cases.enums import MeasureStatus
from avvikelse.cases.policy import can_read, get_case_for, log_reads
from avvikelse.core import workdays
from avvikelse.core.clock import now_utc
from avvikelse.core.errors import DomainError, ValidationFailed
from avvikelse.core.fields import apply_errors
from avvikelse.directory.models import Organisation
from avvikelse.extensions import db
from avvikelse.learning import forms, investigations, measures, policy, report, summaries
from avvikelse.learning.enums import RUNNING, InvestigationStatus

bp = Blueprint("learning", __name__)


@bp.before_request
@login_required
def _signed_in():
    """Every learning page needs a signed-in user; each checks its own rule."""


@bp.after_request
def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


def _case_workers_only():
    if not current_user.has_role(*CASE_WORKERS):
        abort(403)


# -- investigations -------------------------------------------------------------------------------

@bp.route("/utredningar")
def investigation_list():
    status = request.args.get("status") or "running"
    if status not in ("running", "finished", "all"):
        abort(400)
    items = investigations.visible_to(current_user, None if status == "all" else status)
    return render_template("learning/investigations.html", items=items, status=status,
                           may_open=current_user.has_role(*OVERSEERS))


@bp.route("/utredningar/ny", methods=["GET", "POST"])
def open_investigation():
    if not current_user.has_role(*OVERSEERS):
        abort(403)
    form = forms.InvestigationPageForm()
    if request.method == "GET" and request.args.get("arende"):
        form.cases.data = request.args["arende"][:20]
    status = 200
    if form.is_submitted():
        status = 422
        if form.validate():
            try:
                inv = investigations.open_investigation(current_user, form.to_input(), now_utc())
            except ValidationFailed as exc:
                apply_errors(form, exc.errors)
            else:
                flash(_("Händelseanalysen (utredning %(id)s) är öppnad.", id=inv.id), "success")
                return redirect(url_for("learning.investigation", investigation_id=inv.id))
    return render_template("learning/open.html", form=form), status


def _forms(inv, failed: str | None = None, form=None) -> dict:
    """Every form of the page, empty, except the one that failed (with what was typed)."""
    made = {
        "participants": forms.ParticipantsPageForm(formdata=None),
        "timeline": forms.TimelineForm(formdata=None),
        "factor": forms.FactorForm(formdata=None),
        "root_cause": forms.RootCauseForm(formdata=None),
        "conclusion": forms.ConclusionForm(formdata=None, conclusion=inv.conclusion or ""),
        "measure": forms.MeasureForm(formdata=None),
        "send_back": forms.NoteForm(formdata=None),
        "close": forms.ReasonForm(formdata=None),
        "summary": forms.SummaryPageForm(formdata=None),
        "confirm": forms.ConfirmForm(formdata=None),
    }
    if failed:
        made[failed] = form
    made["factor"].clause.choices = [("", _("Välj …"))] + [
        (c.code, f"{c.code} {c.title}") for c in investigations.clauses_for(inv)]
    sides = policy.side_organisations(inv)
    orgs = db.session.query(Organisation).filter(Organisation.id.in_(sides)).order_by(Organisation.code).all()
    made["measure"].owner_organisation.choices = [("", _("Er egen organisation"))] + [
        (o.code, o.name) for o in orgs]
    return made


def _render(inv, *, failed: str | None = None, form=None, refusal: str | None = None, status: int = 200):
    user = current_user
    today = workdays.local_date(now_utc())
    readable = {c.id for c in inv.cases if can_read(user, c)}
    return render_template(
        "learning/investigation.html", inv=inv, f=_forms(inv, failed, form), failed=failed, refusal=refusal,
        readable=readable, today=today, is_lead=policy.is_lead(user, inv), can_edit=policy.can_edit(user, inv),
        may_name=policy.may_name(user, inv) and inv.running, is_participant=policy.is_participant(user, inv),
        missing=investigations.missing_parts(inv), draft=inv.status is InvestigationStatus.DRAFT,
        review=inv.status is InvestigationStatus.REVIEW, overdue=inv.running and inv.due_on < today,
        may_summarise=user.has_role(*CASE_WORKERS) and inv.status is InvestigationStatus.APPROVED,
    ), status


@bp.route("/utredningar/<int:investigation_id>")
def investigation(investigation_id: int):
    return _render(investigations.get_for(current_user, investigation_id))


def _act(investigation_id: int, name: str, form, work, done: str, anchor: str = ""):
    """Validate `form`, run `work(inv, form)`; the page again on an error, with 422 or the
    refusal's status; else back to the page with `done`."""
    inv = investigations.get_for(current_user, investigation_id)
    if not form.validate():
        return _render(inv, failed=name, form=form, status=422)
    # Services check everything before they write: an error leaves nothing half-done.
    try:
        work(inv, form)
    except ValidationFailed as exc:
        apply_errors(form, exc.errors)
        return _render(inv, failed=name, form=form, status=422)
    except DomainError as exc:
        return _render(inv, refusal=exc.message, status=exc.status)
    flash(done, "success")
    return redirect(url_for("learning.investigation", investigation_id=investigation_id) + anchor)


@bp.route("/utredningar/<int:investigation_id>/deltagare", methods=["POST"])
def add_participants(investigation_id: int):
    return _act(investigation_id, "participants", forms.ParticipantsPageForm(),
                lambda inv, f: investigations.add_participants(current_user, inv, f.names(), now_utc()),
                _("Deltagarna är tillagda."), "#deltagare")


@bp.route("/utredningar/<int:investigation_id>/gemensam", methods=["POST"])
def make_joint(investigation_id: int):
    return _act(investigation_id, "confirm", forms.ConfirmForm(),
                lambda inv, f: investigations.make_joint(current_user, inv, now_utc()),
                _("Utredningen är gemensam. Den andra sidan namnger sina deltagare."), "#deltagare")


@bp.route("/utredningar/<int:investigation_id>/forlopp", methods=["POST"])
def add_timeline(investigation_id: int):
    return _act(investigation_id, "timeline", forms.TimelineForm(),
                lambda inv, f: investigations.add_timeline(current_user, inv, f.happened_at.data, f.text.data,
                                                           now_utc()),
                _("Händelsen är tillagd i förloppet."), "#forlopp")


@bp.route("/utredningar/<int:investigation_id>/faktor", methods=["POST"])
def add_factor(investigation_id: int):
    return _act(investigation_id, "factor", forms.FactorForm(),
                lambda inv, f: investigations.add_factor(current_user, inv, f.area.data, f.clause.data, f.text.data,
                                                         now_utc()),
                _("Den bidragande faktorn är tillagd."), "#faktorer")


@bp.route("/utredningar/<int:investigation_id>/grundorsak", methods=["POST"])
def add_root_cause(investigation_id: int):
    return _act(investigation_id, "root_cause", forms.RootCauseForm(),
                lambda inv, f: investigations.add_root_cause(current_user, inv, f.text.data, now_utc()),
                _("Grundorsaken är tillagd."), "#grundorsaker")


@bp.route("/utredningar/<int:investigation_id>/slutsats", methods=["POST"])
def set_conclusion(investigation_id: int):
    return _act(investigation_id, "conclusion", forms.ConclusionForm(),
                lambda inv, f: investigations.set_conclusion(current_user, inv, f.conclusion.data, now_utc()),
                _("Slutsatsen är sparad."), "#slutsats")


@bp.route("/utredningar/<int:investigation_id>/ta-bort/<part>/<int:part_id>", methods=["POST"])
def remove_part(investigation_id: int, part: str, part_id: int):
    if part not in investigations.PARTS:
        abort(404)
    return _act(investigation_id, "confirm", forms.ConfirmForm(),
                lambda inv, f: investigations.remove_part(current_user, inv, part, part_id, now_utc()),
                _("Delen är borttagen ur utkastet."))


@bp.route("/utredningar/<int:investigation_id>/lamna", methods=["POST"])
def submit(investigation_id: int):
    return _act(investigation_id, "confirm", forms.ConfirmForm(),
                lambda inv, f: investigations.submit(current_user, inv, now_utc()),
                _("Rapporten är lämnad för godkännande."))


@bp.route("/utredningar/<int:investigation_id>/tillbaka", methods=["POST"])
def send_back(investigation_id: int):
    return _act(investigation_id, "send_back", forms.NoteForm(),
                lambda inv, f: investigations.send_back(current_user, inv, f.note.data, now_utc()),
                _("Rapporten är skickad tillbaka till deltagarna."))


@bp.route("/utredningar/<int:investigation_id>/godkann", methods=["POST"])
def approve(investigation_id: int):
    return _act(investigation_id, "confirm", forms.ConfirmForm(),
                lambda inv, f: investigations.approve(current_user, inv, now_utc()),
                _("Slutrapporten är godkänd. Utredningen är klar."))


@bp.route("/utredningar/<int:investigation_id>/avsluta", methods=["POST"])
def close(investigation_id: int):
    return _act(investigation_id, "close", forms.ReasonForm(),
                lambda inv, f: investigations.close(current_user, inv, f.reason.data, now_utc()),
                _("Utredningen är avslutad utan rapport."))


@bp.route("/utredningar/<int:investigation_id>/atgarder", methods=["POST"])
def add_investigation_measure(investigation_id: int):
    form = forms.MeasureForm()
    inv = investigations.get_for(current_user, investigation_id)
    form.owner_organisation.choices = _forms(inv)["measure"].owner_organisation.choices
    return _act(investigation_id, "measure", form,
                lambda inv, f: measures.add_to_investigation(current_user, inv, f.to_input(), now_utc()),
                _("Åtgärden är tillagd."), "#atgarder")


@bp.route("/utredningar/<int:investigation_id>/rapport.pdf")
def report_pdf(investigation_id: int):
    """De-identified by default; `identitet=1` adds the patient's identity of the cases
    whose patient the reader may identify (each such case logged as a print)."""
    identified = request.args.get("identitet") == "1"
    inv = investigations.get_for(current_user, investigation_id, action="print")
    body = report.pdf(current_user, inv, identified=identified)
    name = f"handelseanalys-{inv.id}{'-identifierad' if identified else ''}.pdf"
    return Response(body, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.route("/utredningar/<int:investigation_id>/larande", methods=["POST"])
def summarise_investigation(investigation_id: int):
    form = forms.SummaryPageForm()

    def work(inv, f):
        if inv.status is not InvestigationStatus.APPROVED:
            raise ValidationFailed({"text": [_("Ett lärande exempel skrivs när slutrapporten är godkänd.")]})
        summaries.create(current_user, f.text.data, [], now_utc(), investigation=inv)

    return _act(investigation_id, "summary", form, work,
                _("Det lärande exemplet väntar på godkännande av båda sidors MAS, SAS eller chefsläkare."))


# -- measures -------------------------------------------------------------------------------------

@bp.route("/atgarder")
def measure_list():
    """The organisation's measures by status and due day."""
    _case_workers_only()
    status = request.args.get("status") or None
    if status is not None and status not in measures.LIST_STATUSES:
        abort(400)
    today = workdays.local_date(now_utc())
    items = measures.of_organisation(current_user.organisation_id, status, today)
    # Measure texts are what people wrote about cases: each case behind the list is read.
    log_reads(current_user, measures.visible_cases(items))
    groups = [(s, [m for m in items if m.status is s]) for s in MeasureStatus] if status is None else None
    return render_template("learning/measures.html", items=items, groups=groups, status=status, today=today,
                           statuses=measures.LIST_STATUSES, overdue=measures.is_overdue)


@bp.route("/atgarder/<int:measure_id>", methods=["GET", "POST"])
def measure(measure_id: int):
    m = measures.get_for(current_user, measure_id)
    form = forms.MeasureUpdateForm() if request.method == "POST" else forms.MeasureUpdateForm(formdata=None)
    status, refusal = 200, None
    if request.method == "POST":
        status = 422
        if form.validate():
            try:
                measures.update(current_user, m, form.to_input(), now_utc())
            except ValidationFailed as exc:
                apply_errors(form, exc.errors)
            except DomainError as exc:
                refusal, status = exc.message, exc.status
            else:
                flash(_("Åtgärden är uppdaterad."), "success")
                return redirect(url_for("learning.measure", measure_id=m.id))
    # What people wrote about the case: a read of it.
    log_reads(current_user, [m.case])
    history = measures.history(m)
    return render_template("learning/measure.html", measure=m, form=form, refusal=refusal, history=history,
                           may_update=policy.can_update_measure(current_user, m),
                           case_visible=can_read(current_user, m.case),
                           overdue=measures.is_overdue(m, workdays.local_date(now_utc()))), status


@bp.route("/arenden/<reference>/atgarder", methods=["POST"])
def add_case_measure(reference: str):
    """A measure added to a case on its own, for the user's organisation: from the case page."""
    from avvikelse.cases import web

    case = get_case_for(current_user, reference)
    form = forms.MeasureForm()
    if form.validate():
        try:
            measures.add_to_case(current_user, case, form.to_input(), now_utc())
        except ValidationFailed as exc:
            apply_errors(form, exc.errors)
        except DomainError as exc:
            return web.render_case(current_user, case, refusal=exc.message, status=exc.status)
        else:
            flash(_("Åtgärden är tillagd."), "success")
            return redirect(url_for("cases.show", reference=case.reference) + "#atgarder-rubrik")
    from flask import g

    g.measure_form = form
    return web.render_case(current_user, case, status=422)


# -- learning summaries ---------------------------------------------------------------------------

@bp.route("/larande")
def summary_list():
    query = (request.args.get("q") or "").strip()[:200]
    found = summaries.published(query, counties=summaries.county_of(current_user))
    return render_template("learning/summaries.html", items=[summaries.shown(s) for s in found],
                           query=query, waiting=summaries.waiting_for(current_user),
                           may_approve=policy.may_approve_summary, confirm=forms.ConfirmForm(formdata=None),
                           may_write=current_user.has_role(*CASE_WORKERS))


@bp.route("/larande/ny", methods=["GET", "POST"])
def new_summary():
    _case_workers_only()
    form = forms.SummaryPageForm()
    if request.method == "GET" and request.args.get("arende"):
        form.cases.data = request.args["arende"][:20]
    status = 200
    if form.is_submitted():
        status = 422
        if form.validate():
            try:
                summaries.create(current_user, form.text.data, form.references(), now_utc())
            except ValidationFailed as exc:
                apply_errors(form, exc.errors)
            else:
                flash(_("Det lärande exemplet väntar på godkännande av båda sidors MAS, SAS eller chefsläkare."),
                      "success")
                return redirect(url_for("learning.summary_list"))
    return render_template("learning/summary_new.html", form=form), status


@bp.route("/larande/<int:summary_id>/godkann", methods=["POST"])
def approve_summary(summary_id: int):
    summary = summaries.get_for(current_user, summary_id)
    if not forms.ConfirmForm().validate():
        abort(400)
    try:
        summaries.approve(current_user, summary, now_utc())
    except DomainError as exc:
        flash(exc.message, "error")
        return redirect(url_for("learning.summary_list"))
    flash(_("Godkänt för er organisation.") if summary.status.value == "pending"
          else _("Godkänt: det lärande exemplet visas nu för alla."), "success")
    return redirect(url_for("learning.summary_list"))


# -- the case page's part ---------------------------------------------------------------------------

@bp.app_template_global("case_learning")
def case_learning(case) -> dict:
    """For templates/learning/_case.html: the case's own measures, the investigations
    covering it (their existence to everyone who sees the case; a link to those who may
    open them), and the forms the user may use."""
    from flask import g

    user = current_user
    found = investigations.of_case(case)
    measure_form = g.get("measure_form")
    if measure_form is None and policy.can_add_case_measure(user, case) and case.status.value not in (
            "withdrawn", "merged"):
        measure_form = forms.MeasureForm(formdata=None)
    return {
        "measures": measures.of_case(case),
        "investigations": [(inv, policy.can_view(user, inv)) for inv in found],
        "measure_form": measure_form,
        "may_open": user.has_role(*OVERSEERS) and not any(
            inv.status in RUNNING and inv.lead_organisation_id == user.organisation_id for inv in found),
        "may_summarise": user.has_role(*CASE_WORKERS) and bool(case.answers),
    }
