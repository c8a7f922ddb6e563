"""The administrators' agreement pages: what they show, what they change, what they refuse."""
from datetime import date

import pytest
from sqlalchemy import func, select

from avvikelse import agreements
from avvikelse.agreements.models import AgreementExtension, AgreementVersion, SettingChange
from avvikelse.extensions import db
from tests.agreements.helpers import words
from tests.web.helpers import error_beside, text


@pytest.fixture
def admin(client, login, people):
    assert login(people["admin"]).status_code == 302
    return people["admin"]


def _v2020():
    return agreements.version_at(date(2021, 1, 1), "23")


def test_the_list_leads_to_the_countys_agreement(client, admin):
    response = client.get("/admin/avtal")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/admin/avtal/{_v2020().agreement_id}"
    assert 'href="/admin/avtal"' in client.get("/").get_data(as_text=True)  # in the header


def test_the_agreement_page_shows_its_versions(client, admin):
    page = text(client.get(f"/admin/avtal/{_v2020().agreement_id}"))
    assert "Hemsjukvårdsavtalet" in page and "Region Jämtland Härjedalen och de åtta kommunerna" in page
    for expected in ("2017-04-01", "2020-02-29", "2020-03-01", "2025-12-31", "ersatt"):
        assert expected in page
    assert client.get(f"/admin/avtal/{_v2020().agreement_id}").headers["Cache-Control"] == "no-store"


def test_the_version_page_shows_extensions_clauses_categories_and_settings(client, admin):
    page = words(client.get(f"/admin/avtal/version/{_v2020().id}"))
    for expected in ("RS/203/2021", "§10", "2024-12-31", "2025-06-30", "förlängd till och med 2025-12-31",
                     "Avvikelsehantering", "bilaga 10", "Läkemedelshantering",
                     "Utskrivning och informationsöverföring", "§6.1, LUS", "Informationsöverföring och utskrivning",
                     "Dagar till svar", "28 (installationens)", "Kommun får rapportera till kommun"):
        assert expected in page, expected


def test_settings_refuse_bad_values_beside_the_fields(client, admin):
    url = f"/admin/avtal/version/{_v2020().id}/installningar"
    response = client.post(url, data={"answer_due_days": "0", "serious_risk_min": "tolv", "reason": ""})
    assert response.status_code == 422
    assert error_beside(response, "answer_due_days", "Ange ett heltal 1–365, eller lämna tomt.")
    assert error_beside(response, "serious_risk_min", "Ange ett heltal.")
    assert error_beside(response, "reason", "Skriv varför inställningarna ändras.")
    assert 'value="tolv"' in response.get_data(as_text=True)  # what was typed stays
    response = client.post(url, data={"reason": "Ingen ändring egentligen."})
    assert response.status_code == 422 and "Inget är ändrat." in text(response)
    assert db.session.scalar(select(func.count()).select_from(SettingChange)) == 0


def test_settings_are_changed_with_a_reason_and_listed_beneath(client, admin):
    url = f"/admin/avtal/version/{_v2020().id}/installningar"
    assert client.post(url, data={"kommun_to_kommun_allowed": "ja", "serious_risk_min": "6",
                                  "reason": "Nytt beslut i SVOM."}).status_code == 302
    version = _v2020()
    assert version.kommun_to_kommun_allowed is True and version.serious_risk_min == 6
    # Back to the installation's: an empty field.
    assert client.post(url, data={"kommun_to_kommun_allowed": "ja",
                                  "reason": "Åter till installationens tröskel."}).status_code == 302
    assert _v2020().serious_risk_min is None
    rows = db.session.scalars(select(SettingChange).order_by(SettingChange.id)).all()
    assert [(r.key, r.old_value, r.new_value) for r in rows] == [
        ("serious_risk_min", None, "6"), ("kommun_to_kommun_allowed", None, "ja"), ("serious_risk_min", "6", None)]
    page = text(client.get(url))
    assert "Nytt beslut i SVOM." in page and "Åter till installationens tröskel." in page
    assert page.index("Åter till installationens") < page.index("Nytt beslut i SVOM.")  # newest first


def test_a_version_is_added_with_the_latest_ones_categories(client, admin):
    url = f"/admin/avtal/{_v2020().agreement_id}"
    response = client.post(url, data={"name": "2020", "valid_from": "2019-01-01", "valid_to": "2018-01-01"})
    assert response.status_code == 422
    assert error_beside(response, "name", "Det finns redan en version med det namnet.")
    assert error_beside(response, "valid_from", "En ny version måste börja efter den senaste versionens "
                                                "första dag (2020-03-01).")
    assert error_beside(response, "valid_to", "Sista dagen kan inte ligga före den första.")
    response = client.post(url, data={"name": "2027", "valid_from": "2027-01-01", "note": "Nytt avtal."})
    assert response.status_code == 302
    new = db.session.scalar(select(AgreementVersion).where(AgreementVersion.name == "2027"))
    assert response.headers["Location"] == f"/admin/avtal/version/{new.id}"
    assert [c.code for c in new.categories] == [c.code for c in _v2020().categories]
    assert agreements.version_at(date(2027, 1, 1), "23").name == "2027"
    assert "kommande" in text(client.get(url))


def test_an_extension_is_added_after_the_current_end(client, admin):
    url = f"/admin/avtal/version/{_v2020().id}"
    response = client.post(url, data={"new_end": "2025-01-01", "decided_on": "2030-01-01"})
    assert response.status_code == 422
    assert error_beside(response, "new_end", "Det nya sista datumet måste ligga efter 2025-12-31.")
    assert error_beside(response, "decided_on", "Beslutsdagen kan inte ligga i framtiden.")
    assert error_beside(response, "reference",
                        "Ange beslutets diarienummer eller paragraf, eller skriv en kommentar.")
    response = client.post(url, data={"new_end": "2026-06-30", "decided_on": "2025-11-20",
                                      "reference": "RS/203/2021"})
    assert response.status_code == 302
    assert _v2020().ends_on == date(2026, 6, 30)
    extension = db.session.scalar(select(AgreementExtension).where(AgreementExtension.new_end == date(2026, 6, 30)))
    assert extension.created_by_id == admin.id and extension.decided_on == date(2025, 11, 20)


@pytest.mark.parametrize("path", ["/admin/avtal/99999", "/admin/avtal/version/99999",
                                  "/admin/avtal/version/99999/installningar"])
def test_unknown_ids_are_404(client, admin, path):
    assert client.get(path).status_code == 404


def test_an_admin_of_another_county_sees_nothing(client, login, make_user):
    from avvikelse.directory.models import OrgKind
    from avvikelse.directory.services import upsert_organisation

    upsert_organisation("22", "Region Västernorrland", OrgKind.REGION)
    outsider = make_user("22", ["admin"], units=[])
    db.session.commit()
    login(outsider)
    assert client.get(f"/admin/avtal/version/{_v2020().id}").status_code == 404
    assert client.get(f"/admin/avtal/{_v2020().agreement_id}").status_code == 404
    assert "Det finns inget avtal för ert län ännu." in text(client.get("/admin/avtal"))
