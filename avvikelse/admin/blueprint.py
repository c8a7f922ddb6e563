"""The admin pages' URL map: accounts, units and mailboxes, in one table."""
from flask import Blueprint

from avvikelse.admin import views

bp = Blueprint("admin", __name__)
bp.before_request(views.administrators_only)
bp.after_request(views.no_store)

ROUTES = [
    ("/admin/konton", views.account_list, ["GET"], "accounts"),
    ("/admin/konton", views.create_account, ["POST"], "create_account"),
    ("/admin/konton/<int:user_id>", views.account, ["GET"], "account"),
    ("/admin/konton/<int:user_id>", views.update_account, ["POST"], "update_account"),
    ("/admin/konton/<int:user_id>/avaktivera", views.deactivate_account, ["POST"], "deactivate"),
    ("/admin/konton/<int:user_id>/aktivera", views.reactivate_account, ["POST"], "reactivate"),
    ("/admin/konton/<int:user_id>/losenord", views.reset_password, ["POST"], "reset_password"),
    ("/admin/konton/<int:user_id>/las-upp", views.unlock_account, ["POST"], "unlock"),
    ("/admin/enheter", views.unit_list, ["GET"], "units"),
    ("/admin/enheter", views.create_unit, ["POST"], "create_unit"),
    ("/admin/enheter/mottagning", views.intake_mailbox, ["POST"], "intake_mailbox"),
    ("/admin/enheter/<int:unit_id>", views.unit, ["GET"], "unit"),
    ("/admin/enheter/<int:unit_id>", views.update_unit, ["POST"], "update_unit"),
    ("/admin/enheter/<int:unit_id>/stang", views.close_unit, ["POST"], "close_unit"),
]

for rule, view, methods, endpoint in ROUTES:
    bp.add_url_rule(rule, endpoint=endpoint, view_func=view, methods=methods)
