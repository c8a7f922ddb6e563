"""Loggkontroll: who may review what, filters (patient only by POST), sample, CSV."""
import csv
import io

import pytest
from sqlalchemy import select

from avvikelse.audit.models import AccessLog, AccessReview
from avvikelse.audit.services import access_row
from avvikelse.cases.policy import get_case_for
from avvikelse.extensions import db

PNR = "191212121212"


@pytest.fixture
def reads(new_case, people):
    """Krokom's handler and MAS read a case about the test patient; the region reads too."""
    with_patient = new_case(patient_id=PNR)
    other = new_case()
    get_case_for(people["sender_handler"], with_patient.reference)
    get_case_for(people["mas"], other.reference)
    get_case_for(people["receiver_handler"], with_patient.reference)
    db.session.commit()
    return with_patient, other


def _post(client, path="/loggkontroll/", **data):
    return client.post(path, data=data)


@pytest.mark.parametrize("who,status", [
    ("reporter", 403), ("sender_handler", 403), ("forum", 403),
    ("mas", 200), ("chefslakare", 200), ("admin", 200),
])
def test_only_mas_chefslakare_and_admin_review(client, people, login, who, status):
    login(people[who])
    assert client.get("/loggkontroll/").status_code == status


def test_review_pages_are_never_cached(client, people, login):
    login(people["admin"])
    for response in (client.get("/loggkontroll/"), client.get("/loggkontroll/patientutdrag"),
                     client.post("/loggkontroll/", data={"format": "csv"})):
        assert response.headers["Cache-Control"] == "no-store"


def test_anonymous_is_sent_to_login(client):
    assert client.get("/loggkontroll/").status_code == 302


def test_every_reviewer_sees_their_own_organisations_staff_only(client, people, login, reads):
    login(people["mas"])
    page = _post(client).get_data(as_text=True)
    assert "handlaggare.krokom" in page and "handlaggare.region" not in page
    client.post("/logga-ut")
    login(people["admin"])  # the region's administrator: the region's staff, not Krokom's
    page = _post(client).get_data(as_text=True)
    assert "handlaggare.krokom" not in page and "handlaggare.region" in page


def test_filter_by_patient_matches_the_blind_index_and_is_logged(client, people, login, reads):
    with_patient, other = reads
    login(people["mas"])
    response = _post(client, personnummer="19121212-1212")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert with_patient.reference in page and other.reference not in page
    assert PNR not in page and "19121212-1212" not in page.replace('value="19121212-1212"', "")
    search = db.session.scalars(select(AccessLog).where(AccessLog.action == "search")).one()
    assert search.patient_blind_index == with_patient.patient_blind_index


def test_patient_filter_is_never_taken_from_the_url(client, people, login, reads):
    with_patient, other = reads
    login(people["mas"])
    page = client.get(f"/loggkontroll/?personnummer={PNR}").get_data(as_text=True)
    assert with_patient.reference not in page  # GET shows the empty form only


@pytest.mark.parametrize("data,field_error", [
    ({"personnummer": "19121212-1213"}, "personnummer"),
    ({"date_from": "1899-12-31"}, "date_from"),
    ({"date_from": "2999-01-01"}, "date_from"),
    ({"date_from": "2026-02-30"}, "date_from"),
    ({"date_from": "2026-03-01", "date_to": "2026-02-01"}, "date_to"),
])
def test_bad_filters_are_field_errors(client, people, login, data, field_error):
    login(people["mas"])
    response = _post(client, **data)
    assert response.status_code == 422
    assert f'href="#{field_error}"' in response.get_data(as_text=True)


def test_filter_by_user_case_and_period(client, people, login, reads):
    with_patient, other = reads
    login(people["mas"])
    page = _post(client, username="mas.krokom").get_data(as_text=True)
    assert other.reference in page and with_patient.reference not in page
    page = _post(client, reference=with_patient.reference).get_data(as_text=True)
    assert "handlaggare.krokom" in page and "mas.krokom</td>" not in page
    page = _post(client, date_from="2000-01-01", date_to="2000-12-31").get_data(as_text=True)
    assert "0 åtkomster" in page


