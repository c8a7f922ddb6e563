"""What each API endpoint takes and returns, for the OpenAPI document.

Request bodies name the WTForms class that validates them; openapi.py turns the class
into JSON Schema. One table, by endpoint, so endpoints in modules owned elsewhere
(escalations) are described without editing them. An endpoint missing here is still
documented, with a generic operation (see `declared`).
"""
from collections.abc import Callable
from dataclasses import dataclass, field

from avvikelse.api.form_schema import form_schema
from avvikelse.cases.enums import Status
from avvikelse.accounts.forms import AbsenceForm, StandingDeputyForm
from avvikelse.cases.categories import BY_CODE
from avvikelse.cases.forms import ACTION_FORMS, BulkForm, CaseForm, LinkForm, MessageForm
from avvikelse.cases.queries import SEARCH_BOXES
from avvikelse.escalation.forms import CorrectionForm, DecisionForm
from avvikelse.learning.forms import (InvestigationForm, MeasureForm, MeasureUpdateForm, ParticipantsForm,
                                      SummaryForm)
from avvikelse.learning.measures import LIST_STATUSES
from avvikelse.search.filters import MAX_QUERY_LENGTH, ORDERS

API_DESCRIPTION = (
    "Avvikelser och klagomål mellan region och kommun. Varje anrop utom `POST /auth/token` "
    "och detta dokument kräver `Authorization: Bearer <token>`. Fel har alltid formen "
    "`{error, message}`, och valideringsfel (422) dessutom `errors` per fält. "
    "Ett POST med `Idempotency-Key` utförs en gång: ett nytt försök med samma nyckel och "
    "samma innehåll inom 24 timmar får det ursprungliga svaret, med annat innehåll 409."
)

ERROR_STATUSES = (400, 401, 403, 404, 409, 413, 415, 422, 429, 503)

IDEMPOTENCY_PARAMETER = {
    "name": "Idempotency-Key", "in": "header", "required": False,
    "description": "Unik per försök att göra något (t.ex. ett UUID). Sparas 24 timmar per anropare.",
    "schema": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": "^[\\x21-\\x7e]+$"},
}


WEBHOOK = {"post": {
    "summary": "Händelse i ett ärende, en utredning eller en åtgärd (webhook)",
    "description": (
        "Skickas till organisationens registrerade https-adress när ett ärende tas emot, besvaras, "
        "eskaleras eller avslutas; när en händelseanalys öppnas, godkänns, avslutas eller blir "
        "försenad; när en åtgärd läggs till, byter status, får sin effekt uppföljd eller blir "
        "försenad. Bara id:n och status, aldrig patientuppgifter eller fritext. Huvudet "
        "`Avvikelse-Signature: t=<unixtid>,v1=<hex>` är HMAC-SHA256 med webhookens hemliga nyckel av "
        "`<unixtid>.<innehåll>`; kontrollera den och att tiden är högst fem minuter gammal. Svara 2xx; "
        "annars görs nya försök med fördubblad väntetid."),
    "parameters": [
        {"name": "Avvikelse-Signature", "in": "header", "required": True, "schema": {"type": "string"}},
        {"name": "Avvikelse-Event", "in": "header", "required": True, "schema": {"type": "string"}},
        {"name": "Avvikelse-Delivery", "in": "header", "required": True, "schema": {"type": "string"}},
    ],
    "requestBody": {"required": True, "content": {"application/json": {
        "schema": {"$ref": "#/components/schemas/WebhookEvent"}}}},
    "responses": {"2XX": {"description": "Mottaget."}},
}}


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


