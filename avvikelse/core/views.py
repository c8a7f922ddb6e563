"""The start page and the accessibility statement."""
from flask import Blueprint, render_template
from flask_login import current_user, login_required

from avvikelse.cases.web import COUNT_CAP, count_box
from avvikelse.notifications.services import unread

bp = Blueprint("core", __name__)


@bp.route("/")
@login_required
def start():
    return render_template(
        "start.html",
        incoming=count_box(current_user, "incoming", open_only=True),
        outgoing=count_box(current_user, "outgoing", open_only=True),
        notices=unread(current_user),
        count_cap=COUNT_CAP,
    )


@bp.route("/tillganglighet")
def accessibility():
    return render_template("accessibility.html")
