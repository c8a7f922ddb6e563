"""What the case pages need besides the services: choices, counts, the case page."""
from dataclasses import dataclass
from functools import cache
from typing import NamedTuple

from flask import Flask, current_app, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape
from sqlalchemy import and_, bindparam, func, select, union
from sqlalchemy.orm import aliased

from avvikelse import agreements
from avvikelse.accounts.models import CASE_WORKERS, User
from avvikelse.agreements import rules as agreement_rules
from avvikelse.agreements.rules import local_day
from avvikelse.audit import queries as access_log
from avvikelse.cases import categories, legal_bases, links, owners, oversight, patient, risk, vocabulary
from avvikelse.cases.enums import OPEN_STATUSES, Status
from avvikelse.cases.forms import ACTION_FORMS, LinkForm, MessageForm
from avvikelse.cases.models import Case
from avvikelse.cases.policy import can_read, can_see_patient, sides
from avvikelse.cases.policy import grant_for as policy_grant
from avvikelse.cases.queries import awaiting_answer, list_branches, list_form, list_values
from avvikelse.cases.services import available_actions
from avvikelse.cases.transitions import TRANSITIONS, Action, Side
from avvikelse.core import marker
from avvikelse.core.template_helpers import choices_key
from avvikelse.directory.models import Organisation, OrgKind
from avvikelse.directory.services import active_units, organisation_by_code, receivers, receivers_by_county
from avvikelse.extensions import db


#: How the history names the changes that are not transitions (cases/changes.py).
HISTORY_LABELS = {
    "file": _l("Rapporterad"),
    "import": _l("Importerat historiskt ärende"),
    "deidentify": _l("Avidentifierat efter bevarandetiden"),
    "escalation_opened": _l("Eskalerat"),
    "escalation_acknowledged": _l("Eskaleringen kvitterad"),
    "escalation_decided": _l("Beslut registrerat"),
    "attach": _l("Bilaga tillagd"),
    "move_unit": _l("Flyttat till efterträdande enhet"),
    "link": _l("Länkat"),
    "merge_in": _l("Dubblett sammanslagen hit"),
    "measure": _l("Åtgärd"),
    "investigation_opened": _l("Händelseanalys öppnad"),
    "investigation_finished": _l("Händelseanalys avslutad"),
}

#: Counts on list pages stop here ("1 000+"): an exact count reads every row of the box,
#: and the page must cost the same at 100 000 cases as at 1 000 (bench/inbox.py).
COUNT_CAP = 1000
#: The counts beside each status in the filter are hints and stop sooner ("100+"): eight
#: of them are read for every list page.
STATUS_COUNT_CAP = 100


def _capped(where, cap: int | None = None):
    """COUNT over at most cap + 1 rows: exact below the cap, cap + 1 above."""
    inner = select(Case.id).where(where).limit((cap or COUNT_CAP) + 1).subquery()
    return select(func.count()).select_from(inner).scalar_subquery()


def count_open(user: User, box: str, owner: int | None = None) -> int:
    """The box's open cases, for the start page: capped at COUNT_CAP (+1 meaning "more").
    Built once per list form, as box_counts' statements are."""
    stmt = _open_statement(list_form(user, box, owner), COUNT_CAP)
    return db.session.scalar(stmt, list_values(user, owner)) or 0


@cache
def _open_statement(form: tuple, cap: int):
    return select(_capped_union(list_branches(form), [Case.status.in_(OPEN_STATUSES)], cap))


def may_own_cases(user: User) -> bool:
    """Whether "Mina ärenden" and the bulk actions concern this person: a case worker."""
    return user.has_role(*CASE_WORKERS) and not user.is_integration


def organisation_groups(exclude: set[int] = frozenset(), own_county: str | None = None) -> list[tuple[str, list]]:
    """The organisations a case may go to, for a select, as (code, name): in one county,
    the region(s), then the kommuner; with several counties running, one group per
    county, the user's own first. Two statements whatever the directory holds."""
    found = [(o, county) for o, county in receivers_by_county() if o.id not in exclude]
    orgs = [o for o, _county in found]
    names = {o.county_code: county for o, county in found}
    by_county: dict[str | None, list[Organisation]] = {}
    for org in orgs:
        by_county.setdefault(org.county_code, []).append(org)
    if len(by_county) <= 1:
        return [
            (label, [(o.code, o.name) for o in orgs if o.kind in kinds])
            for label, kinds in ((_("Region"), (OrgKind.REGION, OrgKind.BOTH)), (_("Kommuner"), (OrgKind.KOMMUN,)))
            if any(o.kind in kinds for o in orgs)
        ]
    order = sorted(by_county, key=lambda code: (code != own_county, code or ""))
    return [(names.get(code, code or _("Övriga")), [(o.code, o.name) for o in by_county[code]]) for code in order]


