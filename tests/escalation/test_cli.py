"""`flask --app avvikelse clocks run [--now ISO8601]`: one pass, for operators."""
from tests.escalation.conftest import escalations, local, steps


def test_clocks_run_at_a_given_time(app, clock, new_case):
    clock.set(local(2026, 3, 2, 9, 0))
    case = new_case()
    runner = app.test_cli_runner()
    # No offset: Swedish time. 6 April 09:00 is exactly 7 days past the due time.
    result = runner.invoke(args=["clocks", "run", "--now", "2026-04-06T09:00"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("2026-04-06T09:00:00+02:00: ")
    assert "overdue: 1" in result.output and "reminder_before: 0" in result.output
    assert steps(case)[-1] == ("overdue", True)
    again = runner.invoke(args=["clocks", "run", "--now", "2026-04-06T07:00:00Z"])
    assert "overdue: 0" in again.output
    runner.invoke(args=["outbox", "run"])
    assert len(escalations(case)) == 1


def test_clocks_run_refuses_a_bad_time(app):
    result = app.test_cli_runner().invoke(args=["clocks", "run", "--now", "i morgon"])
    assert result.exit_code == 2 and "ISO 8601" in result.output
