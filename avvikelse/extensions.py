"""Extensions, created unbound here and bound in create_app: no import cycles."""
import os
from functools import cached_property

from celery import Celery, Task
from flask import Flask, g
from flask_babel import Babel as _FlaskBabel
from flask_babel import Domain, _get_current_context, get_translations
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Named constraints, so migrations can alter them on SQLite and PostgreSQL alike.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class _ContextDomain(Domain):
    """Flask-Babel's domain, its catalogue looked up once per request, not once per
    string: the stock lookup selects the locale and names it for every message, and a
    list page translates a couple of hundred. Kept on Flask-Babel's own per-context
    namespace under the name its refresh() and force_locale() already reset, so both
    still switch the language mid-request."""

    def get_translations(self):
        ctx = _get_current_context()
        if ctx is None:
            return super().get_translations()
        found = getattr(ctx, "babel_translations", None)
        if found is None:
            found = ctx.babel_translations = super().get_translations()
        return found


def request_translations():
    """The catalogue _ContextDomain keeps for this request, in one context lookup (the
    stock path makes six): what the templates' _() and ngettext() read."""
    try:
        found = g._get_current_object()._flask_babel.babel_translations
    except (RuntimeError, AttributeError):  # no app context, or not looked up yet
        found = None
    return found if found is not None else get_translations()


class Babel(_FlaskBabel):
    @cached_property
    def domain_instance(self):
        return _ContextDomain(domain=self.domain)

    def init_app(self, app, *args, **kwargs):
        super().init_app(app, *args, **kwargs)
        # Flask-Babel's own callables, through the kept catalogue.
        app.jinja_env.install_gettext_callables(
            gettext=lambda s: request_translations().ugettext(s),
            ngettext=lambda s, p, n: request_translations().ungettext(s, p, n),
            newstyle=True,
            pgettext=lambda c, s: request_translations().upgettext(c, s),
            npgettext=lambda c, s, p, n: request_translations().unpgettext(c, s, p, n),
        )


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
csrf = CSRFProtect()
login_manager = LoginManager()
babel = Babel()


def celery_init_app(app: Flask) -> Celery:
    """The Flask docs' pattern: every task runs inside an app context."""

    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            with app.app_context():
                return self.run(*args, **kwargs)

    conf = app.config["CELERY"]
    if conf["broker_url"].startswith("filesystem"):
        # The embedded broker is two folders; kombu does not create them.
        for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
            os.makedirs(conf["broker_transport_options"][key], exist_ok=True)
        # The folders are polled: every 0.1 s rather than kombu's 1 s, so that a case filed
        # under `make run` is routed at once. (Only here: on Redis the same option would
        # shorten BRPOP's wait instead.)
        conf = {**conf, "broker_transport_options": {"polling_interval": 0.1, **conf["broker_transport_options"]}}
    celery_app = Celery(app.name, task_cls=FlaskTask)
    celery_app.config_from_object(conf)
    celery_app.set_default()
    app.extensions["celery"] = celery_app
    return celery_app
