"""Jämtlands län's agreement as seed data: the home-care agreement between Region
Jämtland Härjedalen and the eight kommuner, in force from 2017-04-01, revised from
2020-03-01, and extended while a new agreement is negotiated.

Dates, clause numbers and titles and decision references are the documents' facts; the
summaries and notes are this project's own short words. The migration that introduced
agreements wrote this data out as it stood then; later changes here reach a database
through `seed_agreements` (which adds what is missing and changes nothing an
administrator may have edited).
"""
from dataclasses import dataclass
from datetime import date

from avvikelse.agreements.types import CategoryType as T

COUNTY_CODE = "23"
NAME = ("Avtal för samverkan kring hemsjukvård mellan Region Jämtland Härjedalen och kommunerna "
        "i Jämtlands län – Sammanhållen hälso- och sjukvård och socialtjänst i Jämtlands län")
SHORT_NAME = "Hemsjukvårdsavtalet"
PARTIES = "Region Jämtland Härjedalen och de åtta kommunerna i Jämtlands län"


@dataclass(frozen=True)
class Clause:
    code: str
    title: str
    summary: str = ""


@dataclass(frozen=True)
class Category:
    code: str
    label: str
    type: T
    clauses: tuple[str, ...]


@dataclass(frozen=True)
class Extension:
    new_end: date
    decided_on: date | None
    reference: str | None
    note: str


@dataclass(frozen=True)
class Version:
    name: str
    valid_from: date
    valid_to: date | None
    note: str
    extensions: tuple[Extension, ...] = ()


CLAUSES = (
    Clause("§1", "Inledning", "Gemensam ambition, samverkan i öppenhet och förtroende."),
    Clause("§2", "Syfte", "God kvalitet, helhetssyn och bästa användning av resurserna."),
    Clause("§3", "Patientens delaktighet och inflytande",
           "Vården utformas så långt det går i samråd med patienten."),
    Clause("§4", "Egenvård", "Vad som är egenvård och hur den bedöms (bilaga 1)."),
    Clause("§5", "Hemsjukvård", "Vad avtalet menar med hemsjukvård."),
    Clause("§6", "Sammanhållen vård och omsorg",
           "Organisationsgränser får inte hindra vården; oenighet drabbar aldrig den enskilde."),
    Clause("§6.1", "Trygg och säker utskrivning",
           "SIP vid behov av insatser från båda huvudmännen; utskrivning enligt särskild överenskommelse."),
    Clause("§6.2", "Fast vårdkontakt", "Fast vårdkontakt utses vid utskrivning och samordnar insatserna."),
    Clause("§6.4", "Läkemedelshantering i vårdens övergångar",
           "Gemensamma dokument för läkemedel när patienten byter vårdgivare."),
    Clause("§7", "Parternas ansvar"),
    Clause("§7.1", "Allmänt", "Båda parter svarar för tillgänglighet och kontinuitet."),
    Clause("§7.2", "Region Jämtland Härjedalens ansvar",
           "Öppen och sluten vård och alla läkarinsatser, oavsett boendeform."),
    Clause("§7.3", "Kommunernas ansvar",
           "Hälso- och sjukvård upp till läkarnivå, i ordinärt boende enligt avtalets kriterier."),
    Clause("§7.5", "Tjänsteköp", "Parterna kan köpa insatser av varandra med bibehållet ansvar."),
    Clause("§7.6", "Regionvård", "Utskrivning från regionsjukvård sker via primärvård eller specialiserad vård."),
    Clause("§7.7", "Kostnadsansvar för sjukvårdsmaterial, medicinsk utrustning, hjälpmedel m.m.",
           "Kostnaden följer ansvaret för patienten och förskrivaren."),
    Clause("§8", "Samverkan mellan huvudmännen", "Forum för samverkan; oklara kostnader delas."),
    Clause("§8.1", "Avvikelsehantering",
           "Avvikelser mellan huvudmännen hanteras enligt gemensam rutin och följs upp i gemensamt forum."),
    Clause("§8.2", "Fortbildningsinsatser"),
    Clause("§8.3", "Lokala överenskommelser"),
    Clause("§9", "Information"),
    Clause("§10", "Avtalstid och uppföljning",
           "Avtalstid, uppsägning och förlängning med två år i taget; uppföljning varje år."),
    Clause("§11", "Tvist", "Tvister löses i samverkansforum."),
    Clause("bilaga 1", "Bedömning av egenvård"),
    Clause("bilaga 2", "Samverkan och ansvar mellan primärvård och kommun"),
    Clause("bilaga 3", "Samverkan och ansvar mellan specialiserad vård och kommun"),
    Clause("bilaga 4", "Regler, rutiner och ersättning vid tjänsteköp"),
    Clause("bilaga 5", "Samverkan inom syn- och hörselrehabilitering"),
    Clause("bilaga 6", "Vårdhygienisk expertis"),
    Clause("bilaga 7", "Samverkan om medicinteknisk utrustning"),
    Clause("bilaga 8", "Kostnadsansvar för sjukvårdsmaterial, medicinteknisk utrustning, hjälpmedel m.m."),
    Clause("bilaga 10", "Läkemedelshantering"),
    Clause("LUS", "Lagen om samverkan vid utskrivning från sluten hälso- och sjukvård",
           "Regleras i en särskild överenskommelse som avtalet hänvisar till (§6.1)."),
)

