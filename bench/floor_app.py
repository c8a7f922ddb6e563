"""The least a filing through a form can cost on Avvikelse's fixed stack: `bench helpdesk
--floor` serves this beside the two apps, under the same gunicorn, on the same database.

It is what any app on this stack pays for a filing and nothing of what Avvikelse adds:
Flask, Flask-Login, Flask-WTF's CSRF token and a WTForms form with Avvikelse's fields, a
Jinja page with a layout, one row inserted through Flask-SQLAlchemy's ORM and committed,
a redirect. No history row, outbox event or broker hand-off, no full-text index, no
limits, access log, encryption or agreement rules, no menu, no translations.

Two floors (BENCH_FLOOR_KIND):
- ``guarded`` keeps the two guarantees Avvikelse gives at sign-in: the session is stored
  on the server (Flask-Session with cachelib files, as Avvikelse without Redis), so it can
  be ended there, and the user is loaded from the database on every request, so a
  deactivation holds at the next one;
- ``bare`` gives both up: Flask's signed-cookie session, and the user kept in the
  process once loaded.

    BENCH_FLOOR_DB=sqlite:///… BENCH_FLOOR_SESSIONS=DIR BENCH_FLOOR_SECRET=… \
        gunicorn 'bench.floor_app:create_app()'

Seeded with `python -m bench.floor_app seed N PASSWORD` (the schema and users floor0 …).
"""
from __future__ import annotations

import os
import sys
from datetime import datetime, timezone

from argon2 import PasswordHasher
from argon2.exceptions import VerifyMismatchError
from cachelib import FileSystemCache
from flask import Flask, abort, redirect, render_template, request
from flask_login import LoginManager, UserMixin, current_user, login_required, login_user
from flask_session import Session
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import FlaskForm
from jinja2 import DictLoader
from sqlalchemy import ForeignKey, String, event
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from wtforms import DateTimeLocalField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from avvikelse.directory.jamtland import KOMMUNER, REGION

ORGANISATIONS = [REGION[:2], *KOMMUNER]  # the receivers Avvikelse's form offers in Jämtland
CATEGORIES = [("discharge", "Utskrivning"), ("medication", "Läkemedel"), ("information", "Information"),
              ("aids", "Hjälpmedel"), ("other", "Annat")]
LEVELS = [(str(n), str(n)) for n in range(1, 5)]


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)
passwords = PasswordHasher()


class User(UserMixin, db.Model):
    __tablename__ = "floor_users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))


class Report(db.Model):
    __tablename__ = "floor_reports"
    id: Mapped[int] = mapped_column(primary_key=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("floor_users.id"))
    kind: Mapped[str] = mapped_column(String(32))
    receiver: Mapped[str] = mapped_column(String(16))
    occurred_at: Mapped[datetime]
    category: Mapped[str] = mapped_column(String(32))
    description: Mapped[str]
    immediate_action: Mapped[str]
    consequence: Mapped[int]
    probability: Mapped[int]
    created_at: Mapped[datetime]


class ReportForm(FlaskForm):
    kind = RadioField("Typ", choices=[("deviation", "Avvikelse"), ("complaint", "Klagomål")],
                      validators=[DataRequired()])
    receiver_organisation = SelectField("Mottagare", choices=ORGANISATIONS, validators=[DataRequired()])
    occurred_at = DateTimeLocalField("När", format="%Y-%m-%dT%H:%M", validators=[DataRequired()])
    category = SelectField("Kategori", choices=CATEGORIES, validators=[DataRequired()])
    description = TextAreaField("Vad hände", validators=[DataRequired(), Length(max=10000)])
    immediate_action = TextAreaField("Åtgärd", validators=[Length(max=5000)])
    consequence = RadioField("Konsekvens", choices=LEVELS, validators=[DataRequired()])
    probability = RadioField("Sannolikhet", choices=LEVELS, validators=[DataRequired()])
    patient = StringField("Personnummer")


