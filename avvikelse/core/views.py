"""The start page and the accessibility statement."""
from flask import Blueprint, render_template
from flask_login import current_user, login_required

from avvikelse.cases.web import COUNT_CAP, count_open
from avvikelse.notifications.services import unread

bp = Blueprint("core", __name__)


@bp.route("/")
@login_required
def start():
    return render_template(
        "start.html",
        incoming=count_open(current_user, "incoming"),
        outgoing=count_open(current_user, "outgoing"),
        notices=unread(current_user),
        count_cap=COUNT_CAP,
    )


@bp.route("/tillganglighet")
def accessibility():
    return render_template("accessibility.html")
