"""The second county's fixture (tests/counties)."""
from tests.counties.conftest import vnr  # noqa: F401