def receiving_units(code: str | None, exclude_org: int | None = None) -> list | None:
    """The chosen receiving organisation's active units, or None when no organisation a
    case may go to is chosen: one statement for the organisation, one for its units."""
    org = organisation_by_code(code) if code else None
    if org is None or not org.active or org.id == exclude_org:
        return None
    return active_units(org)


def scale_labels(labels: dict) -> dict:
    """"2 – Måttlig" for a radio: the number is what the matrix multiplies."""
    return {k: f"{k} – {v}" for k, v in labels.items()}


def sender_units(user: User) -> list:
    """A user reports from their units; one with none (an intake) from any of the org's."""
    units = user.units or user.organisation.units
    return [u for u in units if u.active]


class ShownUnit(NamedTuple):
    code: str
    name: str


@dataclass(frozen=True)
class FormData:
    """What the filing form shows of the directory and the agreement in force for one
    organisation on one day, in one language: plain values, kept per process."""

    #: the version in force (None: no agreement applies), for the category select's hint
    agreement: str | None
    version: str | None
    standing: str | None
    serious_consequence_min: int
    serious_risk_min: int
    categories: list  # [("", placeholder), (code, "label (clause)"), …]
    legal_bases: list  # [("", "Dela inte"), (code, label), …]
    organisation_groups: list
    consequence_labels: dict
    probability_labels: dict
    #: the fragments' keys, from the choices themselves (other data, another fragment)
    receivers_key: tuple
    categories_key: tuple


#: Kept per app and marker token, in stores apart (name: limit); past its limit a store
#: starts over. Per person, only their few units; the forms are some 20 kB each.
_STORES = {"avvikelse.form_data": 1024, "avvikelse.sender_units": 20_000, "avvikelse.blank_forms": 256}


def _kept(token: str | None, key: tuple, build, store_name: str = "avvikelse.form_data"):
    """build() kept under the directory marker's token (marker.kept)."""
    return marker.kept(token, key, build, store_name, _STORES[store_name])


def form_data(user: User, now, token: str | None) -> FormData:
    """The filing form's directory and agreement data for the user's organisation today."""
    day = local_day(now)
    key = (user.organisation_id, day, str(get_locale()))
    return _kept(token, key, lambda: _build_form_data(user, day))


def _build_form_data(user: User, day) -> FormData:
    rules = agreements.rules_at(day, user.organisation)
    version = rules.version
    shown = categories.offered(version)
    groups = organisation_groups({user.organisation_id}, user.organisation.county_code)
    return FormData(
        agreement=version.agreement.short_name if version is not None else None,
        version=version.name if version is not None else None,
        standing=(agreement_rules.standing(version, day, in_force=True).label
                  if version is not None else None),
        serious_consequence_min=rules.serious_consequence_min,
        serious_risk_min=rules.serious_risk_min,
        categories=[("", _("Välj …")), *shown],
        legal_bases=[("", _("Dela inte")), *legal_bases.choices()],
        organisation_groups=groups,
        consequence_labels=scale_labels(risk.CONSEQUENCE_LABELS),
        probability_labels=scale_labels(risk.PROBABILITY_LABELS),
        receivers_key=choices_key(groups),
        categories_key=choices_key(shown),
    )


def kept_sender_units(user: User, token: str | None) -> list[ShownUnit]:
    """sender_units as (code, name), kept per user under the marker's token: a change of
    the person's units or organisation, or of a unit, replaces the token."""
    return _kept(token, user.id, lambda: [ShownUnit(u.code, u.name) for u in sender_units(user)],
                 "avvikelse.sender_units")


#: Where a kept blank form takes this request's values: NUL, which no template writes and
#: no escaped value carries, around the value's name.
_MARK = "\x00"
BLANK_FORM_MARKS = {name: f"{_MARK}{name}{_MARK}" for name in ("key", "user", "csrf")}


def kept_blank_form(token: str | None, user: User, now, units: list, render, values: dict) -> Markup:
    """The blank filing form's HTML: render(BLANK_FORM_MARKS) kept per process under the
    directory marker's token, for the organisation, the Swedish day, the language and the
    person's sender units (all it reads besides the marks), split at its marks; each
    request joins the parts with its own values, escaped (`values`, and the CSRF token
    when the form has one). Rendered afresh while templates reload (development)."""
    if current_app.jinja_env.auto_reload:
        token = None
    key = (user.organisation_id, local_day(now), str(get_locale()), request.script_root, tuple(units))
    parts = _kept(token, key, lambda: _split(render(BLANK_FORM_MARKS)), "avvikelse.blank_forms")
    if parts is None:  # a NUL in the data itself: no marks to trust, so no kept copy
        # an autoescaped template's output, as render_template returns it to a view
        return Markup(render({**values, "csrf": generate_csrf()}))  # noqa: S704  # nosec B704
    filled = dict(values)
    if "csrf" in parts[1::2]:
        filled["csrf"] = generate_csrf()
    html = "".join(part if i % 2 == 0 else str(escape(filled[part])) for i, part in enumerate(parts))
    # the template's autoescaped output, with this request's values escaped
    return Markup(html)  # noqa: S704  # nosec B704


