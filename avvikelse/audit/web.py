"""The audit domain's web parts: the review pages and the "vem har läst" panel."""
from flask import Flask
from flask_login import current_user

from avvikelse.accounts.models import Role
from avvikelse.audit import queries
from avvikelse.audit.export import ACTION_LABELS

PANEL_ROLES = (Role.HANDLER, Role.MAS, Role.CHEFSLAKARE)


def case_readers(case):
    """Who has accessed the case, for its handlers; None for anyone else (a reporter)."""
    from avvikelse.cases.policy import sides

    if not (current_user.is_authenticated and current_user.has_role(*PANEL_ROLES)):
        return None
    if not sides(current_user, case):
        return None
    return queries.readers(case)


def register(app: Flask) -> None:
    from avvikelse.audit.views import bp

    app.register_blueprint(bp)
    app.add_template_global(case_readers, "case_readers")
    app.add_template_global(ACTION_LABELS, "audit_labels")
