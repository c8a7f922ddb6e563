"""Retention: what is removed from ended cases, and when (a job, not a page)."""
