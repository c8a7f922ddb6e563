"""The API's response shapes as JSON Schema, declared once beside serialize.py.

Request bodies are not here: openapi.py derives them from the WTForms classes that
validate them. These are what the endpoints send back; the OpenAPI document references
them by name, and schemathesis checks every response in `make test` against them.
"""
from avvikelse.cases.enums import Confirmed, EventType, Kind, Status


def _null(kind: str, **extra) -> dict:
    return {"type": [kind, "null"], **extra}


def _enum(values) -> list[str]:
    return [str(v) for v in values]


def _object(properties: dict, required: list[str] | None = None) -> dict:
    return {"type": "object", "properties": properties,
            "required": list(properties) if required is None else required}


TIME = _null("string", format="date-time")
DAY = _null("string", format="date")
STR = _null("string")
INT = _null("integer")

CASE_SUMMARY = _object({
    "reference": {"type": "string"},
    "kind": {"type": "string", "enum": _enum(Kind)},
    "event_type": _null("string", enum=[*_enum(EventType), None]),
    "status": {"type": "string", "enum": _enum(Status)},
    "sender_organisation": STR,
    "sender_unit": STR,
    "receiver_organisation": STR,
    "receiver_unit": STR,
    "category": STR,
    "consequence": INT,
    "probability": INT,
    "risk": INT,
    "serious": _null("boolean"),
    "reported_at": TIME,
    "due_at": TIME,
})

EVENT = _object({
    "at": TIME, "actor": STR, "action": {"type": "string"},
    "from_status": STR, "to_status": STR, "note": STR,
})

MESSAGE = _object({
    "at": TIME, "author": STR, "organisation": STR, "body": {"type": "string"},
})

MEASURE = _object({"text": STR, "owner": STR, "due_on": DAY})

ANSWER = {
    "type": ["object", "null"],
    "properties": {
        "confirmed": _null("string", enum=[*_enum(Confirmed), None]),
        "analysis": STR,
        "patient_informed": _null("boolean"),
        "measures": {"type": "array", "items": {"$ref": "#/components/schemas/Measure"}},
        "at": TIME,
        "author": STR,
    },
}

ESCALATION = _object({
    "id": {"type": "integer"},
    "case": {"type": "string"},
    "trigger": {"type": "string"},
    "role": {"type": "string"},
    "organisation": {"type": "string"},
    "opened_at": TIME,
    "acknowledge_by": TIME,
    "acknowledged_at": TIME,
    "decision": STR,
    "step": STR,
    "reported_on": DAY,
    "ivo_reference": STR,
    "reason": STR,
    "decided_at": TIME,
    "concluded_at": TIME,
    "steps": {"type": "array", "description": "Besluten steg för steg, äldst först.", "items": _object({
        "id": {"type": "integer"}, "decision": {"type": "string"}, "step": {"type": "string"},
        "at": TIME, "by": STR, "reported_on": DAY, "ivo_reference": STR, "reason": STR,
        "corrects": {"type": ["integer", "null"], "description": "Steget som detta rättar."},
    })},
})

CASE_DETAIL = {
    "allOf": [
        {"$ref": "#/components/schemas/CaseSummary"},
        _object({
            "occurred_at": TIME, "discovered_at": TIME, "received_at": TIME,
            "answered_at": TIME, "closed_at": TIME,
            "deidentified_at": TIME,
            "free_text_removed": {"type": "boolean", "description":
                                  "Fritexten är borttagen efter bevarandetiden (tomma fält)."},
            "description": STR, "immediate_action": STR, "proposal": STR,
            "reporter_role": STR, "location_type": STR, "care_phase": STR,
            "history": {"type": "array", "items": {"$ref": "#/components/schemas/CaseEvent"}},
            "messages": {"type": "array", "items": {"$ref": "#/components/schemas/Message"}},
            "answer": {"$ref": "#/components/schemas/Answer"},
            "available_actions": {"type": "array", "items": {"type": "string"}},
            "escalations": {"type": "array", "items": {"$ref": "#/components/schemas/Escalation"}},
            "patient_protected": {"type": "boolean", "description":
                                  "Patienten har skyddade personuppgifter: lämna inte ut något om patienten."},
            # Only for a caller the access policy lets see the patient.
            "patient_id": {"type": "string"},
            "patient_reserve_id": {"type": "string"},
            "patient_shared_basis": _null("string", description=(
                "Koden för den rättsliga grund på vilken avsändaren delar identiteten med "
                "mottagaren (t.ex. consent, secrecy_exception), eller null.")),
            "patient_shared_with": _null("string", description="Organisationen identiteten delas med."),
            "patient_shared_note": STR,
            "agreement": _object({
                "version": _null("string", description=(
                    "Avtalsversionen som gällde när ärendet rapporterades, t.ex. \"2020\"; "
                    "null när inget avtal gällde.")),
                "clause": _null("string", description=(
                    "Kategorins avtalspunkter i den versionen, t.ex. \"§6.1, LUS\".")),
            }),
        }, required=["history", "messages", "answer", "available_actions", "escalations",
                     "patient_protected", "agreement"]),
    ]
}

CASE_LIST = _object({
    "items": {"type": "array", "items": {"$ref": "#/components/schemas/CaseSummary"}},
    "next": STR,
})