def test_sample_and_mark_reviewed(client, people, login, reads):
    login(people["mas"])
    page = _post(client, "/loggkontroll/stickprov", **{"s-size": "5"}).get_data(as_text=True)
    own = db.session.scalars(select(AccessLog.id).where(
        AccessLog.organisation_id == people["mas"].organisation_id,
        AccessLog.action == "read")).all()
    assert len(own) == 2 and all(f'value="{i}"' in page for i in own)
    foreign = db.session.scalars(select(AccessLog.id).where(
        AccessLog.organisation_id != people["mas"].organisation_id)).all()
    response = client.post("/loggkontroll/granska",
                           data={"ids": [*own, *foreign], "note": "Stickprov vecka 47, ok."})
    assert response.status_code == 302
    reviews = db.session.scalars(select(AccessReview)).all()
    assert sorted(r.access_log_id for r in reviews) == sorted(own)  # not the other org's
    page = _post(client, "/loggkontroll/stickprov", **{"s-size": "5"}).get_data(as_text=True)
    assert "0 åtkomster" in page  # reviewed rows are not sampled again


def test_review_needs_a_note_and_rows(client, people, login, reads):
    login(people["mas"])
    client.post("/loggkontroll/granska", data={"ids": ["1"], "note": ""})
    client.post("/loggkontroll/granska", data={"ids": ["99999999999"], "note": "x"})
    client.post("/loggkontroll/granska", data={"ids": ["abc"], "note": "x"})
    assert db.session.scalars(select(AccessReview)).all() == []


def test_csv_export_neutralises_formulas_and_holds_no_personnummer(client, people, login, reads):
    row = access_row(people["reporter"], "denied", target="=HYPERLINK(\"http://x\")")
    db.session.add(row)
    db.session.commit()
    login(people["mas"])  # Krokom's reviewer: the reporter is Krokom's
    response = _post(client, format="csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    body = response.get_data(as_text=True)
    assert PNR not in body and "19121212-1212" not in body
    cells = [cell for line in csv.reader(io.StringIO(body.lstrip("\ufeff")), delimiter=";")
             for cell in line]
    assert "'=HYPERLINK(\"http://x\")" in cells
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)


def test_patient_extract_is_each_organisations_own(client, people, login, reads):
    with_patient, _ = reads
    login(people["sender_handler"])  # no reviewer
    assert _post(client, "/loggkontroll/patientutdrag", personnummer=PNR).status_code == 403
    client.post("/logga-ut")
    login(people["mas"])  # Krokom's: its own staff's accesses to its own case
    page = _post(client, "/loggkontroll/patientutdrag", personnummer="19121212-1212")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Krokom" in text and "Region Jämtland Härjedalen" not in text
    assert "1 åtkomst" in text
    csv_body = _post(client, "/loggkontroll/patientutdrag", personnummer=PNR,
                     format="csv").get_data(as_text=True)
    assert PNR not in csv_body and len(csv_body.strip().splitlines()) == 2
    client.post("/logga-ut")
    # The region read the case de-identified: its extract cannot name this patient.
    login(people["admin"])
    text = _post(client, "/loggkontroll/patientutdrag", personnummer=PNR).get_data(as_text=True)
    assert with_patient.reference not in text


def test_who_has_read_panel_for_handlers_only(client, people, login, reads):
    with_patient, _ = reads
    login(people["sender_handler"])
    page = client.get(f"/arenden/{with_patient.reference}").get_data(as_text=True)
    assert "Vem har läst" in page
    client.post("/logga-ut")
    login(people["reporter"])
    page = client.get(f"/arenden/{with_patient.reference}").get_data(as_text=True)
    assert "Vem har läst" not in page
