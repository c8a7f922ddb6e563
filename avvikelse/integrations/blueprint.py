"""The integration pages' URL map: my tokens, and an organisation's integration accounts,
webhooks and directory import (administrators)."""
from flask import Blueprint

from avvikelse.integrations import import_views, views, webhook_views

bp = Blueprint("integrations", __name__)
bp.before_request(views.signed_in)
bp.after_request(views.no_store)

ROUTES = [
    ("/profil/token", views.my_tokens, ["GET", "POST"]),
    ("/profil/token/<int:token_id>/aterkalla", views.revoke_my_token, ["POST"]),
    ("/admin/integrationer", views.integration_accounts, ["GET", "POST"]),
    ("/admin/integrationer/<int:user_id>", views.integration_account, ["GET", "POST"]),
    ("/admin/integrationer/<int:user_id>/token/<int:token_id>/aterkalla",
     views.revoke_account_token, ["POST"]),
    ("/admin/webhooks", webhook_views.webhooks, ["GET", "POST"]),
    ("/admin/webhooks/<int:endpoint_id>", webhook_views.webhook, ["GET"]),
    ("/admin/webhooks/<int:endpoint_id>/test", webhook_views.send_test_event, ["POST"]),
    ("/admin/webhooks/<int:endpoint_id>/stang-av", webhook_views.disable_webhook, ["POST"]),
    ("/admin/katalog/import", import_views.directory_import, ["GET", "POST"]),
]

for rule, view, methods in ROUTES:
    bp.add_url_rule(rule, view_func=view, methods=methods)
