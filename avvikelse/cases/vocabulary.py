"""Optional analysis fields for the forum: roles, places, phases of care."""
REPORTER_ROLES = [
    ("nurse", "Sjuksköterska"), ("assistant_nurse", "Undersköterska"),
    ("physician", "Läkare"), ("physiotherapist", "Fysioterapeut"),
    ("occupational_therapist", "Arbetsterapeut"), ("care_worker", "Vårdbiträde"),
    ("manager", "Chef"), ("other", "Annan yrkesroll"),
]
LOCATION_TYPES = [
    ("ordinary_home", "Ordinärt boende"), ("nursing_home", "Särskilt boende"),
    ("short_term", "Korttidsboende"), ("hospital", "Sjukhus"),
    ("health_centre", "Hälsocentral"), ("other", "Annat"),
]
CARE_PHASES = [
    ("admission", "Inskrivning"), ("discharge", "Utskrivning"), ("sip", "SIP"),
    ("home_care", "Pågående hemsjukvård"), ("physician_visit", "Läkarinsats"),
    ("other", "Annat"),
]


def label(choices: list[tuple[str, str]], code: str | None) -> str:
    return dict(choices).get(code or "", code or "")