def _split(html: str) -> list[str] | None:
    parts = str(html).split(_MARK)
    if len(parts) % 2 == 0 or any(name not in BLANK_FORM_MARKS for name in parts[1::2]):
        return None
    return parts


def build_action_forms(user: User, case: Case, failed: Action | None = None, form=None) -> list:
    """One form per action the user may take now. Only the failed one carries posted data:
    the others are built empty, or they would all bind to the same request form."""
    forms = []
    for action in available_actions(user, case):
        if action.value not in ACTION_FORMS:
            continue
        bound = form if action is failed else ACTION_FORMS[action.value](formdata=None)
        _fill_choices(action, case, bound)
        forms.append((TRANSITIONS[action], bound))
    return forms


def _fill_choices(action: Action, case: Case, form) -> None:
    if action is Action.FORWARD:
        units = [u for u in case.receiver_organisation.units
                 if u.active and u.id != case.receiver_unit_id]
        form.unit.choices = [("", _("Välj …"))] + [(u.code, u.name) for u in units]
    elif action is Action.ASSIGN:
        form.owner.choices = [("", _("Välj …"))] + [
            (u.username, owners.name(u)) for u in owners.candidates(case) if u.id != case.owner_id]
    elif action is Action.SHARE_IDENTITY:
        form.basis.choices = [("", _("Välj …"))] + legal_bases.choices()
    elif action is Action.MERGE:
        duplicates = [o for o in links.duplicate_of(case) if o.status in OPEN_STATUSES]
        if len(duplicates) == 1 and not form.into.data:
            form.into.data = duplicates[0].reference
    elif action is Action.REDIRECT:
        skip = {case.sender_organisation_id, case.receiver_organisation_id}
        form.organisation.choices = [("", _("Välj …"))] + [
            (o.code, o.name) for o in receivers() if o.id not in skip
        ]


def render_case(user: User, case: Case, *, failed=None, form=None, message_form=None,
                refusal: str | None = None, status: int = 200, printing: bool = False, link_form=None):
    visible_patient = None
    if case.patient_id_encrypted and can_see_patient(user, case):
        visible_patient = patient.display(patient.reveal(case))
    mine = sides(user, case)
    html = render_template(
        "cases/show.html", case=case,
        patient_identity=visible_patient,
        shared_basis=patient.basis_label(case) if patient.is_shared_with_receiver(case) else None,
        complainant_contact=(patient.reveal_complainant(case) if can_see_patient(user, case) else None),
        # §8.1: the sender of a serious case is shown whom to call until a contact is recorded.
        call_now=(oversight.whom_to_call(case) if case.serious and Side.SENDER in mine
                  and not case.direct_contacts and not printing else []),
        is_sender=Side.SENDER in mine, is_receiver=Side.RECEIVER in mine,
        action_forms=[] if printing else build_action_forms(user, case, failed, form),
        printing=printing,
        failed=failed.value if failed else None,
        message_form=message_form or MessageForm(formdata=None),
        can_write=not printing and bool(mine) and case.status in OPEN_STATUSES,
        refusal=refusal,
        # Read through a joint investigation, not as one of the case's sides.
        read_through=None if mine else policy_grant(user, case),
        links=links.links_for(user, case),
        merged_into=(case.merged_into.reference if case.merged_into is not None
                     and can_read(user, case.merged_into) else None),
        merged_from=links.merged_from(user, case),
        link_form=(None if printing or not links.may_link(user, case)
                   else link_form or LinkForm(formdata=None)),
        # At intake the receiver sees what may be the same report already received.
        possible_duplicates=(links.possible_duplicates(user, case) if not printing and Side.RECEIVER in mine
                             and case.status in (Status.RECEIVED, Status.INVESTIGATING) else []),
        action_labels={**HISTORY_LABELS, **{a.value: t.label for a, t in TRANSITIONS.items()}},
    )
    return html, status


@dataclass(frozen=True)
class BoxCounts:
    everything: int  # the whole box
    shown: int  # what the status filter lets through
    overdue: int
    by_status: dict  # Status → count, capped at STATUS_COUNT_CAP, zeros left out


