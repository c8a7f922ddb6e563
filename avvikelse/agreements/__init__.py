"""The agreement between a county's region and kommuner, as versioned data: its periods
and extensions, clauses, categories and settings. Other code asks `rules_at` /
`rules_for` (agreements.rules) and reads categories through agreements.categories."""
from avvikelse.agreements.rules import (Rules, rules_and_category_at, rules_at, rules_by_version, rules_for,
                                       version_at)

__all__ = ["Rules", "rules_and_category_at", "rules_at", "rules_by_version", "rules_for", "version_at"]
