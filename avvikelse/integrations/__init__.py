"""Integrations: API tokens and integration accounts, webhooks, imports, FHIR export."""