@dataclass
class Operation:
    summary: str
    tag: str
    #: a WTForms class, a JSON Schema dict, or a function returning one
    body: object = None
    query: list[dict] = field(default_factory=list)
    responses: dict[int, tuple[str, dict | None]] = field(default_factory=dict)
    description: str = ""
    public: bool = False
    #: the success response's media type, or several (a file's bytes)
    media: str | tuple[str, ...] = "application/json"
    #: the request body's media type, and more of its media object (a multipart encoding)
    body_media: str = "application/json"
    body_extra: dict = field(default_factory=dict)
    #: error statuses beyond those the method has by default (a GET that can be 409)
    extra_errors: tuple[int, ...] = ()
    #: OpenAPI links from the success response, for clients and stateful testing
    links: dict = field(default_factory=dict)

    def request_schema(self) -> dict:
        if isinstance(self.body, dict):
            return self.body
        if isinstance(self.body, type):
            return form_schema(self.body)
        return self.body()  # type: ignore[operator]

    def error_statuses(self, method: str) -> list[int]:
        skip = {403} if self.public else set()
        if method in {"GET", "DELETE"}:
            skip |= {413, 415}
            if method == "GET":
                skip.add(409)
            if not self.query and method == "GET" or method == "DELETE":
                skip.add(422)
        return [s for s in ERROR_STATUSES if s not in skip or s in self.extra_errors]


def _query(name: str, description: str, schema: dict, required: bool = False) -> dict:
    return {"name": name, "in": "query", "required": required, "description": description, "schema": schema}


def _actions_schema() -> dict:
    """One alternative per form: `action` names which, the rest is that form's fields."""
    by_form: dict[type, list[str]] = {}
    for action, form_class in ACTION_FORMS.items():
        by_form.setdefault(form_class, []).append(action)
    alternatives = []
    for form_class, actions in by_form.items():
        schema = form_schema(form_class)
        schema["properties"] = {"action": {"type": "string", "enum": actions}, **schema["properties"]}
        schema["required"] = ["action", *schema.get("required", [])]
        schema["title"] = form_class.__name__
        alternatives.append(schema)
    return {"oneOf": alternatives, "description": "Fritexten heter `note` eller `reason`; båda godtas."}


#: an attachment: the file, and optionally the uploader's own message or answer it goes with
ATTACHMENT_UPLOAD = {
    "type": "object",
    "required": ["file"],
    "properties": {
        "file": {"type": "string", "format": "binary", "description": (
            "Filen. Typen avgörs av innehållet: PDF, JPEG, PNG eller HEIC/HEIF (sparas som "
            "JPEG). Bilder sparas utan metadata (kamera, GPS).")},
        "message_id": {"type": "integer", "minimum": 1,
                       "description": "Ett av ärendets meddelanden, skrivet av anroparen."},
        "answer_id": {"type": "integer", "minimum": 1,
                      "description": "Ett av ärendets svar, skrivet av anroparen."},
    },
}
ATTACHMENT_ENCODING = {"encoding": {"file": {"contentType": (
    "application/pdf, image/jpeg, image/png, image/heic, image/heif, application/octet-stream")}}}
FILE_MEDIA = ("application/pdf", "image/jpeg", "image/png")


def _escalation_actions_schema() -> dict:
    alternatives = [{"type": "object", "required": ["action"],
                     "properties": {"action": {"type": "string", "enum": ["acknowledge"]}}}]
    for action, form_class in (("decide", DecisionForm), ("correct", CorrectionForm)):
        schema = form_schema(form_class)
        schema["properties"] = {"action": {"type": "string", "enum": [action]}, **schema["properties"]}
        schema["required"] = ["action", *schema.get("required", [])]
        alternatives.append(schema)
    return {"oneOf": alternatives}


CREDENTIALS = {
    "type": "object", "required": ["username", "password"],
    "properties": {"username": {"type": "string", "maxLength": 200},
                   "password": {"type": "string", "maxLength": 1000}},
}

def token_request() -> dict:
    """A person's token (integration accounts get theirs from an administrator): at most
    API_TOKEN_MAX_DAYS; without `expires_in_days`, that long."""
    from flask import current_app

    longest = current_app.config["API_TOKEN_MAX_DAYS"]
    return {
        "type": "object",
        "required": ["name"],
        "properties": {
            "name": {"type": "string", "minLength": 1, "maxLength": 100, "pattern": r"\S"},
            "expires_in_days": {"anyOf": [{"type": "integer", "minimum": 1, "maximum": longest},
                                          {"type": "null"}]},
        },
    }