def box_counts(user: User, box: str, status: Status | None, now, owner: int | None = None) -> BoxCounts:
    """A list page's counts, each bounded, in one statement (one round trip, one plan)."""
    stmt = _counts_statement(list_form(user, box, owner), status is not None, COUNT_CAP, STATUS_COUNT_CAP)
    values = {**list_values(user, owner), "box_now": now, "box_status": status}
    row = db.session.execute(stmt, values).one()
    by_status = {s: n for s, n in zip(Status, row[:len(Status)], strict=True) if n}
    everything, overdue = row[len(Status)], row[len(Status) + 1]
    return BoxCounts(everything, row[-1] if status is not None else everything, overdue, by_status)


#: box_counts' statements are kept by list form, whether a status is chosen and the caps:
#: building one (ten capped counts) and its cache key cost more than running it. They hold
#: bind parameters only, filled per request (queries.list_values), never a user's values.
@cache
def _counts_statement(form: tuple, filtered: bool, cap: int, status_cap: int):
    branches = list_branches(form)
    columns = [_capped_union(branches, [Case.status == s], status_cap) for s in Status]
    columns += [_capped_union(branches, [], cap),
                _capped_union(branches, [awaiting_answer(), Case.due_at < bindparam("box_now")], cap)]
    if filtered:  # the filtered list's own count, past the status hint's cap
        columns.append(_capped_union(branches, [Case.status == bindparam("box_status")], cap))
    return select(*columns)


def _capped_union(branches: list, conditions: list, cap: int):
    """COUNT of the branches' union over at most cap + 1 rows: exact below the cap, cap + 1
    above. Each branch is counted apart (each reads its own index; an OR of them reads
    neither) to cap + 1 at most, then their ids merged: a case in two branches counts once."""
    if len(branches) == 1:
        return _capped(and_(branches[0], *conditions), cap)
    parts = [select(Case.id).where(branch, *conditions).limit(cap + 1).subquery() for branch in branches]
    merged = union(*(select(part.c.id) for part in parts)).subquery()
    inner = select(merged.c.id).limit(cap + 1).subquery()
    return select(func.count()).select_from(inner).scalar_subquery()


#: The overdue list's joined names, aliased once (as queries.box_rows does).
_LATE_OTHER, _LATE_OWNER = aliased(Organisation), aliased(User)


def overdue(user: User, box: str, now, limit: int = 10, owner: int | None = None) -> list:
    """Open cases past their answer day, most overdue first: shown above the list. In the
    inbox they are the user's to answer; among the sent, the ones waiting on the other side.
    Plain rows of what the list shows (reference, serious, due_at, the other party's
    name, the owner's), not whole cases: this runs on every list view that has any."""
    stmt = _overdue_statement(list_form(user, box, owner), box, limit)
    return list(db.session.execute(stmt, {**list_values(user, owner), "box_now": now}))


#: overdue's statements, kept per list form as box_counts' are (_counts_statement).
@cache
def _overdue_statement(form: tuple, box: str, limit: int):
    branches = list_branches(form)
    late = [awaiting_answer(), Case.due_at < bindparam("box_now")]
    if len(branches) == 1:
        where = and_(branches[0], *late)
    else:  # each branch's most overdue, from its own index, then the merged ones'
        parts = [select(Case.id).where(branch, *late).order_by(Case.due_at, Case.id).limit(limit).subquery()
                 for branch in branches]
        where = Case.id.in_(union(*(select(part.c.id) for part in parts)))
    other_id = Case.sender_organisation_id if box == "incoming" else Case.receiver_organisation_id
    return (select(Case.reference, Case.serious, Case.due_at, _LATE_OTHER.name.label("other_name"),
                   func.coalesce(func.nullif(_LATE_OWNER.full_name, ""), _LATE_OWNER.username)
                   .label("owner_name"))
            .outerjoin(_LATE_OTHER, _LATE_OTHER.id == other_id)
            .outerjoin(_LATE_OWNER, _LATE_OWNER.id == Case.owner_id)
            .where(where).order_by(Case.due_at, Case.id).limit(limit))


def case_readers(case):
    """"Vem har läst": who has accessed the case, for its handlers and overseers; None
    for anyone else (a reporter)."""
    if not (current_user.is_authenticated and current_user.has_role(*CASE_WORKERS)):
        return None
    if not sides(current_user, case):
        return None
    return access_log.readers(case)


def register_templates(app: Flask) -> None:
    """What the case pages' templates (and the pages that show a case's parts) use."""
    app.add_template_global(categories.BY_CODE, "CATEGORIES")
    app.add_template_global(categories.of_case, "case_category")
    app.add_template_global(risk, "risk")
    app.add_template_global(vocabulary, "vocabulary")
    app.add_template_global(case_readers, "case_readers")
