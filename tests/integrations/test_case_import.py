"""Historical cases from CSV: validated like the form, all or nothing, closed, silent."""
from sqlalchemy import func, select

from avvikelse.cases.enums import Status
from avvikelse.cases.models import Case
from avvikelse.core.clock import now_utc
from avvikelse.core.outbox import OutboxEvent
from avvikelse.extensions import db
from avvikelse.integrations import case_import
from avvikelse.integrations.cli import cases_import_cli
from avvikelse.rollups import services as rollups

HEADER = ("kind;event_type;receiver_organisation;sender_unit;occurred_at;category;description;"
          "immediate_action;consequence;probability;serious;reported_at;closed_at\n")
ROW = ("deviation;adverse_event;23;2309-HSJV;2024-03-01 08:00;discharge;Meddelandet kom inte.;"
       "Ringde.;2;3;nej;2024-03-02 10:00;2024-04-01 09:00\n")


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_valid_rows_become_closed_cases_without_side_effects(people):
    plan = case_import.plan(HEADER + ROW + ROW, people["reporter"], now_utc())
    assert plan.ok, plan.errors
    events_before = _count(OutboxEvent)
    cases = case_import.apply(plan, people["reporter"])
    db.session.commit()
    assert len(cases) == 2
    case = cases[0]
    assert case.status == Status.CLOSED and case.reference.startswith("AV-2024-")
    assert case.risk == 6 and case.sender_organisation.code == "2309"
    assert case.history[0].action == "import"
    assert _count(OutboxEvent) == events_before  # no routing, mail or webhook
    # ... yet counted in the rollups, as a recount from the cases would count them
    found = rollups.recount(repair=False)
    assert (found.cases, found.cells_differing, found.marks_differing) == (2, 0, 0)


def test_rows_are_validated_like_the_form_and_reported_by_line(people):
    bad = (HEADER + ROW
           + ROW.replace(";discharge;", ";nonsense;")                     # line 3
           + ROW.replace(";Meddelandet kom inte.;", ";  ;")               # line 4
           + ROW.replace(";2;3;", ";9;3;")                                # line 5
           + ROW.replace("deviation;adverse_event;23;", "deviation;adverse_event;2309;")  # line 6
           + ROW.replace("2024-03-02 10:00", "2024-02-01 10:00"))        # line 7: before the event
    plan = case_import.plan(bad, people["reporter"], now_utc())
    assert {line for line, _ in plan.errors} == {3, 4, 5, 6, 7}
    messages = dict(plan.errors)
    assert messages[3].startswith("category:")
    assert messages[4].startswith("description:")
    assert messages[6].startswith("receiver_organisation:")
    assert "före händelsen" in messages[7]


def test_patient_columns_are_refused(people):
    plan = case_import.plan(HEADER.replace("\n", ";patient_id\n") + ROW.replace("\n", ";19121212-1212\n"),
                            people["reporter"], now_utc())
    assert plan.errors and plan.errors[0][0] == 1 and "patient_id" in plan.errors[0][1]


def test_cli_dry_run_then_apply(app, tmp_path, people):
    path = tmp_path / "historik.csv"
    path.write_text(HEADER + ROW, encoding="utf-8")
    runner = app.test_cli_runner()
    username = people["reporter"].username
    dry = runner.invoke(cases_import_cli, [str(path), "--as", username])
    assert dry.exit_code == 0 and "Provkörning: 1" in dry.output and _count(Case) == 0
    done = runner.invoke(cases_import_cli, [str(path), "--as", username, "--apply"])
    assert done.exit_code == 0 and _count(Case) == 1


def test_cli_refuses_a_file_with_any_bad_row(app, tmp_path, people):
    path = tmp_path / "historik.csv"
    path.write_text(HEADER + ROW + ROW.replace(";2;3;", ";x;3;"), encoding="utf-8")
    result = app.test_cli_runner().invoke(cases_import_cli, [str(path), "--as", people["reporter"].username, "--apply"])
    assert result.exit_code != 0 and "rad 3" in result.output and _count(Case) == 0
