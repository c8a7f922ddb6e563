"""Hardening that applies to every request: start-up checks, HSTS, content types, ids."""
from avvikelse.security.hardening import check_production_config, register  # noqa: F401
