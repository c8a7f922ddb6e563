"""Sweden's directory: `directory sweden`, the update command, the API's directory, and
unit codes unique in the installation."""
import pytest
from sqlalchemy import func, select

from avvikelse.accounts.tokens import issue_token
from avvikelse.core.clock import now_utc
from avvikelse.directory.cli import directory_cli
from avvikelse.directory.models import Organisation, OrgKind, Samverkan, Unit, UnitCodeError
from avvikelse.directory.services import organisation_by_code, upsert_unit
from avvikelse.extensions import db


def _sweden(app):
    result = app.test_cli_runner().invoke(directory_cli, ["sweden"])
    assert result.exit_code == 0, result.output
    return result.output


def _kinds() -> dict:
    rows = db.session.execute(select(Organisation.kind, func.count()).group_by(Organisation.kind)).all()
    return {k: n for k, n in rows}


def test_directory_sweden_loads_every_county_region_and_kommun_idempotently(app):
    first = _sweden(app)
    assert "counties added: 20" in first and "organisations added: 301" in first  # Jämtland was there
    kinds = _kinds()
    regions = kinds[OrgKind.REGION] + kinds[OrgKind.BOTH]
    kommuner = kinds[OrgKind.KOMMUN] + kinds[OrgKind.BOTH]
    assert (regions, kommuner, kinds[OrgKind.BOTH]) == (21, 290, 1)
    assert db.session.scalar(select(func.count()).select_from(Samverkan)) == 21
    gotland = organisation_by_code("0980")
    assert (gotland.name, gotland.kind, gotland.county_code) == ("Region Gotland", OrgKind.BOTH, "09")
    assert organisation_by_code("2309").name == "Krokoms kommun"  # the seed's name stays
    assert organisation_by_code("2281").county_code == "22"
    # only Jämtland runs here until a county is connected
    assert db.session.scalars(select(Samverkan.code).where(Samverkan.active)).all() == ["23"]
    again = _sweden(app)
    assert "counties added: 0" in again and "organisations added: 0" in again
    assert db.session.scalar(select(func.count()).select_from(Organisation)) == 310


def test_activate_and_deactivate_a_county(app):
    _sweden(app)
    runner = app.test_cli_runner()
    assert runner.invoke(directory_cli, ["activate", "22"]).exit_code == 0
    assert db.session.scalar(select(Samverkan.active).where(Samverkan.code == "22")) is True
    assert runner.invoke(directory_cli, ["deactivate", "22"]).exit_code == 0
    unknown = runner.invoke(directory_cli, ["activate", "77"])
    assert unknown.exit_code != 0 and "okänt län 77" in unknown.output


def test_update_reports_what_a_file_from_scb_changes_and_applies_it(app, tmp_path):
    _sweden(app)
    path = tmp_path / "kommuner.csv"
    path.write_text("kommun_code,kommun_name,lan_code\n2309,Krokom,23\n2281,Sundsvall stad,22\n"
                    "2399,Nykommun,23\n", encoding="utf-8")
    runner = app.test_cli_runner()
    dry = runner.invoke(directory_cli, ["update", str(path)])
    assert dry.exit_code == 0, dry.output
    assert "ny kommun 2399 Nykommun i län 23" in dry.output
    assert "kommun 2281: Sundsvall → Sundsvall stad" in dry.output
    assert "2309" not in dry.output  # "Krokoms kommun" is Krokom in its long form
    assert "kommun 0114 Upplands Väsby finns inte i filen: markeras inaktiv" in dry.output
    assert "provkörning" in dry.output and organisation_by_code("2399") is None
    applied = runner.invoke(directory_cli, ["update", str(path), "--apply"])
    assert applied.exit_code == 0 and "ändrat" in applied.output
    assert organisation_by_code("2399").county_code == "23"
    assert organisation_by_code("2281").name == "Sundsvall stad"
    assert organisation_by_code("0114").active is False


@pytest.mark.parametrize("text,message", [
    ("kod,namn\n1,2\n", "Okänd fil"),
    ("kommun_code,kommun_name,lan_code\n2309,Krokom,24\n", "rad 2"),
    ("lan_code,lan_name,region_name\n2,Län,Region\n", "rad 2"),
    ("lan_code,lan_name,region_name\n23,A,B\n23,A,B\n", "samma länskod"),
])
def test_update_refuses_a_bad_file_in_swedish(app, tmp_path, text, message):
    path = tmp_path / "fil.csv"
    path.write_text(text, encoding="utf-8")
    result = app.test_cli_runner().invoke(directory_cli, ["update", str(path)])
    assert result.exit_code != 0 and message in result.output


