"""The national roles' fence: an account holding `national` or `national_admin` reaches its
own pages and the account's own (sign in and out, profile, tokens) and nothing else, on
the pages and in the API. One check before every request, so a page added later is
closed to them unless it is named here.

`national` reads the national figures (avvikelse/national); `national_admin` manages the
directory of every county. Neither reads a case, a forum, a log or anything an
organisation wrote: the roles are held alone (accounts.services refuses them together
with any other), and a case's policy gives them nothing.
"""
from flask import Flask, abort, redirect, request, url_for
from flask_login import current_user

from avvikelse.accounts.models import NATIONAL_ROLES, Role

#: open to every signed-in account
COMMON = {"static", "accounts.login", "accounts.logout", "accounts.reauthenticate", "accounts.profile",
          "accounts.log_out_all", "integrations.my_tokens", "integrations.revoke_my_token",
          "language.switch", "core.accessibility", "api.issue_api_token", "api.openapi_document",
          "api.list_tokens", "api.create_token", "api.revoke_token"}
COMMON_PREFIXES = ("health.", "api_docs.", "oidc.")
OWN = {
    Role.NATIONAL: ({"api.national_summary"}, ("national.",)),
    Role.NATIONAL_ADMIN: ({"integrations.directory_import", "api.directory"}, ("directory_admin.",)),
}
#: where each role lands from the start page
HOME = {Role.NATIONAL: "national.summary", Role.NATIONAL_ADMIN: "directory_admin.counties"}


def national_role(user) -> Role | None:
    if not user.is_authenticated:
        return None
    for role in NATIONAL_ROLES:
        if user.has_role(role):
            return role
    return None


def allowed(role: Role, endpoint: str | None) -> bool:
    if endpoint is None:
        return True  # a 404 answers for itself
    names, prefixes = OWN[role]
    return (endpoint in COMMON or endpoint in names or endpoint.startswith(COMMON_PREFIXES)
            or endpoint.startswith(prefixes))


def install(app: Flask) -> None:
    @app.before_request
    def national_fence():
        role = national_role(current_user)
        if role is None:
            return None
        if request.endpoint == "cases.start":
            return redirect(url_for(HOME[role]))
        if not allowed(role, request.endpoint):
            abort(403)  # JSON under /api (core.error_pages)
        return None
