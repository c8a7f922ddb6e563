"""FHIR R4 AdverseEvent export: valid against the structure, the patient pseudonymous."""
from fhir.resources.R4B.adverseevent import AdverseEvent

from tests.fixtures.factories import TEST_PNR


def test_export_is_a_valid_adverse_event(api, people, file_via_api):
    reference = file_via_api(patient_id=TEST_PNR, serious=True, consequence=3)
    response = api(people["reporter"]).get(f"/cases/{reference}/fhir")
    assert response.status_code == 200
    assert response.content_type == "application/fhir+json"
    resource = AdverseEvent.model_validate_json(response.data)  # raises when not R4 structure
    assert resource.id == reference and resource.actuality == "actual"
    assert resource.identifier.value == reference
    assert resource.seriousness.coding[0].code == "serious"
    assert resource.severity.coding[0].code == "severe"
    assert resource.outcome.coding[0].code == "ongoing"


def test_subject_is_a_pseudonym_never_the_personnummer(api, people, file_via_api):
    reference = file_via_api(patient_id=TEST_PNR)
    text = api(people["reporter"]).get(f"/cases/{reference}/fhir").get_data(as_text=True)
    digits = TEST_PNR.replace("-", "")  # 191212121212
    assert digits[2:] not in text.replace("-", "") and TEST_PNR[2:] not in text
    body = api(people["receiver_handler"]).get(f"/cases/{reference}/fhir").json
    assert body["subject"]["identifier"]["system"] == "urn:avvikelse:patient-pseudonym"
    assert len(body["subject"]["identifier"]["value"]) == 32
    assert "description" not in text  # no free text leaves in FHIR


def test_pseudonyms_differ_between_cases(api, people, file_via_api):
    client = api(people["reporter"])
    a, b = file_via_api(patient_id=TEST_PNR), file_via_api(patient_id=TEST_PNR)
    pseudonym = [client.get(f"/cases/{r}/fhir").json["subject"]["identifier"]["value"] for r in (a, b)]
    assert pseudonym[0] != pseudonym[1]


def test_near_miss_is_potential(api, people, file_via_api):
    reference = file_via_api(event_type="near_miss")
    assert api(people["reporter"]).get(f"/cases/{reference}/fhir").json["actuality"] == "potential"


def test_export_follows_the_access_policy(api, people, file_via_api):
    reference = file_via_api()
    response = api(people["stranger"]).get(f"/cases/{reference}/fhir")
    assert response.status_code == 404 and response.json["error"] == "not_found"


def test_an_export_is_logged_as_one_besides_the_read(api, people, file_via_api):
    from sqlalchemy import select

    from avvikelse.audit.models import AccessLog
    from avvikelse.extensions import db

    reference = file_via_api()
    assert api(people["receiver_handler"]).get(f"/cases/{reference}/fhir").status_code == 200
    actions = db.session.scalars(
        select(AccessLog.action).where(AccessLog.user_id == people["receiver_handler"].id)
    ).all()
    assert actions.count("export") == 1 and "read" in actions
