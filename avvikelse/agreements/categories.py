"""A version's categories, as the filing form, the rules and a case's page read them."""
from dataclasses import dataclass

from sqlalchemy import bindparam, select
from sqlalchemy.orm import selectinload

from avvikelse.agreements.models import AgreementCategory, AgreementClause, AgreementVersion, category_clauses
from avvikelse.agreements.rules import category_code_safe, clause_text
from avvikelse.agreements.types import CategoryType
from avvikelse.extensions import db


@dataclass(frozen=True)
class CategoryView:
    code: str
    label: str
    clause: str
    type: CategoryType
    version: str


def _view(category: AgreementCategory, version: AgreementVersion) -> CategoryView:
    return CategoryView(category.code, category.label, clause_text([c.code for c in category.clauses]),
                        category.type, version.name)


def of_version(version: AgreementVersion) -> list[CategoryView]:
    """The version's categories in their order, each with its clause text."""
    rows = db.session.scalars(
        select(AgreementCategory).where(AgreementCategory.version_id == version.id)
        .options(selectinload(AgreementCategory.clauses)).order_by(AgreementCategory.position))
    return [_view(c, version) for c in rows]


def _with_clause_codes(*columns):
    """`columns` of a category with each of its clauses' codes: a row per clause, one row
    with None for a category without any (the caller orders them)."""
    return (select(*columns, AgreementClause.code)
            .outerjoin(category_clauses, category_clauses.c.category_id == AgreementCategory.id)
            .outerjoin(AgreementClause, AgreementClause.id == category_clauses.c.clause_id))


def labels_of_version(version: AgreementVersion) -> list[tuple[str, str, str]]:
    """(code, label, clause text) of the version's categories in their order, for a
    select: one statement of plain rows (of_version reads two, and builds objects)."""
    stmt = (_with_clause_codes(AgreementCategory.code, AgreementCategory.label)
            .where(AgreementCategory.version_id == version.id)
            .order_by(AgreementCategory.position, AgreementCategory.id, AgreementClause.position,
                      AgreementClause.id))
    found: dict[str, tuple[str, list[str]]] = {}
    for code, label, clause in db.session.execute(stmt):
        clauses = found.setdefault(code, (label, []))[1]
        if clause is not None:
            clauses.append(clause)
    return [(code, label, clause_text(clauses)) for code, (label, clauses) in found.items()]


def has_code(version: AgreementVersion, code: str) -> bool:
    if not category_code_safe(code):
        return False
    return db.session.scalar(select(AgreementCategory.id).where(
        AgreementCategory.version_id == version.id, AgreementCategory.code == code)) is not None


#: in_version's statement, built once: a case's page and JSON each ask it
_IN_VERSION = (
    _with_clause_codes(AgreementCategory.code, AgreementCategory.label, AgreementCategory.type)
    .where(AgreementCategory.version_id == bindparam("version_id"), AgreementCategory.code == bindparam("code"))
    .order_by(AgreementClause.position, AgreementClause.id))


def in_version(version: AgreementVersion, code: str) -> CategoryView | None:
    """The category with the code in the version: its label and clause as that version
    words them, whatever later versions say. One statement of plain rows, a row per
    clause."""
    rows = db.session.execute(_IN_VERSION, {"version_id": version.id, "code": code}).all()
    if not rows:
        return None
    found, label, kind, _ = rows[0]
    return CategoryView(found, label, clause_text([clause for *_, clause in rows if clause is not None]),
                        kind, version.name)
