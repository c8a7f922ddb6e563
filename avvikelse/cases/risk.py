"""The 4×4 risk matrix Swedish risk analysis uses, and the derived "allvarlig"."""
from flask import current_app
from flask_babel import lazy_gettext as _l

CONSEQUENCE_LABELS = {1: _l("Mindre"), 2: _l("Måttlig"), 3: _l("Betydande"), 4: _l("Katastrofal")}
PROBABILITY_LABELS = {1: _l("Mycket liten"), 2: _l("Liten"), 3: _l("Stor"), 4: _l("Mycket stor")}


def risk_score(consequence: int, probability: int) -> int:
    return consequence * probability


def risk_level(score: int) -> str:
    if score >= 9:
        return str(_l("Mycket hög"))
    if score >= 6:
        return str(_l("Hög"))
    if score >= 3:
        return str(_l("Måttlig"))
    return str(_l("Låg"))


def is_serious(reporter_says: bool, consequence: int, probability: int) -> bool:
    """The reporter's own flag, or the thresholds from settings (consequence ≥ 3, risk ≥ 8)."""
    cfg = current_app.config
    return (
        reporter_says
        or consequence >= cfg["SERIOUS_CONSEQUENCE_MIN"]
        or risk_score(consequence, probability) >= cfg["SERIOUS_RISK_MIN"]
    )