OPERATIONS: dict[tuple[str, str], Operation] = {
    ("api.issue_api_token", "POST"): Operation(
        "Logga in och få en åtkomsttoken", "Behörighet", body=CREDENTIALS, public=True,
        responses={200: ("En ny token.", ref("IssuedToken"))}),
    ("api.openapi_document", "GET"): Operation(
        "Detta dokument (OpenAPI 3.1)", "Dokumentation", public=True,
        responses={200: ("OpenAPI-dokumentet.", {"type": "object"})}),
    ("api.list_tokens", "GET"): Operation(
        "Mina token", "Behörighet",
        responses={200: ("Anroparens token, utan hemligheter.", ref("TokenList"))}),
    ("api.create_token", "POST"): Operation(
        "Skapa en namngiven token", "Behörighet", body=token_request,
        responses={201: ("Hemligheten visas bara i detta svar.", ref("IssuedToken"))}),
    ("api.revoke_token", "DELETE"): Operation(
        "Återkalla en token", "Behörighet",
        responses={204: ("Återkallad.", None)}),
    ("api.file_case", "POST"): Operation(
        "Registrera ett ärende", "Ärenden", body=CaseForm,
        responses={201: ("Ärendet registrerades.", ref("CaseDetail")),
                   200: ("Samma submission_key igen: ärendet som den redan registrerade.",
                         ref("CaseDetail"))},
        links={name: {"operationId": op, "parameters": {"reference": "$response.body#/reference"}}
               for name, op in (("GetCase", "get_case_get"), ("CaseFhir", "case_fhir_get"),
                                ("PostMessage", "post_message_post"), ("Act", "act_post"))}),
    ("api.list_cases", "GET"): Operation(
        "Lista och sök ärenden", "Ärenden",
        description=(
            "En box (`incoming`, `outgoing`) eller allt anroparen får se (`all`), nyast först och en "
            "sida i taget med `next`, eller de 50 bästa träffarna med `order=relevance`. `q` söker i "
            "fritexten med svensk ordböjning (fallet hittar fall) eller, om den är en referens, efter "
            "ärendet. Utan `box` söker `q` och filtren i `all`. Svaret har inga fritexter och räknas "
            "inte som läsning av ärendena."),
        query=[
            _query("box", "incoming (inkorg), outgoing (skickade) eller all (allt du får se). Krävs utan "
                   "sökparametrar.", {"type": "string", "enum": list(SEARCH_BOXES)}),
            _query("q", "Söktext (alla ord ska finnas) eller en referens",
                   {"type": "string", "maxLength": MAX_QUERY_LENGTH}),
            _query("status", "Bara ärenden med denna status", {"type": "string", "enum": [s.value for s in Status]}),
            _query("category", "Kategorins kod", {"type": "string", "enum": list(BY_CODE)}),
            _query("unit", "En enhets kod (avsändande eller mottagande), se /directory", {"type": "string"}),
            _query("reported_from", "Rapporterade denna dag eller senare (svensk tid)",
                   {"type": "string", "format": "date"}),
            _query("reported_to", "Rapporterade denna dag eller tidigare (svensk tid)",
                   {"type": "string", "format": "date"}),
            _query("serious", "Allvarliga (true) eller inte (false)", {"type": "string", "enum": ["true", "false"]}),
            _query("overdue", "Svaret är försenat (true) eller inte (false)",
                   {"type": "string", "enum": ["true", "false"]}),
            _query("owner", "Bara ärenden som denna handläggare ansvarar för: `me` eller ett användarnamn",
                   {"type": "string", "maxLength": 80}),
            _query("order", "date (nyast först, sida för sida) eller relevance (de 50 bästa träffarna på q)",
                   {"type": "string", "enum": list(ORDERS)}),
            _query("cursor", "Fortsättning från föregående svars `next`", {"type": "string"}),
            _query("limit", "Antal per sida", {"type": "integer", "minimum": 1, "maximum": 100}),
        ],
        responses={200: ("En sida ärenden.", ref("CaseList"))}),
    ("api.bulk_actions", "POST"): Operation(
        "Kvittera, tilldela eller vidarebefordra flera ärenden", "Ärenden", body=BulkForm,
        description=(
            "`action` är `acknowledge`, `assign` (med `owner`) eller `forward` (med `unit`, en "
            "enhet i den egna organisationen); högst 100 ärenden. Varje ärende prövas för sig: "
            "`results` säger för vart och ett om det blev gjort, och annars varför."),
        responses={200: ("Resultatet per ärende.", ref("BulkResults"))}),
    ("api.get_absence", "GET"): Operation(
        "Min frånvaro", "Frånvaro",
        responses={200: ("Pågående och kommande frånvaro, och den stående ersättaren.", ref("AbsenceList"))}),
    ("api.put_absence", "PUT"): Operation(
        "Registrera frånvaro och ersättare", "Frånvaro", body=AbsenceForm,
        description=(
            "`from` och `to` är första och sista dagen (ÅÅÅÅ-MM-DD); `deputy` en kollegas "
            "användarnamn, eller null för den stående ersättaren. Frånvaro som överlappar ersätts. "
            "Under frånvaron går meddelanden och påminnelser till ersättaren, och en MAS:s, SAS:s "
            "eller chefsläkares ersättare kan agera på eskaleringarna."),
        responses={200: ("Frånvaron.", ref("Absence"))}),
    ("api.put_deputy", "PUT"): Operation(
        "Ange stående ersättare", "Frånvaro", body=StandingDeputyForm,
        description="`deputy`: en kollegas användarnamn, eller null för ingen.",
        responses={200: ("Den stående ersättaren.", ref("StandingDeputy"))}),
    ("api.get_case", "GET"): Operation(
        "Läs ett ärende", "Ärenden", responses={200: ("Ärendet.", ref("CaseDetail"))}),
    ("api.act", "POST"): Operation(
        "Utför en åtgärd i ärendet", "Ärenden", body=_actions_schema,
        responses={200: ("Ärendet efter åtgärden.", ref("CaseDetail"))}),
    ("api.post_message", "POST"): Operation(
        "Skriv ett meddelande i ärendet", "Ärenden", body=MessageForm,
        responses={201: ("Meddelandet.", ref("Message"))}),
    ("api.case_fhir", "GET"): Operation(
        "Ärendet som FHIR R4 AdverseEvent", "Ärenden",
        description="Patienten anges med en pseudonym, aldrig med personnummer.",
        responses={200: ("AdverseEvent.", ref("FhirAdverseEvent"))}, media="application/fhir+json"),
    ("api.upload_attachment", "POST"): Operation(
        "Bifoga en fil till ärendet", "Bilagor", body=ATTACHMENT_UPLOAD,
        body_media="multipart/form-data", body_extra=ATTACHMENT_ENCODING,
        description=(
            "Filen virusskannas innan den kan hämtas (`state`: `scanning`, sedan `clean` eller "
            "`rejected`). 413: filen är större än tillåtet; 415: filtypen tas inte emot, eller "
            "namnet säger en annan typ än innehållet; 422: filen kan inte läsas, innehåller "
            "skript, är krypterad, eller ryms inte i ärendets utrymme för bilagor."),
        responses={201: ("Bilagan, som virusskannas.", ref("Attachment"))}),
    ("api.list_attachments", "GET"): Operation(
        "Ärendets bilagor", "Bilagor", responses={200: ("Bilagorna.", ref("AttachmentList"))}),
    ("api.get_attachment", "GET"): Operation(
        "Hämta en bilaga", "Bilagor", media=FILE_MEDIA, extra_errors=(409,),
        description=("Filens innehåll, som nedladdning. 409 medan den virusskannas; 404 om den "
                     "avvisades eller har tagits bort efter bevarandetiden."),
        responses={200: ("Filen.", {"type": "string", "format": "binary"})}),
    ("api.own_figures", "GET"): Operation(
        "Den egna organisationens siffror per enhet", "Siffror",
        description=(
            "För chefer (rollen manager: de egna enheterna, eller hela organisationen utan enheter), "
            "MAS, chefsläkare och SAS (hela organisationen). Per enhet, kategori, händelsetyp och månad "
            "(kvartal för ett år): rapporterade, mottagna, besvarade i tid, försenade och åtgärder. "
            "Inget döljs inom den egna organisationen; den andra organisationens siffror finns bara i "
            "forumets sammanställning. Utan `period`: innevarande kvartal."),
        query=[_query("period", "Månad (2026-03), kvartal (2026Q1) eller år (2026)",
                      {"type": "string", "pattern": "^\\s*\\d{4}(-\\d{2}|\\s*[Qq][1-4])?\\s*$"})],
        responses={200: ("Siffrorna.", ref("Figures"))}),
    ("api.directory", "GET"): Operation(
        "Organisationer och enheter", "Katalog",
        description=("Din samverkan (ditt läns organisationer) och organisationer i andra län som din "
                     "organisation har ärenden med; `all=1` hela landet: 21 regioner och 290 kommuner."),
        query=[_query("all", "1: hela landet; 0 (standard): din samverkan och dem ni har ärenden med",
                      {"type": "string", "enum": ["0", "1"]})],
        responses={200: ("Katalogen.", ref("Directory"))}),
    ("api.link_case", "POST"): Operation(
        "Länka ärendet till ett annat", "Ärenden", body=LinkForm,
        description=("`kind`: duplicate (samma rapport två gånger, samma avsändare och mottagare), "
                     "same_event, recurring eller follow_up (detta ärende följer upp det andra). "
                     "Ett länkat ärende som anroparen inte får se visas utan referens."),
        responses={201: ("Ärendets länkar.", ref("LinkList"))}),
    ("api.add_case_measure", "POST"): Operation(
        "Lägg till en åtgärd i ärendet", "Åtgärder", body=MeasureForm,
        description="För den egna organisationen; åtgärder för båda huvudmännen beslutas i en gemensam utredning.",
        responses={201: ("Åtgärden, planerad.", ref("TrackedMeasure"))}),
    ("api.open_investigation", "POST"): Operation(
        "Öppna en händelseanalys", "Utredningar", body=InvestigationForm,
        description=("För MAS, SAS och chefsläkare, över ärenden som den egna organisationen skickar eller "
                     "tar emot. `participants` är användarnamn ur den egna organisationen; med `joint` "
                     "namnger den andra sidans MAS, SAS eller chefsläkare sina egna."),
        responses={201: ("Utredningen.", ref("Investigation"))}),
    ("api.list_investigations", "GET"): Operation(
        "Utredningar jag deltar i eller leder", "Utredningar",
        query=[_query("status", "running (pågående) eller finished (avslutade)",
                      {"type": "string", "enum": ["running", "finished"]})],
        responses={200: ("Utredningarna.", ref("InvestigationList"))}),
    ("api.get_investigation", "GET"): Operation(
        "Läs en utredning", "Utredningar",
        description="Varje läsning loggas för de ärenden utredningen gäller.",
        responses={200: ("Utredningen.", ref("Investigation"))}),
    ("api.add_participants", "POST"): Operation(
        "Namnge deltagare", "Utredningar", body=ParticipantsForm,
        description=("MAS, SAS eller chefsläkare i en av utredningens organisationer namnger deltagare ur "
                     "sin egen organisation (den andra sidans först när utredningen är gemensam)."),
        responses={200: ("Utredningen.", ref("Investigation"))}),
    ("api.add_investigation_measure", "POST"): Operation(
        "Besluta en åtgärd i utredningen", "Åtgärder", body=MeasureForm,
        responses={201: ("Åtgärden, planerad.", ref("TrackedMeasure"))}),
    ("api.list_measures", "GET"): Operation(
        "Min organisations åtgärder", "Åtgärder",
        query=[_query("status", "En status, overdue (försenade) eller effect_due (effekt att följa upp)",
                      {"type": "string", "enum": list(LIST_STATUSES)})],
        responses={200: ("Åtgärderna, efter datum.", ref("MeasureList"))}),
    ("api.get_measure", "GET"): Operation(
        "Läs en åtgärd", "Åtgärder", responses={200: ("Åtgärden.", ref("TrackedMeasure"))}),
    ("api.update_measure", "POST"): Operation(
        "Följ upp en åtgärd", "Åtgärder", body=MeasureUpdateForm,
        description=("Status (not_done kräver `note` med skälet), nytt datum, effektens uppföljning "
                     "(`effect_checked_on` och `effect` tillsammans, när åtgärden är genomförd) och dagen "
                     "patienten informerades (PSL 3 kap. 8 §)."),
        responses={200: ("Åtgärden.", ref("TrackedMeasure"))}),
    ("api.create_summary", "POST"): Operation(
        "Skriv ett lärande exempel", "Lärande", body=SummaryForm,
        description=("Texten får inte innehålla personnummer (422). Visas för alla när MAS, SAS eller "
                     "chefsläkare i ärendenas organisationer har godkänt den."),
        responses={201: ("Det lärande exemplet, som väntar på godkännande.", ref("LearningSummary"))}),
    ("api.list_summaries", "GET"): Operation(
        "Godkända lärande exempel", "Lärande",
        query=[_query("q", "Sök i texten", {"type": "string", "maxLength": 200})],
        responses={200: ("De lärande exemplen, nyast först.", ref("LearningSummaryList"))}),
    ("api.approve_summary", "POST"): Operation(
        "Godkänn ett lärande exempel för min organisation", "Lärande",
        responses={200: ("Det lärande exemplet.", ref("LearningSummary"))}),
    ("api.national_summary", "GET"): Operation(
        "Nationell bild", "Nationellt",
        description=("Antal ärenden per län (avsändarens), riktning, kategorityp (den nationella "
                     "listan), typ av händelse och konsekvens, med åtta kvartals trend; skyddade som en "
                     "nationell tabell. Bara för den nationella rollen."),
        query=[_query("period", "Kvartal som 2026Q3 eller år som 2026", {"type": "string"}, required=True)],
        responses={200: ("Siffrorna; x är ett dolt antal.", ref("NationalSummary"))}),
    ("api.list_escalations", "GET"): Operation(
        "Eskaleringar till mig", "Eskaleringar",
        query=[_query("status", "open (utan beslut) eller decided (med beslut)",
                      {"type": "string", "enum": ["open", "decided"]})],
        responses={200: ("Eskaleringarna.", ref("EscalationList"))}),
    ("api.act_on_escalation", "POST"): Operation(
        "Kvittera, besluta (ett steg i taget) eller rätta ett steg", "Eskaleringar",
        body=_escalation_actions_schema,
        responses={200: ("Eskaleringen.", ref("Escalation"))}),
}


def declared(endpoint: str, method: str) -> Operation:
    """The declared operation, or a generic one for an endpoint nobody described."""
    op = OPERATIONS.get((endpoint, method))
    if op is not None:
        return op
    generic: Callable[[], dict] = lambda: {"type": "object"}  # noqa: E731
    success = {"POST": (200, 201), "DELETE": (200, 204)}.get(method, (200,))
    return Operation(
        summary=endpoint.removeprefix("api.").replace("_", " "),
        tag=endpoint.removeprefix("api.").split("_")[0],
        body=generic if method in {"POST", "PUT", "PATCH"} else None,
        responses={status: ("Svar.", None if status == 204 else {}) for status in success},
    )
