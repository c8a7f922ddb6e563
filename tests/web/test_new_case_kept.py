"""The filing form keeps its directory and agreement data per process (cases/web.py,
form_data) under the change marker (core/marker.py): never stale after a write through
the usual paths, from this process or another, and never one person's for another."""
from datetime import timedelta

import pytest
from sqlalchemy import update

from avvikelse import create_app
from avvikelse.accounts.services import create_user
from avvikelse.agreements.seed import seed_agreements
from avvikelse.agreements import services as agreement_services
from avvikelse.agreements.models import Agreement
from avvikelse.cases import views
from avvikelse.cases.legal_bases import ensure_defaults
from avvikelse.cases.models import LegalBasis
from avvikelse.core import marker
from avvikelse.core.clock import now_utc
from avvikelse.directory.services import organisation_by_code, unit_by_code, upsert_organisation
from avvikelse.directory.models import OrgKind
from avvikelse.directory.seed import seed_jamtland
from avvikelse.extensions import db
from tests.fixtures.factories import PASSWORD
from tests.web.helpers import text


def receivers(body: str) -> str:
    return body[body.index('id="receiver_organisation"'):body.index('id="receiver_unit"')]


@pytest.fixture
def two_apps(app, database_url, tmp_path):
    """Two app instances on one database, as gunicorn's two workers: each keeps its own."""
    url = database_url or f"sqlite:///{tmp_path / 'two.db'}"
    made = [create_app("testing", SQLALCHEMY_DATABASE_URI=url, MAIL_FOLDER=str(tmp_path / "mail"),
                       SESSION_FOLDER=str(tmp_path / "sessions")) for _ in range(2)]
    with made[0].app_context():
        if database_url is None:  # a file of its own; PostgreSQL: the session's, seeded
            db.create_all()
            seed_jamtland()
            seed_agreements()
            ensure_defaults()
        create_user("rapportor.tva", organisation_by_code("2309"), set(), PASSWORD,
                    units=[unit_by_code("2309-HSJV")], email=None)
        db.session.commit()
    try:
        yield made
    finally:
        for each in made:
            with each.app_context():
                db.session.remove()
                db.engine.dispose()
        app.extensions["celery"].set_current()
        app.extensions["celery"].set_default()


def test_a_write_in_the_other_app_shows_on_the_next_form(two_apps):
    first, second = two_apps
    client = first.test_client()
    client.post("/logga-in", data={"username": "rapportor.tva", "password": PASSWORD})
    body = client.get("/arenden/ny").get_data(as_text=True)
    assert '<option value="2380">Östersunds kommun</option>' in receivers(body)
    assert "9999" not in receivers(body)

    with second.app_context():  # an administrator's edits, through the ORM and in bulk
        assert marker.read() is not None  # so the first app keeps what it read
        organisation_by_code("2380").name = "Östersunds kommun (ny)"
        upsert_organisation("2399", "Provkommun", OrgKind.KOMMUN, county_code="23")
        unit_by_code("2309-HSJV").name = "Hemsjukvården Krokom (ny)"
        db.session.commit()
    body = client.get("/arenden/ny").get_data(as_text=True)
    assert "Du rapporterar från Hemsjukvården Krokom (ny)." in body
    assert '<option value="2380">Östersunds kommun (ny)</option>' in receivers(body)
    assert '<option value="2399">Provkommun</option>' in receivers(body)

    with second.app_context():
        db.session.execute(update(LegalBasis).where(LegalBasis.code == "consent").values(label="Samtycket"))
        db.session.commit()
    assert '<option value="consent">Samtycket</option>' in client.get("/arenden/ny").get_data(as_text=True)


def test_a_new_version_takes_effect_on_its_first_day(client, login, people, monkeypatch):
    login(people["reporter"])
    agreement = db.session.scalar(db.select(Agreement).where(Agreement.county_code == "23"))
    today = now_utc()
    tomorrow = (today + timedelta(days=1)).date() if today.hour < 20 else (today + timedelta(days=2)).date()
    assert "version 2027" not in text(client.get("/arenden/ny"))
    assert marker.read() is not None  # so the form's data is kept
    agreement_services.add_version(people["admin"], agreement, "2027", tomorrow, None, None, today)
    db.session.commit()
    assert "version 2027" not in text(client.get("/arenden/ny"))  # not yet in force
    monkeypatch.setattr(views, "now_utc", lambda: today + timedelta(days=3))
    assert "version 2027 (gäller)" in text(client.get("/arenden/ny"))


def test_each_person_their_own_units_and_language(app, client, login, people, make_user):
    login(people["reporter"])
    assert '<input type="hidden" name="sender_unit" value="2309-HSJV">' in text(client.get("/arenden/ny"))
    assert marker.read() is not None  # so the form's data is kept
    other = make_user("2380", units=["2380-HSJV"])
    db.session.commit()
    client = app.test_client()  # another browser
    client.post("/logga-in", data={"username": other.username, "password": PASSWORD})
    body = text(client.get("/arenden/ny"))
    assert '<input type="hidden" name="sender_unit" value="2380-HSJV">' in body and "2309-HSJV" not in body

    client.set_cookie("sprak", "en")
    with app.app_context():  # Flask-Babel keeps the language in `g`, which the tests share
        english = text(client.get("/arenden/ny"))
    client.delete_cookie("sprak")
    swedish = text(client.get("/arenden/ny"))
    assert '<optgroup label="Municipalities">' in english and '<option value="" selected>Do not share</option>' in english
    assert '<optgroup label="Kommuner">' in swedish and '<option value="" selected>Dela inte</option>' in swedish

    # A second unit of one's own, through the person's units: now a choice.
    other.units.append(unit_by_code("2380-SABO"))
    db.session.commit()
    assert '<select id="sender_unit" name="sender_unit"' in text(client.get("/arenden/ny"))
