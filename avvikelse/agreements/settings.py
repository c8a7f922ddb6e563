"""The settings an agreement decides, one line each: the column on a version, the
installation's setting it falls back to (config.py, the same name in capitals), what a
form accepts. Everything else (the pages, the history, `Rules`) is read from this table."""
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Setting:
    key: str
    label: object  # a lazy Swedish string
    kind: type  # int or bool
    minimum: int | None = None
    maximum: int | None = None

    @property
    def config_key(self) -> str:
        return self.key.upper()


SETTINGS = (
    Setting("answer_due_days", _l("Dagar till svar"), int, 1, 365),
    Setting("reminder_days_before", _l("Påminnelse, dagar före svarsdagen"), int, 0, 90),
    Setting("overdue_escalation_days", _l("Eskalering, dagar efter svarsdagen"), int, 0, 365),
    Setting("serious_consequence_min", _l("Allvarlig från konsekvens"), int, 1, 4),
    Setting("serious_risk_min", _l("Allvarlig från risk (konsekvens × sannolikhet)"), int, 1, 16),
    Setting("kommun_to_kommun_allowed", _l("Kommun får rapportera till kommun"), bool),
)
BY_KEY = {s.key: s for s in SETTINGS}


def as_text(value) -> str | None:
    """How the history stores a value: None is the installation's setting."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "ja" if value else "nej"
    return str(value)
