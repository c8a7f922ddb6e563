"""JSON API /api/v1: a thin adapter over the services, for other systems and our tests.

`blueprint.py` is its URL map: every route and every hook, in one table. Every endpoint
but `POST /auth/token` and the OpenAPI document needs a bearer token (auth.py), checked
before any view, so a new route is protected without remembering to.
"""
