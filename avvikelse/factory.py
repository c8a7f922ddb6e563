"""The steps of create_app, one function each."""
from flask import Flask, request
from sqlalchemy import event
from sqlalchemy.exc import InterfaceError, OperationalError

from avvikelse import resources
from avvikelse.core import dispatch
from avvikelse.core.crypto import FieldCipher, load_keys
from avvikelse.extensions import babel, celery_init_app, csrf, db, login_manager, migrate


def register_proxies(app: Flask) -> None:
    """Behind TRUSTED_PROXIES load balancers, the client's address (and scheme) is what the
    nearest ones say in X-Forwarded-For/-Proto; with none, those headers are ignored."""
    trusted = app.config.get("TRUSTED_PROXIES", 0)
    if trusted > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=trusted, x_proto=trusted)


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=resources.folder("migrations"), render_as_batch=True)
    csrf.init_app(app)
    from avvikelse.core import language

    babel.init_app(app, locale_selector=language.select_locale)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = "Logga in för att fortsätta."
    # the bulk passes in a lane of their own (dispatch.BULK_TASKS), for beat and web alike
    celery_init_app(app).conf.task_routes = dispatch.task_routes()
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            event.listen(db.engine, "connect", _sqlite_pragmas)


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    # WAL lets the web and the worker read while the other writes; foreign keys are off
    # by default in SQLite and must be asked for.
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=5000")
    cur.close()


def register_cipher(app: Flask) -> None:
    keys = load_keys(app.config["AVVIKELSE_ENCRYPTION_KEY"], app.instance_path)
    app.extensions["avvikelse.cipher"] = FieldCipher(keys)


def register_models() -> None:
    """Import every domain's models, so the metadata knows every table."""
    import avvikelse.accounts.models  # noqa: F401
    import avvikelse.agreements.models  # noqa: F401
    import avvikelse.attachments.models  # noqa: F401
    import avvikelse.audit.models  # noqa: F401
    import avvikelse.cases.models  # noqa: F401
    import avvikelse.core.marker  # noqa: F401
    import avvikelse.core.outbox  # noqa: F401
    import avvikelse.directory.models  # noqa: F401
    import avvikelse.escalation.models  # noqa: F401
    import avvikelse.forum.models  # noqa: F401
    import avvikelse.integrations.models  # noqa: F401
    import avvikelse.learning.models  # noqa: F401
    import avvikelse.national.models  # noqa: F401
    import avvikelse.notifications.models  # noqa: F401
    import avvikelse.search.models  # noqa: F401
    import avvikelse.rollups.models  # noqa: F401


def register_events(app: Flask) -> None:
    """The event spine: what follows each change (avvikelse/events.py), handed to the
    workers after each commit; and the access log's append-only guard."""
    from avvikelse.audit import guard
    from avvikelse.core import marker, outbox
    from avvikelse.events import EVENTS
    from avvikelse.search import index

    outbox.install(app, EVENTS)
    guard.install()
    index.install()  # the full-text index follows every flush of free text
    marker.install()  # the filing form's kept directory data follows every write to it


def register_policies(app: Flask) -> None:
    """Reads of a case beyond its two sides, each another domain's rule: a joint
    investigation's participants read the cases it covers (learning/policy.py)."""
    from avvikelse.cases.policy import install_grants
    from avvikelse.learning.policy import case_grant

    install_grants(app, [case_grant])


def register_blueprints(app: Flask) -> None:
    from avvikelse.accounts.views import bp as accounts
    from avvikelse.admin.blueprint import bp as admin
    from avvikelse.agreements.blueprint import bp as agreements
    from avvikelse.api import ratelimit
    from avvikelse.api.blueprint import bp as api
    from avvikelse.api.docs import docs as api_docs
    from avvikelse.cases.blueprint import bp as cases
    from avvikelse.core.health import bp as health
    from avvikelse.core.language import bp as language
    from avvikelse.core.views import bp as core
    from avvikelse.escalation.views import bp as escalation
    from avvikelse.forum.dispute_views import bp as disputes
    from avvikelse.figures.views import bp as figures
    from avvikelse.forum.views import bp as forum
    from avvikelse.integrations.blueprint import bp as integrations
    from avvikelse.learning.views import bp as learning
    from avvikelse.national.views import admin as directory_admin
    from avvikelse.national.views import bp as national
    from avvikelse.search.views import bp as search

    for blueprint in (health, core, accounts, cases, escalation, api, forum, disputes, language,
                      api_docs, integrations, search, figures, agreements, admin, learning, national,
                      directory_admin):
        app.register_blueprint(blueprint)
    csrf.exempt(api)  # bearer tokens, no cookies: CSRF cannot apply
    from avvikelse.attachments.web import register as register_attachments

    register_attachments(app)  # its pages, the case page's part, the upload body limit
    ratelimit.init_app(app)


def register_request_cycle(app: Flask) -> None:
    @app.after_request
    def commit(response):
        """The edge commits: once per request, when nothing failed on the server's side.
        Services check before they write, so a 4xx has nothing half-done to keep."""
        if response.status_code >= 500:
            db.session.rollback()
            return response
        try:
            db.session.commit()
        except (OperationalError, InterfaceError) as exc:
            # The database went away between the work and its commit: nothing was
            # written, and the client must not be told it was.
            from avvikelse.core.error_pages import database_unavailable

            return database_unavailable(exc)
        return response

    @app.after_request
    def headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
        )
        if request.endpoint and request.endpoint.startswith("cases."):
            response.headers["Cache-Control"] = "no-store"
        return response


def check_security_config(app: Flask) -> None:
    """Production refuses development secrets before anything is created with them."""
    from avvikelse.security import check_production_config

    check_production_config(app.config)


def register_security(app: Flask) -> None:
    """Server-side sessions (and the user loader), login throttling, single sign-on,
    request hardening, the access-log review pages."""
    from avvikelse.accounts.security import init_account_security
    from avvikelse.audit.web import register as register_audit
    from avvikelse.security import register

    register(app)
    register_audit(app)
    init_account_security(app)


def register_errors(app: Flask) -> None:
    from avvikelse.core.error_pages import register

    register(app)


def register_templates(app: Flask) -> None:
    from avvikelse.cases.web import register_templates as register_case_templates
    from avvikelse.core import template_helpers

    template_helpers.register(app)
    register_case_templates(app)


def register_cli(app: Flask) -> None:
    from avvikelse.accounts.cli import users
    from avvikelse.agreements.cli import seed_directory
    from avvikelse.core.cli import outbox_cli
    from avvikelse.demo import seed_demo
    from avvikelse.directory.cli import directory_cli
    from avvikelse.escalation.cli import clocks_cli, escalation_cli
    from avvikelse.forum.cli import forum_cli
    from avvikelse.integrations.cli import cases_import_cli, directory_import_cli
    from avvikelse.learning.cli import learning_cli
    from avvikelse.rollups.cli import rollups_cli
    from avvikelse.search.cli import search_index_cli

    for command in (users, outbox_cli, seed_demo, seed_directory, clocks_cli, escalation_cli, forum_cli,
                    directory_import_cli, cases_import_cli, search_index_cli, learning_cli, directory_cli,
                    rollups_cli):
        app.cli.add_command(command)
