"""Region Gotland: one organisation with both a region's and a kommun's duties. Its own
hospital and hemsjukvård are one organisation (internal deviations, never filed here);
toward another county's organisations it acts as the kommun toward a region and as the
region toward a kommun, and its MAS, SAS or chefsläkare is chosen accordingly."""
import pytest
from sqlalchemy import select

from avvikelse import agreements
from avvikelse.cases.enums import Activity
from avvikelse.cases.oversight import overseer_role
from avvikelse.cases.services import file_case
from avvikelse.core.clock import now_utc
from avvikelse.core.errors import ValidationFailed
from avvikelse.directory import sweden
from avvikelse.directory.models import Samverkan
from avvikelse.directory.services import organisation_by_code, upsert_unit
from avvikelse.escalation.models import Escalation
from avvikelse.extensions import db
from avvikelse.forum import services as forum
from avvikelse.forum.figures import Scope
from avvikelse.forum.periods import quarter_of
from tests.fixtures.factories import case_input


@pytest.fixture
def gotland(vnr, make_user):
    sweden.load()
    db.session.scalar(select(Samverkan).where(Samverkan.code == "09")).active = True
    org = organisation_by_code("0980")
    upsert_unit(org, "0980-VIS-KIR", "Visby lasarett, kirurgisk avdelning")
    upsert_unit(org, "0980-HSJV", "Hemsjukvården Gotland")
    people = dict(vnr)
    people.update({
        "gotland_reporter": make_user("0980", units=["0980-HSJV"], username="rapportor.gotland"),
        "gotland_overseers": make_user("0980", ["handler", "mas", "sas", "chefslakare"], units=[],
                                       username="ledning.gotland"),
    })
    db.session.commit()
    return people


def _escalated_roles(case) -> set[tuple[str, str]]:
    rows = db.session.scalars(select(Escalation).where(Escalation.case_id == case.id)).all()
    return {(e.organisation.code, e.role.value) for e in rows}


def test_gotland_acts_by_its_counterpart(gotland):
    g, region, kommun = organisation_by_code("0980"), organisation_by_code("22"), organisation_by_code("2281")
    rules = agreements.rules_at(now_utc(), g, region)
    assert rules.allows(g, region) and rules.allows(region, g)  # as a kommun toward a region
    assert rules.allows(g, kommun) and rules.allows(kommun, g)  # as a region toward a kommun
    assert not rules.allows(g, g)  # its own hospital and hemsjukvård: an internal deviation
    assert overseer_role(g, Activity.HEALTH_CARE, region).value == "mas"
    assert overseer_role(g, Activity.HEALTH_CARE, kommun).value == "chefslakare"
    assert overseer_role(g, Activity.SOCIAL_CARE, kommun).value == "sas"
    assert overseer_role(region, Activity.SOCIAL_CARE, g).value == "chefslakare"


def test_gotland_cannot_file_to_itself(gotland):
    with pytest.raises(ValidationFailed) as refused:
        file_case(gotland["gotland_reporter"], case_input(receiver_organisation="0980"), now_utc())
    assert "annan organisation än din egen" in refused.value.errors["receiver_organisation"][0]


def test_serious_cases_reach_gotlands_overseer_by_its_duty_in_the_case(gotland, new_case):
    from_region = new_case(reporter=gotland["vnr_reporter"], receiver_organisation="0980", consequence=4)
    assert ("0980", "mas") in _escalated_roles(from_region)  # Gotland as the kommun
    from_kommun = new_case(reporter=gotland["sundsvall_reporter"], receiver_organisation="0980", consequence=4)
    assert ("0980", "chefslakare") in _escalated_roles(from_kommun)  # Gotland as the region
    social = new_case(reporter=gotland["vnr_reporter"], receiver_organisation="0980", consequence=4,
                      activity="social_care")
    assert ("0980", "sas") in _escalated_roles(social)
    own_hospital = new_case(reporter=gotland["gotland_reporter"], receiver_organisation="22", consequence=4)
    assert {("0980", "mas"), ("22", "chefslakare")} <= _escalated_roles(own_hospital)


def test_social_care_may_go_to_gotland_not_to_a_region(gotland):
    file_case(gotland["vnr_reporter"], case_input(receiver_organisation="0980", activity="social_care"), now_utc())
    with pytest.raises(ValidationFailed) as refused:
        file_case(gotland["gotland_reporter"], case_input(receiver_organisation="22", activity="social_care"),
                  now_utc())
    assert "activity" in refused.value.errors


def test_the_forums_direction_follows_gotlands_duty(gotland, new_case):
    new_case(reporter=gotland["gotland_reporter"], receiver_organisation="22")  # kommun → region
    new_case(reporter=gotland["gotland_reporter"], receiver_organisation="2281")  # region → kommun
    quarter = quarter_of(now_utc())
    raw = forum.summary(quarter, forum.Filters(), now_utc(), scope=Scope.between("09", "22"))
    assert raw["by_direction"] == {"kommun_to_region": 1, "region_to_kommun": 1, "kommun_to_kommun": 0}
    assert forum.summary(quarter, forum.Filters(), now_utc(), scope=Scope("09"))["total"] == 0
