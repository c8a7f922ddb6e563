"""The API's response shapes as JSON Schema, declared once beside serialize.py.

Request bodies are not here: openapi.py derives them from the WTForms classes that
validate them. These are what the endpoints send back; the OpenAPI document references
them by name, and schemathesis checks every response in `make test` against them.
"""
from avvikelse.cases.enums import Confirmed, EventType, Kind, LinkKind, MeasureStatus, Status
from avvikelse.learning.enums import FactorArea, InvestigationStatus, SummaryStatus
from avvikelse.integrations.webhooks import EVENTS as WEBHOOK_EVENTS


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
    "owner": _null("string", description=(
        "Användarnamnet på den handläggare hos mottagaren som ansvarar för ärendet, eller null.")),
})

EVENT = _object({
    "at": TIME, "actor": STR, "action": {"type": "string"},
    "from_status": STR, "to_status": STR, "note": STR,
})

MESSAGE = _object({
    "at": TIME, "author": STR, "organisation": STR, "body": {"type": "string"},
})

MEASURE = _object({"id": {"type": "integer"}, "text": STR, "owner": STR, "due_on": DAY,
                   "owner_organisation": STR, "status": {"type": "string", "enum": _enum(MeasureStatus)}},
                  required=["text", "owner", "due_on"])

TRACKED_MEASURE = _object({
    "id": {"type": "integer"},
    "text": STR, "owner": STR, "owner_organisation": STR, "owner_user": STR,
    "due_on": DAY,
    "status": {"type": "string", "enum": _enum(MeasureStatus)},
    "note": STR, "done_on": DAY,
    "overdue": {"type": "boolean", "description": "Planerad eller pågående och efter sitt datum."},
    "effect_due_on": DAY, "effect_checked_on": DAY, "effect": STR, "patient_informed_on": DAY,
    "case": _null("string", description="Ärendet åtgärden gäller; null när anroparen inte får se det."),
    "investigation": INT,
    "created_at": TIME,
})

LINK = _object({
    "kind": {"type": "string", "enum": _enum(LinkKind)},
    "reference": _null("string", description="null: ett ärende som anroparen inte får se."),
    "direction": _null("string", enum=["follows", "followed_by", None]),
})

INVESTIGATION_SUMMARY = _object({
    "id": {"type": "integer"}, "title": {"type": "string"},
    "status": {"type": "string", "enum": _enum(InvestigationStatus)},
    "joint": {"type": "boolean"}, "lead_organisation": {"type": "string"},
    "opened_at": TIME, "due_on": DAY, "finished_at": TIME,
})

INVESTIGATION = {"allOf": [
    {"$ref": "#/components/schemas/InvestigationSummary"},
    _object({
        "lead": STR, "submitted_at": TIME, "closed_reason": STR,
        "cases": {"type": "array", "items": _null("string"),
                  "description": "Ärendena; null för ett ärende som anroparen inte får se."},
        "participants": {"type": "array", "items": _object({"username": {"type": "string"},
                                                            "organisation": STR})},
        "timeline": {"type": "array", "items": _object({"id": {"type": "integer"}, "at": TIME,
                                                        "text": {"type": "string"}, "author": STR})},
        "factors": {"type": "array", "items": _object({
            "id": {"type": "integer"}, "area": {"type": "string", "enum": _enum(FactorArea)},
            "clause": STR, "text": {"type": "string"}})},
        "root_causes": {"type": "array", "items": _object({"id": {"type": "integer"}, "text": {"type": "string"}})},
        "conclusion": STR,
        "measures": {"type": "array", "items": {"$ref": "#/components/schemas/TrackedMeasure"}},
        "may_edit": {"type": "boolean"}, "may_name_participants": {"type": "boolean"},
    }),
]}

