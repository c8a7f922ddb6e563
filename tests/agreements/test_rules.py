"""Which version is in force on a day, and the rules other code reads from it."""
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import func, select

from avvikelse import agreements
from avvikelse.agreements import jamtland
from avvikelse.agreements.rules import Standing, clause_text, standing
from avvikelse.agreements.models import AgreementCategory, AgreementClause, AgreementExtension, AgreementVersion
from avvikelse.agreements.seed import seed_agreements
from avvikelse.directory.models import Organisation, OrgKind
from avvikelse.directory.services import organisation_by_code
from avvikelse.extensions import db


def _name(day) -> str | None:
    version = agreements.version_at(day, "23")
    return version.name if version is not None else None


@pytest.mark.parametrize("day, expected", [
    (date(2017, 3, 31), None),  # before the first version: no agreement
    (date(2017, 4, 1), "2017"),
    (date(2020, 2, 29), "2017"),
    (date(2020, 3, 1), "2020"),
    (date(2022, 12, 31), "2020"),
    (date(2025, 12, 31), "2020"),  # the last extension's last day
    (date(2026, 1, 1), "2020"),  # past it, no newer version: goes on applying
    (date(2031, 6, 1), "2020"),
])
def test_the_version_in_force_on_a_day(day, expected):
    assert _name(day) == expected


def test_a_moment_counts_by_its_swedish_day():
    # 23:30 UTC on 29 February 2020 is already 1 March in Sweden.
    assert _name(datetime(2020, 2, 29, 23, 30, tzinfo=timezone.utc)) == "2020"
    assert _name(datetime(2020, 2, 29, 22, 30, tzinfo=timezone.utc)) == "2017"


def test_standing_says_extended_pending_a_new_agreement_past_the_last_end():
    v2017, v2020 = agreements.version_at(date(2018, 1, 1), "23"), agreements.version_at(date(2021, 1, 1), "23")
    assert v2020.valid_to == date(2020, 12, 31) and v2020.ends_on == date(2025, 12, 31)
    assert standing(v2020, date(2016, 1, 1)) is Standing.UPCOMING
    assert standing(v2020, date(2024, 6, 1)) is Standing.IN_FORCE
    assert standing(v2020, date(2026, 1, 1)) is Standing.EXTENDED_PENDING
    assert Standing.EXTENDED_PENDING.label == "förlängt i avvaktan på nytt avtal"
    assert standing(v2017, date(2024, 6, 1)) is Standing.SUPERSEDED


def test_a_newer_version_takes_over_from_its_first_day():
    agreement = agreements.version_at(date(2021, 1, 1), "23").agreement
    db.session.add(AgreementVersion(agreement=agreement, name="2026", valid_from=date(2026, 7, 1)))
    db.session.flush()
    assert _name(date(2026, 6, 30)) == "2020"
    assert _name(date(2026, 7, 1)) == "2026"


def test_the_seed_holds_jamtlands_agreement_and_is_idempotent():
    seed_agreements()
    seed_agreements()
    v2020 = agreements.version_at(date(2021, 1, 1), "23")
    assert v2020.agreement.short_name == "Hemsjukvårdsavtalet"
    assert [e.new_end for e in v2020.extensions] == [
        date(2022, 12, 31), date(2024, 12, 31), date(2025, 6, 30), date(2025, 12, 31)]
    assert [e.reference for e in v2020.extensions] == ["RS/203/2021", "§10", None, "RS/203/2021"]
    for model, per_version in ((AgreementClause, len(jamtland.CLAUSES)),
                               (AgreementCategory, len(jamtland.CATEGORIES))):
        assert db.session.scalar(select(func.count()).select_from(model)) == 2 * per_version
    assert db.session.scalar(select(func.count()).select_from(AgreementExtension)) == 4
    codes = [c.code for c in v2020.categories]
    assert codes == [c.code for c in agreements.version_at(date(2018, 1, 1), "23").categories]
    assert len(codes) == 12 and len({c.type for c in v2020.categories}) == 12


def test_the_seed_keeps_an_administrators_setting():
    version = agreements.version_at(date(2021, 1, 1), "23")
    version.answer_due_days = 14
    seed_agreements()
    assert version.answer_due_days == 14


@pytest.mark.parametrize("codes, text", [
    (("§6.1", "LUS"), "§6.1, LUS"),
    (("§7.7", "bilaga 7", "bilaga 8"), "§7.7, bilaga 7–8"),
    (("bilaga 1", "bilaga 2", "bilaga 4"), "bilaga 1–2, bilaga 4"),
    (("§6.4", "§7.3", "bilaga 10"), "§6.4, §7.3, bilaga 10"),
    ((), "—"),
])
def test_clause_text(codes, text):
    assert clause_text(codes) == text