DIRECTORY = _object({
    "organisations": {"type": "array", "items": _object({
        "code": {"type": "string"}, "name": {"type": "string"},
        "kind": {"oneOf": [
            {"type": "string", "enum": ["region", "kommun"]},
            {"type": "array", "items": {"type": "string", "enum": ["region", "kommun"]},
             "description": "En organisation med både regionens och kommunens uppgifter (Region Gotland)."}]},
        "lan": {"type": "string", "description": "Länskoden, t.ex. 23."},
        "receives": {"type": "boolean", "description": "Om länet är anslutet: ärenden kan skickas dit."},
        "units": {"type": "array", "items": _object({
            "code": {"type": "string"}, "name": {"type": "string"}})},
    })},
})

_COUNT = {"oneOf": [{"type": "integer", "minimum": 0}, {"type": "string", "enum": ["x"]}],
          "description": "Antal, eller x: dolt."}
_COUNTS = {"type": "object", "additionalProperties": _COUNT}
NATIONAL_SUMMARY = _object({
    "period": {"type": "string"}, "as_of": {"type": "string", "format": "date-time"},
    "counties": {"type": "array", "items": _object({"code": {"type": "string"}, "name": {"type": "string"}})},
    "total": _COUNT, "by_county": _COUNTS, "by_direction": _COUNTS, "by_type": _COUNTS,
    "by_event_type": _COUNTS, "by_consequence": _COUNTS,
    "county_direction": {"type": "object", "additionalProperties": _COUNTS},
    "county_type": {"type": "object", "additionalProperties": _COUNTS},
    "trend": {"type": "array", "items": _object({"period": {"type": "string"}, "total": _COUNT,
                                                 "by_county": _COUNTS})},
    "disclosure": _object({"method": {"type": "string"}, "threshold": {"type": "integer"},
                           "hidden": {"type": "string"}}),
})

ESCALATION_LIST = _object({
    "items": {"type": "array", "items": {"$ref": "#/components/schemas/Escalation"}},
})

ISSUED_TOKEN = _object({
    "token": {"type": "string", "description": "Visas bara här, en gång."},
    "token_type": {"type": "string", "enum": ["Bearer"]},
    "expires_at": TIME,
})

TOKEN_INFO = _object({
    "id": {"type": "integer"}, "name": {"type": "string"},
    "created_at": TIME, "expires_at": TIME, "last_used_at": TIME, "revoked_at": TIME,
    "current": {"type": "boolean", "description": "Token som gjorde anropet."},
})

TOKEN_LIST = _object({"items": {"type": "array", "items": {"$ref": "#/components/schemas/TokenInfo"}}})

#: FHIR R4 AdverseEvent: validated against the resource's structure with fhir.resources
FHIR_ADVERSE_EVENT = {
    "type": "object",
    "properties": {"resourceType": {"type": "string", "enum": ["AdverseEvent"]}},
    "required": ["resourceType", "actuality", "subject"],
    "externalDocs": {"url": "http://hl7.org/fhir/R4/adverseevent.html"},
}

ERROR = _object({
    "error": {"type": "string", "examples": ["not_found"]},
    "message": {"type": "string"},
    "correlation_id": {"type": "string"},
}, required=["error", "message"])

VALIDATION_ERROR = _object({
    "error": {"type": "string", "enum": ["invalid"]},
    "message": {"type": "string"},
    "errors": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
})

WEBHOOK_EVENT = _object({
    "id": {"type": "string", "format": "uuid", "description": "Samma vid varje nytt försök: avdubblera på den."},
    "type": {"type": "string", "enum": ["case.received", "case.answered", "case.escalated", "case.closed", "ping"]},
    "created_at": {"type": "string", "format": "date-time"},
    "data": {"type": "object", "properties": {
        "reference": {"type": "string"}, "status": {"type": "string"},
        "sender_organisation": STR, "receiver_organisation": STR, "organisation": {"type": "string"}}},
})

ATTACHMENT = _object({
    "id": {"type": "integer"},
    "filename": {"type": "string", "description": "Tomt när bilagan tagits bort efter bevarandetiden."},
    "content_type": {"type": "string", "enum": ["application/pdf", "image/jpeg", "image/png"]},
    "size": {"type": "integer", "minimum": 0},
    "state": {"type": "string", "enum": ["scanning", "clean", "rejected", "removed"]},
    "scanned": {"type": "boolean", "description": "false: släpptes igenom utan virusskanner."},
    "message_id": INT,
    "answer_id": INT,
    "uploaded_at": TIME,
    "uploader": STR,
}, required=["id", "filename", "content_type", "size", "state"])

ATTACHMENT_LIST = _object({"items": {"type": "array", "items": {"$ref": "#/components/schemas/Attachment"}}})

#: anything an endpoint without a declared schema sends: at least a JSON value
ANY_JSON = {}

SCHEMAS = {
    "CaseSummary": CASE_SUMMARY,
    "CaseDetail": CASE_DETAIL,
    "CaseList": CASE_LIST,
    "CaseEvent": EVENT,
    "Message": MESSAGE,
    "Measure": MEASURE,
    "Answer": ANSWER,
    "Escalation": ESCALATION,
    "EscalationList": ESCALATION_LIST,
    "Directory": DIRECTORY,
    "NationalSummary": NATIONAL_SUMMARY,
    "IssuedToken": ISSUED_TOKEN,
    "TokenInfo": TOKEN_INFO,
    "TokenList": TOKEN_LIST,
    "FhirAdverseEvent": FHIR_ADVERSE_EVENT,
    "Error": ERROR,
    "ValidationError": VALIDATION_ERROR,
    "WebhookEvent": WEBHOOK_EVENT,
    "Attachment": ATTACHMENT,
    "AttachmentList": ATTACHMENT_LIST,
}
