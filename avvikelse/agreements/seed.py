"""The agreement seed: idempotent, like the directory's. It adds what is missing and
changes nothing that exists, so an administrator's edits (settings, new versions and
extensions) survive `seed-directory` and `seed-demo`.

Core inserts that skip what exists (core.sql.insert_new): the test fixtures seed the
agreement before every test, and a dozen statements cost a fraction of the ORM's flush
of some 130 objects."""
from sqlalchemy import insert, select

from avvikelse.agreements import jamtland
from avvikelse.agreements.models import (
    Agreement, AgreementCategory, AgreementClause, AgreementExtension, AgreementVersion, category_clauses,
)
from avvikelse.core.sql import insert_new
from avvikelse.extensions import db


def seed_agreements(spec=jamtland) -> Agreement:
    """A county's agreement (by default Jämtland's), its versions with their clauses,
    categories and extensions. `spec` is a module or object like agreements/jamtland.py:
    COUNTY_CODE, NAME, SHORT_NAME, PARTIES, VERSIONS, CLAUSES, CATEGORIES."""
    insert_new(Agreement, [dict(county_code=spec.COUNTY_CODE, name=spec.NAME,
                                short_name=spec.SHORT_NAME, parties=spec.PARTIES)],
               ("county_code",))
    agreement_id = db.session.scalar(select(Agreement.id).where(Agreement.county_code == spec.COUNTY_CODE))
    insert_new(AgreementVersion, [
        dict(agreement_id=agreement_id, name=v.name, valid_from=v.valid_from, valid_to=v.valid_to, note=v.note)
        for v in spec.VERSIONS], ("agreement_id", "name"))
    versions = dict(db.session.execute(select(AgreementVersion.name, AgreementVersion.id)
                                       .where(AgreementVersion.agreement_id == agreement_id)).all())
    for seed in spec.VERSIONS:
        if seed.name in versions:  # absent only if an administrator's version took its first day
            _fill(versions[seed.name], seed, spec)
    return db.session.get(Agreement, agreement_id)


def _fill(version_id: int, seed: jamtland.Version, spec=jamtland) -> None:
    insert_new(AgreementClause, [
        dict(version_id=version_id, code=c.code, title=c.title, summary=c.summary or None, position=i)
        for i, c in enumerate(spec.CLAUSES)], ("version_id", "code"))
    clause_ids = dict(db.session.execute(select(AgreementClause.code, AgreementClause.id)
                                         .where(AgreementClause.version_id == version_id)).all())
    added = insert_new(AgreementCategory, [
        dict(version_id=version_id, code=c.code, label=c.label, type=c.type, position=i)
        for i, c in enumerate(spec.CATEGORIES)], ("version_id", "code"))
    clauses_of = {c.code: c.clauses for c in spec.CATEGORIES}
    links = [dict(category_id=category_id, clause_id=clause_ids[clause])
             for category_id, _version, code in added for clause in clauses_of[code] if clause in clause_ids]
    if links:
        db.session.execute(insert(category_clauses), links)
    insert_new(AgreementExtension, [
        dict(version_id=version_id, new_end=e.new_end, decided_on=e.decided_on, reference=e.reference,
             note=e.note, created_at=None) for e in seed.extensions], ("version_id", "new_end"))