LEARNING_SUMMARY = _object({
    "id": {"type": "integer"}, "text": {"type": "string"},
    "published_on": DAY,
    "categories": {"type": "array", "items": _object({"label": {"type": "string"}, "clause": {"type": "string"}})},
    "directions": {"type": "array", "items": {"type": "string"}},
    "status": {"type": "string", "enum": _enum(SummaryStatus)},
    "approved_by": {"type": "array", "items": STR},
}, required=["id", "text", "published_on", "categories", "directions"])

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
            "links": {"type": "array", "items": {"$ref": "#/components/schemas/Link"}},
            "merged_into": _null("string", description=(
                "Ett sammanslaget ärende: ärendet det gick in i (null om anroparen inte får se det).")),
            "investigations": {"type": "array", "items": _object({
                "id": {"type": "integer"}, "status": {"type": "string"}, "joint": {"type": "boolean"},
                "lead_organisation": {"type": "string"}})},
            "agreement": _object({
                "version": _null("string", description=(
                    "Avtalsversionen som gällde när ärendet rapporterades, t.ex. \"2020\"; "
                    "null när inget avtal gällde.")),
                "clause": _null("string", description=(
                    "Kategorins avtalspunkter i den versionen, t.ex. \"§6.1, LUS\".")),
            }),
        }, required=["history", "messages", "answer", "available_actions", "escalations",
                     "patient_protected", "agreement", "links", "investigations"]),
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
    "computed_at": {"type": "string", "format": "date-time",
                    "description": "När den nationella tabellen skyddades (den äldsta delen som visas)."},
    "note": {**STR, "description": "Satt när ärenden har ändrats sedan dess: siffrorna räknas om inom några minuter."},
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
    "type": {"type": "string", "enum": [*WEBHOOK_EVENTS, "ping"]},
    "created_at": {"type": "string", "format": "date-time"},
    "data": {"type": "object", "properties": {
        "reference": {"type": "string"}, "status": {"type": "string"},
        "sender_organisation": STR, "receiver_organisation": STR, "organisation": {"type": "string"},
        "id": {"type": "integer"}, "cases": {"type": "array", "items": {"type": "string"}},
        "due_on": {"type": "string"}, "lead_organisation": {"type": "string"},
        "owner_organisation": {"type": "string"}, "investigation": INT, "joint": {"type": "boolean"}}},
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

ABSENCE = _object({
    "id": {"type": "integer"},
    "from": {"type": "string", "format": "date", "description": "Första dagen."},
    "to": {"type": "string", "format": "date", "description": "Sista dagen (ingår)."},
    "deputy": STR,
    "standing_deputy": {"type": "boolean", "description": "Ersättaren är den stående ersättaren."},
})

ABSENCE_LIST = _object({
    "items": {"type": "array", "items": {"$ref": "#/components/schemas/Absence"}},
    "standing_deputy": STR,
})

STANDING_DEPUTY = _object({"standing_deputy": STR})

BULK_RESULTS = _object({"results": {"type": "array", "items": _object({
    "reference": {"type": "string"},
    "done": {"type": "boolean"},
    "status": STR,
    "message": _null("string", description="Varför åtgärden inte utfördes för ärendet."),
})}})

_COUNTS = {"filed": {"type": "integer", "minimum": 0, "description": "Rapporterade av egna enheter."},
           "received": {"type": "integer", "minimum": 0, "description": "Mottagna av egna enheter."},
           "answered_in_time": {"type": "integer", "minimum": 0, "description": "Mottagna och besvarade i tid."},
           "overdue": {"type": "integer", "minimum": 0,
                       "description": "Mottagna, öppna och försenade vid periodens slut (eller nu)."},
           "measures": {"type": "integer", "minimum": 0, "description": "Åtgärder i svaren på de mottagna."}}

FIGURES = _object({
    "organisation": {"type": "string"},
    "units": {"type": ["array", "null"], "items": {"type": "string"},
              "description": "En chefs enheter; null för hela organisationen."},
    "period": {"type": "string"},
    "step": {"type": "string", "enum": ["month", "quarter"]},
    "as_of": {"type": "string", "format": "date-time"},
    "totals": _object(_COUNTS),
    "by_unit": {"type": "array", "items": _object({
        "unit": {"type": "string", "description": "Enhetens kod, eller intake för organisationens mottagning."},
        "name": STR, **_COUNTS})},
    "by_category": {"type": "array", "items": _object({"category": {"type": "string"}, **_COUNTS})},
    "by_event_type": {"type": "array", "items": _object({"event_type": {"type": "string"}, **_COUNTS})},
    "by_period": {"type": "array", "items": _object({"period": {"type": "string"}, **_COUNTS})},
})

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
    "TrackedMeasure": TRACKED_MEASURE,
    "MeasureList": _object({"items": {"type": "array", "items": {"$ref": "#/components/schemas/TrackedMeasure"}}}),
    "Link": LINK,
    "LinkList": _object({"links": {"type": "array", "items": {"$ref": "#/components/schemas/Link"}}}),
    "InvestigationSummary": INVESTIGATION_SUMMARY,
    "Investigation": INVESTIGATION,
    "InvestigationList": _object({"items": {"type": "array",
                                            "items": {"$ref": "#/components/schemas/InvestigationSummary"}}}),
    "LearningSummary": LEARNING_SUMMARY,
    "LearningSummaryList": _object({"items": {"type": "array",
                                              "items": {"$ref": "#/components/schemas/LearningSummary"}}}),
    "AttachmentList": ATTACHMENT_LIST,
    "Absence": ABSENCE,
    "AbsenceList": ABSENCE_LIST,
    "StandingDeputy": STANDING_DEPUTY,
    "BulkResults": BULK_RESULTS,
    "Figures": FIGURES,
}
