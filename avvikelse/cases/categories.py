"""Categories tied to the agreement's clauses, so the yearly follow-up sees which clause fails.

The categories are the agreement's data (avvikelse/agreements), per version: the filing
form offers those of the version in force, and a case shows the label and clause of the
version it was filed under, so a renegotiated agreement never relabels past years.

`CATEGORIES` and `BY_CODE` are Jämtland's categories as seeded (agreements/jamtland.py):
a fixed list for code that still reads one (the forum's filters and tables), and the list
that applies where no agreement does. They do not follow an administrator's edits.
"""
from dataclasses import dataclass

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from avvikelse.agreements import categories as agreement_categories
from avvikelse.agreements import jamtland
from avvikelse.agreements.rules import clause_text
from avvikelse.extensions import request_translations


@dataclass(frozen=True)
class Category:
    code: str
    label: str
    clause: str


CATEGORIES = [Category(c.code, _l(c.label), clause_text(c.clauses)) for c in jamtland.CATEGORIES]
BY_CODE = {c.code: c for c in CATEGORIES}


def choices() -> list[tuple[str, str]]:
    return [(c.code, f"{c.label}") for c in CATEGORIES]


@dataclass(frozen=True)
class Shown:
    """A case's category as its pages and JSON show it."""

    code: str
    label: str
    clause: str | None
    #: the agreement version's name; None when no agreement applied
    version: str | None


def offered(version) -> list[tuple[str, str]]:
    """(code, "label (clause)") for a form: the version's categories, or the fixed list."""
    if version is None:
        return [(c.code, f"{c.label} ({c.clause})") for c in CATEGORIES]
    labels = request_translations()  # one look-up for the dozen labels
    return [(code, f"{labels.ugettext(label)} ({clause})")
            for code, label, clause in agreement_categories.labels_of_version(version)]


def accepts(version, code) -> bool:
    if version is None:
        return isinstance(code, str) and code in BY_CODE
    return agreement_categories.has_code(version, code)


def of_case(case) -> Shown:
    """The category's label and clause from the case's own version."""
    if case.agreement_version_id is not None:
        found = agreement_categories.in_version(case.agreement_version, case.category)
        if found is not None:
            return Shown(case.category, gettext(found.label), found.clause, found.version)
    fixed = BY_CODE.get(case.category)
    version = case.agreement_version.name if case.agreement_version_id is not None else None
    if fixed is None:
        return Shown(case.category, case.category, None, version)
    return Shown(case.category, str(fixed.label), fixed.clause, version)
