"""A case and its agreement: the version it was filed under names its category and
clause for ever, and the version's settings decide its due day, its seriousness and
who may file to whom."""
from datetime import datetime, timezone

import pytest
import time_machine
from sqlalchemy import select

from avvikelse import agreements
from avvikelse.agreements import services
from avvikelse.agreements.models import AgreementCategory, AgreementClause, SettingChange
from avvikelse.agreements.rules import local_day
from avvikelse.cases.models import Case
from avvikelse.core import outbox
from avvikelse.core.clock import now_utc
from avvikelse.core.workdays import due_moment
from avvikelse.extensions import db
from tests.api.conftest import api, valid_case  # noqa: F401 (a fixture)
from tests.agreements.helpers import words
from tests.web.helpers import case_form, error_beside, text


def _in_force():
    return agreements.version_at(now_utc(), "23")


def _relabel_in_new_version(admin):
    """A renegotiated agreement from today: the same code, new words and clause."""
    version = services.add_version(admin, _in_force().agreement, "2026", local_day(now_utc()), None,
                                   None, now_utc())
    discharge = next(c for c in version.categories if c.code == "discharge")
    clause = AgreementClause(version=version, code="§5.2", title="Utskrivning", position=99)
    db.session.add(clause)
    discharge.label, discharge.clauses = "Utskrivning från slutenvård", [clause]
    db.session.commit()
    return version


def test_a_case_keeps_its_versions_label_after_a_new_version_relabels_the_code(
        client, login, people, new_case, api):
    before = new_case()
    assert before.agreement_version.name == "2020"
    _relabel_in_new_version(people["admin"])
    after = new_case()
    assert after.agreement_version.name == "2026"

    login(people["reporter"])
    old_page, new_page = (words(client.get(f"/arenden/{c.reference}")) for c in (before, after))
    assert "Utskrivning och informationsöverföring (avtalet version 2020: §6.1, LUS)" in old_page
    assert "Utskrivning från slutenvård (avtalet version 2026: §5.2)" in new_page
    outgoing = text(client.get("/skickade"))
    assert "Utskrivning och informationsöverföring" in outgoing and "Utskrivning från slutenvård" in outgoing

    reporter_api = api(people["reporter"])
    assert reporter_api.get(f"/cases/{before.reference}").json["agreement"] == {
        "version": "2020", "clause": "§6.1, LUS"}
    assert reporter_api.get(f"/cases/{after.reference}").json["agreement"] == {
        "version": "2026", "clause": "§5.2"}


def test_the_case_json_has_its_agreement(api, people):
    reporter_api = api(people["reporter"])
    response = reporter_api.post("/cases", valid_case(category="equipment"))
    assert response.status_code == 201
    assert response.json["agreement"] == {"version": "2020", "clause": "§7.7, bilaga 7–8"}
    other = reporter_api.post("/cases", valid_case(category="other")).json
    assert other["agreement"] == {"version": "2020", "clause": "—"}


def test_the_api_accepts_the_codes_of_the_version_in_force(api, people):
    version = _in_force()
    db.session.add(AgreementCategory(version=version, code="digital", label="Digitala vårdkontakter",
                                     type="information_transfer", position=20))
    db.session.commit()
    response = api(people["reporter"]).post("/cases", valid_case(category="digital"))
    assert response.status_code == 201, response.json
    assert response.json["category"] == "digital" and response.json["agreement"]["version"] == "2020"


def _received_due_days(case) -> int:
    db.session.refresh(case)
    assert due_moment(case.received_at, 28) != due_moment(case.received_at, 10)
    for days in (28, 10):
        if case.due_at == due_moment(case.received_at, days):
            return days
    raise AssertionError(f"due {case.due_at} is neither 28 nor 10 days after {case.received_at}")


def test_a_changed_setting_changes_the_next_cases_due_day_and_is_in_the_history(
        client, login, people, new_case):
    first = new_case()
    assert _received_due_days(first) == 28  # the installation's
    version = _in_force()
    login(people["admin"])
    response = client.post(f"/admin/avtal/version/{version.id}/installningar", data={
        "answer_due_days": "10", "reason": "SVOM beslutade kortare svarstid."})
    assert response.status_code == 302
    second = new_case()
    assert _received_due_days(second) == 10
    assert _received_due_days(first) == 28  # a routed case keeps its due day

    [row] = db.session.scalars(select(SettingChange)).all()
    assert (row.key, row.old_value, row.new_value, row.changed_by_id, row.reason) == (
        "answer_due_days", None, "10", people["admin"].id, "SVOM beslutade kortare svarstid.")
    page = text(client.get(f"/admin/avtal/version/{version.id}/installningar"))
    history = page[page.index("Historik"):]
    assert "Dagar till svar" in history and "SVOM beslutade kortare svarstid." in history
    assert "installationens" in history and "10" in history
    assert (people["admin"].full_name or people["admin"].username) in history


def test_serious_thresholds_are_the_versions_at_filing_time(new_case):
    # consequence 2 × probability 2 = 4: not serious by the installation's risk 8
    assert not new_case().serious
    _in_force().serious_risk_min = 4
    db.session.commit()
    assert new_case().serious


def test_kommun_to_kommun_is_refused_on_the_form_and_what_was_typed_stays(client, login, people):
    login(people["reporter"])
    typed = "Hemtjänsten i Östersund fick ingen information."
    response = client.post("/arenden/ny", data=case_form(receiver_organisation="2380", description=typed))
    assert response.status_code == 422
    assert error_beside(response, "receiver_organisation",
                        "Enligt Hemsjukvårdsavtalet (version 2020) rapporteras avvikelser mellan region "
                        "och kommun: en kommun kan inte skicka ärenden till en annan kommun "
                        "(Östersunds kommun). Välj regionen som mottagare.")
    assert typed in text(response)
    assert db.session.scalar(select(Case)) is None

    _in_force().kommun_to_kommun_allowed = True
    db.session.commit()
    response = client.post("/arenden/ny", data=case_form(receiver_organisation="2380", description=typed))
    assert response.status_code == 302
    assert db.session.scalar(select(Case)).receiver_organisation.code == "2380"


def test_a_region_case_to_a_kommun_is_always_allowed(new_case, people):
    region_reporter = people["unit_handler"]  # a region handler may also report
    case = new_case(reporter=region_reporter, receiver_organisation="2309", sender_unit="23-OSD-GER")
    assert case.receiver_organisation.code == "2309" and case.agreement_version.name == "2020"


@pytest.mark.parametrize("moment, standing", [
    (datetime(2025, 6, 10, 10, tzinfo=timezone.utc), "gäller"),
    (datetime(2026, 2, 10, 10, tzinfo=timezone.utc), "förlängt i avvaktan på nytt avtal"),
])
def test_the_form_offers_the_categories_of_the_version_in_force(client, login, people, moment, standing):
    login(people["reporter"])
    with time_machine.travel(moment, tick=False):
        body = text(client.get("/arenden/ny"))
    assert f"Kategorierna och avtalspunkterna i Hemsjukvårdsavtalet, version 2020 ({standing})." in body
    assert '<option value="discharge">Utskrivning och informationsöverföring (§6.1, LUS)</option>' in body
    assert '<option value="other">Övrigt (—)</option>' in body


def test_routing_uses_the_cases_own_version(new_case, people):
    """A case filed under one version is routed by that version's settings."""
    case = new_case(route=False)
    case.agreement_version.answer_due_days = 10
    db.session.commit()
    outbox.drain()
    assert _received_due_days(case) == 10
