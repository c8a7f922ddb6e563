"""The search page, saved searches and list exports, as a signed-in person uses them."""
import csv
import io

from openpyxl import load_workbook
from sqlalchemy import func, select

from avvikelse.audit.models import AccessLog
from avvikelse.directory.services import organisation_by_code, unit_by_code
from avvikelse.extensions import db
from avvikelse.search.models import SavedSearch
from tests.fixtures.factories import PASSWORD, TEST_PNR
from tests.web.helpers import text

DESCRIPTION = "Läkemedlen saknades i dosetten vid hemgång."


def _log_rows() -> int:
    return db.session.scalar(select(func.count()).select_from(AccessLog))


def _csrf(client, path="/sok?q=x") -> str:
    import re

    body = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', body).group(1)


def test_the_page_lists_matches_without_their_text_and_logs_no_read(client, login, people, new_case):
    case = new_case(description=DESCRIPTION, patient_id=TEST_PNR.replace("-", ""))
    new_case(description="Något annat.")
    login(people["receiver_handler"])
    logged = _log_rows()
    response = client.get("/sok?q=läkemedel")
    assert response.status_code == 200
    page = text(response)
    assert case.reference in page and "Utskrivning och informationsöverföring" in page
    assert "Läkemedlen saknades" not in page and "dosetten" not in page.replace('value="', "")
    assert TEST_PNR not in page and "19121212" not in page
    db.session.expire_all()
    assert _log_rows() == logged
    assert 'href="/sok"' in client.get("/inkorg").get_data(as_text=True)  # in the menu


def test_bad_input_is_a_400_page_naming_the_field(client, login, people):
    login(people["receiver_handler"])
    response = client.get("/sok?reported_from=2026-13-01&category=nope")
    assert response.status_code == 400
    page = text(response)
    assert "Ange ett datum som ÅÅÅÅ-MM-DD" in page and "Okänd kategori" in page
    assert client.get("/sok?q=" + "a" * 500).status_code == 400


def test_saved_searches_belong_to_their_owner(app, client, login, people, new_case):
    new_case(description=DESCRIPTION)
    login(people["receiver_handler"])
    token = _csrf(client)
    response = client.post("/sok/sparade", data={"csrf_token": token, "name": "Läkemedel",
                                                 "query": "q=läkemedel&category=discharge&cursor=abc&bogus=1"})
    assert response.status_code == 302
    (kept,) = db.session.scalars(select(SavedSearch)).all()
    assert kept.user_id == people["receiver_handler"].id
    assert kept.query == "q=l%C3%A4kemedel&category=discharge"  # what a search reads, nothing else
    page = text(client.get("/sok"))
    assert "Läkemedel" in page and f"/sok/sparade/{kept.id}/ta-bort" in page

    other = app.test_client()
    other.post("/logga-in", data={"username": people["sender_handler"].username, "password": PASSWORD})
    assert f"/sok/sparade/{kept.id}/ta-bort" not in text(other.get("/sok"))
    response = other.post(f"/sok/sparade/{kept.id}/ta-bort", data={"csrf_token": _csrf(other)})
    assert response.status_code == 404
    assert db.session.get(SavedSearch, kept.id) is not None

    assert client.post(f"/sok/sparade/{kept.id}/ta-bort", data={"csrf_token": token}).status_code == 302
    db.session.expire_all()
    assert db.session.scalars(select(SavedSearch)).all() == []


def test_a_search_with_a_personnummer_is_not_saved(client, login, people):
    login(people["receiver_handler"])
    response = client.post("/sok/sparade", data={"csrf_token": _csrf(client), "name": "Patient",
                                                 "query": f"q={TEST_PNR}"}, follow_redirects=True)
    assert "innehåller ett personnummer" in text(response)
    assert db.session.scalars(select(SavedSearch)).all() == []


def test_the_export_has_the_columns_shown_and_no_patient_data(client, login, people, new_case):
    case = new_case(description=DESCRIPTION, patient_id=TEST_PNR.replace("-", ""), receiver_unit="23-OSD-GER")
    login(people["receiver_handler"])
    logged = _log_rows()
    response = client.get("/sok/export.csv?q=läkemedel")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    lines = _csv(response)
    assert lines[0] == ["Referens", "Allvarlig", "Typ", "Kategori", "Avsändare", "Mottagare", "Status",
                        "Rapporterad", "Svar senast", "Ansvarig"]
    assert len(lines) == 2 and lines[1][:4] == [case.reference, "Nej", "Avvikelse",
                                                "Utskrivning och informationsöverföring"]
    assert lines[1][5] == "Region Jämtland Härjedalen, " + unit_by_code("23-OSD-GER").name
    body = response.get_data(as_text=True)
    assert "Läkemedlen" not in body and "dosetten" not in body and TEST_PNR not in body and "19121212" not in body
    sheet = load_workbook(io.BytesIO(client.get("/sok/export.xlsx?q=läkemedel").get_data())).active
    assert [c.value for c in sheet[1]] == lines[0] and sheet["A2"].value == case.reference
    db.session.expire_all()
    assert _log_rows() == logged  # a list, not a read


def test_the_owner_is_a_filter_and_a_column_of_the_page_and_its_export(client, login, people, new_case, act):
    handler = people["receiver_handler"]
    mine, nobodys = new_case(), new_case()
    act(handler, mine, "acknowledge")
    login(handler)
    page = client.get("/sok?box=incoming&owner=me").get_data(as_text=True)
    assert mine.reference in page and nobodys.reference not in page
    assert '<th scope="col">Ansvarig</th>' in page and (handler.full_name or handler.username) in page
    assert '<option value="me" selected>Jag</option>' in page
    lines = _csv(client.get("/sok/export.csv?box=incoming"))
    assert lines[0][-1] == "Ansvarig"
    assert {line[0]: line[-1] for line in lines[1:]} == {
        mine.reference: handler.full_name or handler.username, nobodys.reference: ""}
    inbox = _csv(client.get("/sok/export.csv?box=incoming&columns=box"))  # the inbox's own export
    assert inbox[0][-1] == "Ansvarig" and "Motpart" in inbox[0]


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))


def test_a_cell_that_starts_a_formula_is_neutralised(app, client, login, people, new_case):
    new_case()
    organisation_by_code("23").name = "=HYPERLINK(\"http://example.org\")"
    db.session.commit()
    login(people["receiver_handler"])
    lines = _csv(client.get("/sok/export.csv?box=all"))
    assert lines[1][5].startswith("'=HYPERLINK(")
    sheet = load_workbook(io.BytesIO(client.get("/sok/export.xlsx?box=all").get_data())).active
    assert sheet["F2"].value.startswith("'=HYPERLINK(") and sheet["F2"].data_type == "s"
    # The sending side's list, in its own columns: the other party is the receiver.
    reporter = app.test_client()
    reporter.post("/logga-in", data={"username": people["reporter"].username, "password": PASSWORD})
    lines = _csv(reporter.get("/sok/export.csv?box=outgoing&columns=box"))
    assert lines[0][4] == "Motpart" and lines[1][4].startswith("'=HYPERLINK(")


def test_the_inbox_offers_its_export(client, login, people, new_case):
    new_case()
    login(people["receiver_handler"])
    page = client.get("/inkorg").get_data(as_text=True)
    assert "/sok/export.csv?box=incoming&amp;columns=box" in page
