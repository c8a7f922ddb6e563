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


def is_serious(reporter_says: bool, consequence: int, probability: int, rules=None) -> bool:
    """The reporter's own flag, or the thresholds: those of the agreement's `rules` at
    filing time (agreements.rules_at), else the installation's (consequence ≥ 3, risk ≥ 8)."""
    if rules is not None:
        consequence_min, risk_min = rules.serious_consequence_min, rules.serious_risk_min
    else:
        consequence_min = current_app.config["SERIOUS_CONSEQUENCE_MIN"]
        risk_min = current_app.config["SERIOUS_RISK_MIN"]
    return reporter_says or consequence >= consequence_min or risk_score(consequence, probability) >= risk_min