# The codes cases have always stored; the same in both versions.
CATEGORIES = (
    Category("discharge", "Utskrivning och informationsöverföring", T.INFORMATION_TRANSFER, ("§6.1", "LUS")),
    Category("sip", "SIP / samordnad individuell planering", T.CARE_PLANNING, ("§6.1", "§7.3")),
    Category("care_contact", "Fast vårdkontakt", T.CARE_CONTACT, ("§6.2",)),
    Category("medication", "Läkemedel och läkemedelshantering", T.MEDICATION, ("§6.4", "§7.3", "bilaga 10")),
    Category("physician", "Läkarmedverkan och tillgänglighet", T.PHYSICIAN_AVAILABILITY, ("§7.2", "bilaga 2")),
    Category("responsibility", "Ansvarsfördelning / hemsjukvårdens kriterier", T.RESPONSIBILITY, ("§7.3",)),
    Category("self_care", "Egenvårdsbedömning", T.SELF_CARE, ("§4", "bilaga 1")),
    Category("equipment", "Hjälpmedel, medicinteknik och sjukvårdsmaterial", T.EQUIPMENT,
             ("§7.7", "bilaga 7", "bilaga 8")),
    Category("purchased", "Tjänsteköp", T.PURCHASED_SERVICES, ("§7.5", "bilaga 4")),
    Category("hygiene", "Vårdhygien", T.HYGIENE, ("bilaga 6",)),
    Category("conduct", "Bemötande och kommunikation", T.CONDUCT, ("§1", "§3")),
    Category("other", "Övrigt", T.OTHER, ()),
)

VERSIONS = (
    Version("2017", date(2017, 4, 1), date(2020, 2, 29),
            "Avtalet som trädde i kraft 2017-04-01. Ersatt av den reviderade versionen från 2020-03-01."),
    Version(
        "2020", date(2020, 3, 1), date(2020, 12, 31),
        "Reviderad från 2020-03-01: främst utskrivningen enligt lagen om samverkan vid utskrivning, "
        "hemsjukvårdens kriterier för ansvarsfördelning samt avtalstid och uppföljning.",
        extensions=(
            Extension(date(2022, 12, 31), None, "RS/203/2021",
                      "Förlängt i avvaktan på en gemensam plan för hälso- och sjukvård på primärvårdsnivå, "
                      "efter SVOM:s rekommendation 2021-06-04 (§ 20). Kan upphävas i förtid när planen är klar."),
            Extension(date(2024, 12, 31), None, "§10",
                      "Ingen part sade upp avtalet: det förlängdes med två år enligt avtalets egen §10."),
            Extension(date(2025, 6, 30), None, None,
                      "Beslut i december 2024 att förlänga till 2025-06-30 medan ett nytt avtal tas fram."),
            Extension(date(2025, 12, 31), None, "RS/203/2021",
                      "Förlängt efter SVOM:s rekommendation 2025-03-07 (§ 11), då arbetet med ett nytt "
                      "avtal drog ut på tiden. Upphör i förtid om ett nytt avtal beslutas dessförinnan."),
        ),
    ),
)
