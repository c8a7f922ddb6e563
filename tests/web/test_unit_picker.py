"""The filing form's receiving units: the chosen organisation's only, from /enheter (JSON)
with the script, or through "Visa enheter" without it; and a new-case page whose count of
SQL statements does not grow with the directory."""
from contextlib import contextmanager

from sqlalchemy import event, func, select

from avvikelse.cases.models import Case
from avvikelse.directory.models import Organisation, OrgKind, Samverkan, Unit
from avvikelse.extensions import db
from tests.web.helpers import case_form


def test_units_of_one_organisation_as_json(client, login, people):
    login(people["reporter"])
    response = client.get("/enheter?organisation=23")
    assert response.status_code == 200 and response.mimetype == "application/json"
    units = response.get_json()
    assert {"code": "23-OSD-GER", "name": "Östersunds sjukhus, geriatrisk avdelning"} in units
    assert all(u["code"].startswith("23-") for u in units) and len(units) == 9


def test_units_refuses_bad_input_in_swedish(client, login, people):
    login(people["reporter"])
    missing = client.get("/enheter")
    assert missing.status_code == 400 and "organisationens kod" in missing.get_json()["message"]
    unknown = client.get("/enheter?organisation=9999")
    assert unknown.status_code == 404 and unknown.get_json()["message"] == "Okänd organisation: 9999."
    assert client.get("/enheter?organisation=%00").status_code == 400  # NUL: refused at the door


def test_units_needs_a_signed_in_user(client):
    response = client.get("/enheter?organisation=23")
    assert response.status_code == 302 and "/logga-in" in response.headers["Location"]


def test_without_javascript_show_units_keeps_what_was_typed(client, login, people):
    login(people["reporter"])
    before = db.session.scalar(select(func.count()).select_from(Case))
    data = case_form(receiver_organisation="23", description="Läkemedelslistan saknades.", show_units="1")
    response = client.post("/arenden/ny", data=data)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and 'class="error-summary' not in body
    assert '<option value="23-OSD-GER">' in body and "2380-HSJV" not in body
    assert "Läkemedelslistan saknades." in body
    assert db.session.scalar(select(func.count()).select_from(Case)) == before  # nothing filed
    # then the unit is chosen and the report sent
    filed = client.post("/arenden/ny", data=case_form(receiver_unit="23-OSD-GER"))
    assert filed.status_code == 302
    case = db.session.scalar(select(Case).order_by(Case.id.desc()))
    assert case.receiver_unit.code == "23-OSD-GER"


@contextmanager
def counted():
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def _add_country(n: int = 300) -> None:
    """n organisations of a second running county, each with three units."""
    db.session.add(Samverkan(code="99", name="Provlän", active=True))
    orgs = [Organisation(code=f"99{i:03d}", name=f"Kommun {i}", kind=OrgKind.KOMMUN, county_code="99")
            for i in range(n)]
    db.session.add_all(orgs)
    db.session.flush()
    db.session.add_all(Unit(organisation_id=o.id, code=f"{o.code}-{k}", name=f"Enhet {k}")
                       for o in orgs for k in ("A", "B", "C"))
    db.session.commit()


def test_the_new_case_page_costs_the_same_whatever_the_directory(client, login, people):
    from avvikelse.core import marker

    def uncached():  # the form's directory data read afresh, as after any directory write
        marker.bump(db.session.connection())
        db.session.commit()

    login(people["reporter"])
    client.get("/arenden/ny")  # warm: the session's first read of the user
    uncached()
    with counted() as small:
        assert client.get("/arenden/ny").status_code == 200
    uncached()
    with counted() as small_chosen:
        assert client.post("/arenden/ny", data=case_form(show_units="1")).status_code == 200
    _add_country(300)
    with counted() as large:
        body = client.get("/arenden/ny").get_data(as_text=True)
    uncached()
    with counted() as large_chosen:
        assert client.post("/arenden/ny", data=case_form(show_units="1")).status_code == 200
    with counted() as kept:
        assert client.get("/arenden/ny").status_code == 200
    assert 'value="99299"' in body and "99299-A" not in body  # organisations yes, units no
    assert len(large) == len(small), (small, large)
    assert len(large_chosen) == len(small_chosen), (small_chosen, large_chosen)
    assert len(kept) < len(large), kept  # unchanged directory: its data is kept
    with counted() as units:
        assert len(client.get("/enheter?organisation=99042").get_json()) == 3
    assert len(units) <= 5, units
