"""GET /cases/<reference>/fhir: the case as a FHIR R4 AdverseEvent."""
import json

from flask import Response, g

from avvikelse.cases.policy import get_case_for, log_reads
from avvikelse.integrations.fhir import adverse_event

FHIR_JSON = "application/fhir+json"


def case_fhir(reference: str):
    case = get_case_for(g.api_user, reference)  # the access policy, and its access log
    log_reads(g.api_user, [case], action="export")  # the record leaves the system: PDL counts it apart
    return Response(json.dumps(adverse_event(case), ensure_ascii=False), content_type=FHIR_JSON)