PAGE = """<!doctype html>
<html lang="sv"><head><meta charset="utf-8"><title>{{ title }}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><header><a href="/">Avvikelse</a> {{ current_user.username }}</header>
<main><h1>{{ title }}</h1>
{% if form %}<form method="post" action="/new" novalidate>{{ form.csrf_token }}
{% for field in form if field.name != "csrf_token" %}<div class="field">{{ field.label }} {{ field() }}
{% for error in field.errors %}<p class="error">{{ error }}</p>{% endfor %}</div>
{% endfor %}<button type="submit">Skicka</button></form>{% else %}<p>{{ text }}</p>{% endif %}
</main></body></html>"""


def create_app() -> Flask:
    app = Flask(__name__)
    app.jinja_loader = DictLoader({"page.html": PAGE})  # compiled once, as a template file is
    app.config.update(
        SECRET_KEY=os.environ["BENCH_FLOOR_SECRET"],
        SQLALCHEMY_DATABASE_URI=os.environ["BENCH_FLOOR_DB"],
    )
    db.init_app(app)
    logins = LoginManager(app)
    if os.environ.get("BENCH_FLOOR_KIND", "guarded") == "guarded":
        app.config.update(
            SESSION_TYPE="cachelib", SESSION_USE_SIGNER=False, SESSION_REFRESH_EACH_REQUEST=False,
            SESSION_CACHELIB=FileSystemCache(os.environ.get("BENCH_FLOOR_SESSIONS", "floor-sessions"),
                                             threshold=0, mode=0o600),
        )
        Session(app)
        logins.user_loader(lambda user_id: db.session.get(User, int(user_id)))
    else:
        kept: dict[str, User] = {}

        @logins.user_loader
        def kept_user(user_id: str) -> User | None:
            if user_id not in kept:
                user = db.session.get(User, int(user_id))
                if user is None:
                    return None
                db.session.expunge(user)
                kept[user_id] = user
            return kept[user_id]
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        with app.app_context():
            # As Avvikelse's SQLite: WAL and a busy timeout on every connection.
            @event.listens_for(db.engine, "connect")
            def _pragmas(connection, _record):
                cursor = connection.cursor()
                cursor.execute("PRAGMA journal_mode=WAL")
                cursor.execute("PRAGMA busy_timeout=5000")
                cursor.close()

    @app.get("/healthz")
    def healthz():
        return "ok"

    @app.route("/login", methods=["GET", "POST"])
    def login():
        if request.method == "POST":
            user = db.session.scalar(db.select(User).filter_by(username=request.form.get("username", "")))
            if user is None:
                abort(401)
            try:
                passwords.verify(user.password_hash, request.form.get("password", ""))
            except VerifyMismatchError:
                abort(401)
            login_user(user)
            return redirect("/new")
        return render_template("page.html", title="Logga in", form=None, text="")

    @app.route("/new", methods=["GET", "POST"])
    @login_required
    def new():
        form = ReportForm()
        if form.validate_on_submit():
            report = Report(reporter_id=current_user.id, kind=form.kind.data,
                            receiver=form.receiver_organisation.data, occurred_at=form.occurred_at.data,
                            category=form.category.data, description=form.description.data,
                            immediate_action=form.immediate_action.data,
                            consequence=int(form.consequence.data), probability=int(form.probability.data),
                            created_at=datetime.now(timezone.utc))
            db.session.add(report)
            db.session.commit()
            return redirect(f"/cases/{report.id}")
        return render_template("page.html", title="Ny rapport", form=form, text="")

    @app.get("/cases/<int:report_id>")
    @login_required
    def case(report_id: int):
        return render_template("page.html", title=f"Rapport {report_id}", form=None, text="Skickad")

    return app


def seed(n: int, password: str) -> None:
    app = create_app()
    with app.app_context():
        db.create_all()
        hashed = passwords.hash(password)
        db.session.add_all(User(username=f"floor{i}", password_hash=hashed) for i in range(n))
        db.session.commit()
        db.engine.dispose()


if __name__ == "__main__":
    seed(int(sys.argv[2]), sys.argv[3])
