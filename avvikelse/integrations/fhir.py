"""A case as a FHIR R4 AdverseEvent, for systems that speak FHIR.

The patient is a pseudonym, never the personnummer: an HMAC of the case under the app's
secret, stable for the case and useless for linking cases or finding the person. No
free text is exported either, since people write names and numbers into it.
fhir.resources validates the resource against the AdverseEvent structure before it
leaves. fhir.resources 8 ships R5 and R4B models, no plain R4: we validate with R4B, and
use only elements that R4 4.0.1's AdverseEvent has with the same names and types.
"""
import hashlib
import hmac

from flask import current_app

from avvikelse.core.clock import iso
from avvikelse.cases.enums import EventType, Status
from avvikelse.cases.models import Case

TERMINOLOGY = "http://terminology.hl7.org/CodeSystem"
#: near misses and risks did not reach a patient
POTENTIAL = {EventType.NEAR_MISS.value, EventType.RISK.value}
PSEUDONYM_SYSTEM = "urn:avvikelse:patient-pseudonym"


def pseudonym(case: Case) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"patient:{case.id}".encode(), hashlib.sha256).hexdigest()[:32]


def adverse_event(case: Case) -> dict:
    from fhir.resources.R4B.adverseevent import AdverseEvent

    resource = AdverseEvent.model_validate(_resource(case))
    return resource.model_dump(mode="json", exclude_none=True)


def _resource(case: Case) -> dict:
    base = current_app.config["PUBLIC_URL"].rstrip("/")
    event_type = str(case.event_type) if case.event_type else EventType.ADVERSE_EVENT.value
    data = {
        "resourceType": "AdverseEvent",
        "id": case.reference,
        "identifier": {"system": f"{base}/arenden", "value": case.reference},
        "actuality": "potential" if event_type in POTENTIAL else "actual",
        "event": _concept("urn:avvikelse:event-type", event_type, EventType(event_type).label),
        "subject": {
            "type": "Patient",
            "identifier": {"system": PSEUDONYM_SYSTEM, "value": pseudonym(case)},
            "display": "Pseudonymiserad patient",
        },
        "date": iso(case.occurred_at),
        "detected": iso(case.discovered_at),
        "recordedDate": iso(case.reported_at),
        "seriousness": _concept(f"{TERMINOLOGY}/adverse-event-seriousness",
                                "serious" if case.serious else "non-serious",
                                "Serious" if case.serious else "Non-serious"),
        "outcome": _concept(f"{TERMINOLOGY}/adverse-event-outcome",
                            *(("resolved", "Resolved") if str(case.status) == Status.CLOSED.value
                              else ("ongoing", "Ongoing"))),
    }
    if case.category:
        data["category"] = [_concept("urn:avvikelse:category", case.category)]
    if case.consequence:
        code = {1: "mild", 2: "moderate"}.get(case.consequence, "severe")
        data["severity"] = _concept(f"{TERMINOLOGY}/adverse-event-severity", code, code.capitalize())
    return {k: v for k, v in data.items() if v is not None}


def _concept(system: str, code: str, display: str | None = None) -> dict:
    coding = {"system": system, "code": code}
    if display:
        coding["display"] = str(display)
    return {"coding": [coding]}
