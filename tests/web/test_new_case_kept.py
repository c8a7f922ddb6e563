"""The filing form keeps its directory and agreement data per process (cases/web.py,
form_data), and a filing what its checks read (cases/filing_lookups.py), under the change
marker (core/marker.py): never stale after a write through the usual paths, from this
process or another, and never one person's for another."""
from datetime import timedelta

import pytest
from sqlalchemy import event, inspect, update

from avvikelse import create_app
from avvikelse.accounts.services import create_user, user_by_username
from avvikelse.agreements.seed import seed_agreements
from avvikelse.agreements import services as agreement_services
from avvikelse.agreements.models import Agreement, AgreementCategory
from avvikelse.cases import filing_lookups, views
from avvikelse.cases.legal_bases import ensure_defaults
from avvikelse.cases.models import Case, LegalBasis
from avvikelse.core import marker
from avvikelse.core.clock import now_utc
from avvikelse.directory.services import organisation_by_code, unit_by_code, upsert_organisation
from avvikelse.directory.models import OrgKind
from avvikelse.directory.seed import seed_jamtland
from avvikelse.extensions import db
from tests.fixtures.factories import PASSWORD
from tests.web.helpers import case_form, error_beside, text


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


def test_a_filing_reads_the_directory_once_and_again_after_any_change(two_apps):
    """The second filing asks the directory and the agreement nothing (the marker only);
    a change committed by the other app is checked against on the next filing."""
    first, second = two_apps
    client = first.test_client()
    client.post("/logga-in", data={"username": "rapportor.tva", "password": PASSWORD})
    with first.app_context():
        engine = db.engine
    selects: list[str] = []

    def seen(_conn, _cursor, statement, *_args):
        if statement.lstrip().upper().startswith("SELECT"):
            selects.append(statement)

    event.listen(engine, "before_cursor_execute", seen)
    try:
        assert client.post("/arenden/ny", data=case_form()).status_code == 302
        selects.clear()
        assert client.post("/arenden/ny", data=case_form()).status_code == 302
        # The signed-in user (with the organisation joined) and the marker: nothing else.
        assert len(selects) == 2 and selects[0].startswith("SELECT users.")
        assert " ".join(selects[1].split()).startswith("SELECT change_markers.token FROM change_markers")
    finally:
        event.remove(engine, "before_cursor_execute", seen)

    with second.app_context():  # the region stops receiving
        organisation_by_code("23").active = False
        db.session.commit()
    refused = client.post("/arenden/ny", data=case_form())
    assert refused.status_code == 422
    assert error_beside(refused, "receiver_organisation", "Välj en mottagande organisation ur listan.")

    with second.app_context():  # back; the reporter moves to another unit
        organisation_by_code("23").active = True
        user_by_username("rapportor.tva").units = [unit_by_code("2309-SABO")]
        db.session.commit()
    refused = client.post("/arenden/ny", data=case_form(sender_unit="2309-HSJV"))
    assert refused.status_code == 422  # the summary's link lands on the unit they report from now
    assert error_beside(refused, "sender_unit", "Välj en av dina egna enheter som avsändare.")
    assert 'id="sender_unit" tabindex="-1" aria-describedby="sender_unit-fel">Du rapporterar från Särskilt' in text(refused)
    assert client.post("/arenden/ny", data=case_form(sender_unit="2309-SABO")).status_code == 302

    with second.app_context():  # the agreement's category is renamed in bulk
        db.session.execute(update(AgreementCategory).where(AgreementCategory.code == "discharge")
                           .values(code="discharge_old"))
        db.session.commit()
    refused = client.post("/arenden/ny", data=case_form(sender_unit="2309-SABO"))
    assert refused.status_code == 422 and "Kategorin finns inte i" in text(refused)

    with first.app_context():
        filed = db.session.scalars(db.select(Case).order_by(Case.id)).all()
        assert [c.sender_unit.code for c in filed] == ["2309-HSJV", "2309-HSJV", "2309-SABO"]
        assert {c.receiver_organisation.code for c in filed} == {"23"}


def test_what_a_filing_keeps_is_never_the_requests_own(app, people):
    """Lookups hand out objects of the request's session (the one already there, if
    loaded), and keep detached copies that a commit neither expires nor attaches."""
    assert marker.read() is not None
    region = organisation_by_code("23")  # already in the session
    lookups = filing_lookups.Lookups()
    assert lookups.organisation("23") is region
    kommun = lookups.organisation("2380")
    assert inspect(kommun).persistent and kommun in db.session
    kept = app.extensions[filing_lookups._ORGANISATIONS][1]["2380"]
    assert kept is not kommun and inspect(kept).detached
    units = lookups.units_of(people["reporter"])
    assert [u.code for u in units] == [u.code for u in people["reporter"].units]
    assert all(inspect(u).detached for u in units)
    assert lookups.attach(units[0]) in db.session
    rules, in_version = lookups.rules_and_category_at(now_utc(), people["reporter"].organisation, region,
                                                       "discharge")
    assert in_version is True and rules.version in db.session
    assert rules.version.agreement.county_code == "23"
    db.session.commit()
    assert "name" in kept.__dict__ and inspect(kept).detached  # not expired, not attached
    assert lookups.organisation("nej") is None
    # Codes that cannot exist are not asked for (PostgreSQL refuses NUL in a comparison).
    assert lookups.organisation("23\x00") is None and lookups.organisation(23) is None
    assert lookups.organisation("2" * 65) is None
    assert filing_lookups.Lookups().organisation("2380") is kommun  # kept, and this session's
    kommun.active = False  # pending here: the session's object is handed out as it stands
    assert filing_lookups.Lookups().organisation("2380").active is False
    reporter = people["reporter"]
    reporter.units.append(unit_by_code("2309-SABO"))  # pending: flushed, then read
    assert [u.code for u in filing_lookups.Lookups().units_of(reporter)] == ["2309-HSJV", "2309-SABO"]


def test_a_lookup_read_after_a_write_leaves_that_write_in_place(app):
    """A snapshot loaded in a session of its own on the request's connection sees the
    request's writes and neither commits nor rolls them back."""
    upsert_organisation("2399", "Provkommun", OrgKind.KOMMUN, county_code="23")  # flushed: a new token
    found = filing_lookups.Lookups().organisation("2399")
    assert found is not None and found.name == "Provkommun"
    assert inspect(app.extensions[filing_lookups._ORGANISATIONS][1]["2399"]).detached
    db.session.rollback()  # the request's transaction alone decides
    assert organisation_by_code("2399") is None
    upsert_organisation("2399", "Provkommun", OrgKind.KOMMUN, county_code="23")
    assert filing_lookups.Lookups().organisation("2399").name == "Provkommun"
    db.session.commit()
    db.session.remove()
    assert organisation_by_code("2399").name == "Provkommun"