def test_the_bundled_data_is_sweden(app):
    from avvikelse.directory import sweden

    counties, kommuner = sweden.bundled()
    assert len(counties) == 21 and len(kommuner) == 290
    assert (sweden.DATA / "SOURCE.md").read_text(encoding="utf-8").count("SCB") >= 1


def _api(client, user):
    token = issue_token(user, now_utc(), 1)
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}


def test_api_directory_is_the_callers_samverkan_and_partners_or_the_whole_country(app, client, vnr, new_case):
    _sweden(app)
    own = client.get("/api/v1/directory", headers=_api(client, vnr["reporter"])).get_json()["organisations"]
    assert {o["lan"] for o in own} == {"23"} and len(own) == 9
    new_case(receiver_organisation="22")  # Krokom files to Region Västernorrland
    own = client.get("/api/v1/directory", headers=_api(client, vnr["reporter"])).get_json()["organisations"]
    assert {o["code"] for o in own if o["lan"] != "23"} == {"22"}
    assert own[0]["lan"] == "23"  # own county first
    vnr_side = client.get("/api/v1/directory", headers=_api(client, vnr["vnr_handler"])).get_json()["organisations"]
    assert {o["code"] for o in vnr_side if o["lan"] != "22"} == {"2309"}
    assert {"22", "2281", "2262", "2284"} <= {o["code"] for o in vnr_side}
    every = client.get("/api/v1/directory?all=1", headers=_api(client, vnr["reporter"])).get_json()["organisations"]
    kinds = [o["kind"] for o in every]
    assert sum(k == "region" or k == ["region", "kommun"] for k in kinds) == 21
    assert sum(k == "kommun" or k == ["region", "kommun"] for k in kinds) == 290
    gotland = next(o for o in every if o["code"] == "0980")
    assert gotland["kind"] == ["region", "kommun"] and gotland["lan"] == "09" and gotland["receives"] is False
    assert all(set(o) == {"code", "name", "kind", "lan", "receives", "units"} for o in every)
    assert len({o["lan"] for o in every}) == 21


@pytest.mark.parametrize("value", ["maybe", "2", "", "yes please"])
def test_api_directory_refuses_a_bad_all(client, people, value):
    response = client.get(f"/api/v1/directory?all={value}", headers=_api(client, people["reporter"]))
    assert response.status_code == 400 and response.is_json
    assert "all" in response.get_json()["message"]


def test_directory_statements_do_not_grow_with_the_country(app, client, people):
    from tests.web.test_unit_picker import counted

    headers = _api(client, people["reporter"])
    client.get("/api/v1/directory?all=1", headers=headers)  # the token's first use is written down
    with counted() as small:
        client.get("/api/v1/directory?all=1", headers=headers)
    _sweden(app)
    with counted() as large:
        assert len(client.get("/api/v1/directory?all=1", headers=headers).get_json()["organisations"]) == 310
    assert len(large) == len(small), "\n".join(s[:80] for s in large)


def test_a_unit_code_begins_with_its_organisations_code(app):
    krokom = organisation_by_code("2309")
    with pytest.raises(UnitCodeError, match="2309-"):
        upsert_unit(krokom, "HSJV-2", "Utan prefix")
    db.session.rollback()
    with pytest.raises(UnitCodeError):
        upsert_unit(krokom, "23-NY", "Regionens prefix")
    db.session.rollback()
    assert upsert_unit(krokom, "2309-NY", "Med prefix").code == "2309-NY"
    assert db.session.scalar(select(func.count()).select_from(Unit).where(Unit.code == "2309-NY")) == 1


def test_the_directory_import_refuses_an_unprefixed_code():
    from avvikelse.integrations import directory_import as importer

    plan = importer.plan("code,name,organisation\nHT-9,Hemtjänst,2309\n")
    assert plan.errors == [(2, "code: Enhetens kod ska börja med organisationens kod och ett bindestreck: 2309-…")]
