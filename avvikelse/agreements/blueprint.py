"""The agreement pages' URL map (administrators)."""
from flask import Blueprint

from avvikelse.agreements import views

bp = Blueprint("agreements", __name__)
bp.before_request(views.admins_only)
bp.after_request(views.no_store)

ROUTES = [
    ("/admin/avtal", views.index, ["GET"]),
    ("/admin/avtal/<int:agreement_id>", views.agreement, ["GET", "POST"]),
    ("/admin/avtal/version/<int:version_id>", views.version, ["GET", "POST"]),
    ("/admin/avtal/version/<int:version_id>/installningar", views.settings, ["GET", "POST"]),
]

for rule, view, methods in ROUTES:
    bp.add_url_rule(rule, view_func=view, methods=methods)
