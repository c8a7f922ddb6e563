"""Directory import: a dry run shows what would change; bad rows by line; all or nothing."""
from sqlalchemy import func, select

from avvikelse.directory.models import Unit
from avvikelse.directory.services import unit_by_code
from avvikelse.extensions import db
from avvikelse.integrations import directory_import as importer
from avvikelse.integrations.cli import directory_import_cli

GOOD = (
    "code;name;organisation;hsa_id;parent;active\n"
    "2309-HSJV;Hemsjukvården Krokom;2309;SE2321000065-HSJV;;ja\n"
    "2309-HT;Hemtjänst Föllinge;2309;SE2321000065-HT1;2309-HSJV;ja\n"
)


def _units() -> int:
    return db.session.scalar(select(func.count()).select_from(Unit))


def test_dry_run_shows_changes_and_changes_nothing():
    before = _units()
    plan = importer.plan(GOOD)
    assert plan.ok
    assert plan.count("create") == 1 and plan.count("update") == 1
    update = next(c for c in plan.changes if c.action == "update")
    assert update.line == 2 and update.changes["hsa_id"] == (None, "SE2321000065-HSJV")
    assert _units() == before and unit_by_code("2309-HT") is None


def test_apply_creates_and_updates_with_parent():
    importer.apply(importer.plan(GOOD))
    db.session.commit()
    child = unit_by_code("2309-HT")
    assert child.parent.code == "2309-HSJV" and child.organisation.code == "2309"
    assert unit_by_code("2309-HSJV").hsa_id == "SE2321000065-HSJV"
    assert importer.plan(GOOD).count("unchanged") == 2  # running it again changes nothing


def test_bad_rows_are_reported_by_line_and_nothing_is_imported():
    before = _units()
    text = GOOD + (
        "bad code!;X;2309;;;\n"            # line 4
        "2309-A;;9999;SE1;;kanske\n"       # line 5
        "2309-HT;Dubblett;2309;;;\n"       # line 6
        "2309-B;B;2309;;2309-FINNS-EJ;\n"  # line 7
    )
    plan = importer.plan(text)
    lines = {line for line, _ in plan.errors}
    assert lines == {4, 5, 6, 7}
    messages = dict(plan.errors)
    assert "finns redan på rad 3" in messages[6]
    assert "2309-FINNS-EJ" in messages[7]
    assert any("okänd organisationskod 9999" in m for line, m in plan.errors if line == 5)
    assert _units() == before


def test_a_unit_cannot_move_to_another_organisation():
    plan = importer.plan("code,name,organisation\n2309-HSJV,Flyttad,2380\n")
    assert plan.errors == [(2, "Enheten 2309-HSJV hör till 2309; en enhet kan inte byta organisation.")]


def test_header_problems_are_line_1():
    assert importer.plan("kod;namn\nx;y\n").errors[0][0] == 1
    assert importer.plan("").errors == [(0, "Filen är tom.")]


def test_cli_dry_run_then_apply(app, tmp_path):
    path = tmp_path / "enheter.csv"
    path.write_text(GOOD, encoding="utf-8")
    runner = app.test_cli_runner()
    dry = runner.invoke(directory_import_cli, [str(path)])
    assert dry.exit_code == 0 and "Provkörning" in dry.output and "ny enhet 2309-HT" in dry.output
    assert unit_by_code("2309-HT") is None
    done = runner.invoke(directory_import_cli, [str(path), "--apply"])
    assert done.exit_code == 0 and "Importerat" in done.output
    db.session.expire_all()
    assert unit_by_code("2309-HT") is not None


def test_cli_reports_errors_and_fails(app, tmp_path):
    path = tmp_path / "fel.csv"
    path.write_text("code;name;organisation\n;X;2309\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(directory_import_cli, [str(path), "--apply"])
    assert result.exit_code != 0 and "rad 2" in result.output


def test_admin_page_dry_run_then_apply(client, login, make_user):
    import io

    login(make_user("2309", ["admin"]))
    dry = client.post("/admin/katalog/import", data={"file": (io.BytesIO(GOOD.encode()), "e.csv")},
                      content_type="multipart/form-data")
    assert dry.status_code == 200 and "Provkörning" in dry.get_data(as_text=True)
    assert unit_by_code("2309-HT") is None
    done = client.post("/admin/katalog/import", data={"file": (io.BytesIO(GOOD.encode()), "e.csv"), "apply": "y"},
                       content_type="multipart/form-data")
    assert done.status_code == 200
    db.session.expire_all()
    assert unit_by_code("2309-HT") is not None


def test_admin_page_refuses_other_organisations_units(client, login, make_user):
    import io

    login(make_user("2380", ["admin"]))
    page = client.post("/admin/katalog/import", data={"file": (io.BytesIO(GOOD.encode()), "e.csv"), "apply": "y"},
                       content_type="multipart/form-data")
    assert page.status_code == 422 and "Rad 2" in page.get_data(as_text=True)
    assert unit_by_code("2309-HT") is None