def test_settings_fall_back_to_the_installations(app):
    krokom, region = organisation_by_code("2309"), organisation_by_code("23")
    rules = agreements.rules_at(date(2026, 1, 1), krokom, region)
    assert rules.version.name == "2020"
    cfg = app.config
    assert (rules.answer_due_days, rules.reminder_days_before, rules.overdue_escalation_days,
            rules.serious_consequence_min, rules.serious_risk_min, rules.kommun_to_kommun_allowed) == (
        cfg["ANSWER_DUE_DAYS"], cfg["REMINDER_DAYS_BEFORE"], cfg["OVERDUE_ESCALATION_DAYS"],
        cfg["SERIOUS_CONSEQUENCE_MIN"], cfg["SERIOUS_RISK_MIN"], False)
    rules.version.answer_due_days, rules.version.kommun_to_kommun_allowed = 10, True
    changed = agreements.rules_at(date(2026, 1, 1), krokom, region)
    assert changed.answer_due_days == 10 and changed.kommun_to_kommun_allowed is True
    assert changed.reminder_days_before == cfg["REMINDER_DAYS_BEFORE"]
    # The 2017 version keeps the installation's: settings belong to a version.
    assert agreements.rules_at(date(2018, 1, 1), krokom, region).answer_due_days == cfg["ANSWER_DUE_DAYS"]


def test_no_agreement_applies_before_the_first_version_or_across_counties(app):
    krokom = organisation_by_code("2309")
    assert agreements.rules_at(date(2010, 1, 1), krokom).version is None
    other = Organisation(code="2281", name="Sundsvalls kommun", kind=OrgKind.KOMMUN)  # another county
    assert agreements.rules_at(date(2026, 1, 1), krokom, other).version is None
    assert agreements.rules_at(date(2026, 1, 1), krokom, other).answer_due_days == app.config["ANSWER_DUE_DAYS"]


def test_which_organisations_may_file_to_which():
    region, krokom, ostersund = (organisation_by_code(c) for c in ("23", "2309", "2380"))
    rules = agreements.rules_at(date(2026, 1, 1), krokom)
    assert rules.allows(krokom, region) and rules.allows(region, krokom)
    assert not rules.allows(krokom, ostersund)
    rules.version.kommun_to_kommun_allowed = True
    assert agreements.rules_at(date(2026, 1, 1), krokom).allows(krokom, ostersund)


def test_rules_by_version_for_passes_over_many_cases(app):
    version = agreements.version_at(date(2021, 1, 1), "23")
    version.reminder_days_before = 3
    found = agreements.rules_by_version()
    assert found[version.id].reminder_days_before == 3
    assert found[None].reminder_days_before == app.config["REMINDER_DAYS_BEFORE"]


def test_the_versions_in_force_during_a_period():
    from datetime import date

    from avvikelse.agreements.rules import Standing, in_force_during

    def names(first, last):
        return [(v.name, s) for v, s in in_force_during(first, last)]

    assert names(date(2016, 1, 1), date(2016, 12, 31)) == []  # before the first version
    assert names(date(2019, 1, 1), date(2019, 12, 31)) == [("2017", Standing.IN_FORCE)]
    # the year the 2020 version replaced 2017's: both, 2017's standing on its last day
    assert names(date(2020, 1, 1), date(2020, 12, 31)) == [("2017", Standing.IN_FORCE),
                                                            ("2020", Standing.IN_FORCE)]
    assert names(date(2026, 1, 1), date(2026, 3, 31)) == [("2020", Standing.EXTENDED_PENDING)]


@pytest.mark.parametrize("day, receiver_code, category, version, in_version", [
    (date(2026, 1, 1), "23", "discharge", "2020", True),
    (date(2026, 1, 1), None, "weather", "2020", False),
    (date(2026, 1, 1), "23", "dis\x00charge", "2020", False),  # never asked, never a match
    (date(2010, 1, 1), "23", "discharge", None, None),  # no agreement: the fixed list decides
    (date(2026, 1, 1), "2281", "discharge", None, None),  # across counties: likewise
])
def test_rules_and_category_in_one_statement_as_asked_apart(day, receiver_code, category, version, in_version):
    krokom = organisation_by_code("2309")
    receiver = (Organisation(code="2281", name="Sundsvalls kommun", kind=OrgKind.KOMMUN)
                if receiver_code == "2281" else organisation_by_code(receiver_code) if receiver_code else None)
    rules, found = agreements.rules_and_category_at(day, krokom, receiver, category)
    assert rules == agreements.rules_at(day, krokom, receiver)
    assert (rules.version.name if rules.version is not None else None) == version
    assert found is in_version
