"""The accessibility statement (DOS-lagen), public."""
from flask import Blueprint, render_template

bp = Blueprint("core", __name__)


@bp.route("/tillganglighet")
def accessibility():
    return render_template("accessibility.html")
