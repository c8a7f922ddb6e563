"""The audit domain's web parts: the review pages and the labels of log actions."""
from flask import Flask

from avvikelse.audit.export import ACTION_LABELS
from avvikelse.audit.views import bp


def register(app: Flask) -> None:
    app.register_blueprint(bp)
    app.add_template_global(ACTION_LABELS, "audit_labels")
