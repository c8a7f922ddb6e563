"""The case pages' URL map: every route of the `cases` blueprint, in one table."""
from flask import Blueprint
from flask_login import login_required

from avvikelse.cases import views, views_actions

bp = Blueprint("cases", __name__)


@login_required
def _signed_in():
    """Every case page needs a signed-in user."""


bp.before_request(_signed_in)

ROUTES = [
    ("/", views.start, ["GET"]),
    ("/arenden/ny", views.new, ["GET", "POST"]),
    ("/enheter", views.units, ["GET"]),
    ("/inkorg", views.inbox, ["GET"]),
    ("/skickade", views.outgoing, ["GET"]),
    ("/mina-arenden", views.mine, ["GET"]),
    ("/inkorg/massatgard", views.bulk_action, ["POST"]),
    ("/arenden/<reference>", views.show, ["GET"]),
    ("/arenden/<reference>/utskrift", views.print_view, ["GET"]),
    ("/arenden/<reference>/atgard/<action>", views_actions.act, ["POST"]),
    ("/arenden/<reference>/meddelande", views_actions.message, ["POST"]),
    ("/arenden/<reference>/lank", views_actions.link, ["POST"]),
]

for rule, view, methods in ROUTES:
    bp.add_url_rule(rule, view_func=view, methods=methods)
