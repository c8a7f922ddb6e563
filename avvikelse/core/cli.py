"""Operator commands for the outbox: see the backlog and what fails, retry, run by hand."""
import click
from flask.cli import with_appcontext

from avvikelse.core import outbox
from avvikelse.core.clock import now_utc
from avvikelse.extensions import db


@click.group("outbox", help="Händelser som väntar på bakgrundsarbete.")
def outbox_cli():
    pass


@outbox_cli.command("status", help="Hur många händelser som väntar och hur många som misslyckats.")
@with_appcontext
def status():
    figures = outbox.backlog(now_utc())
    click.echo(f"waiting: {figures['waiting']}\nfailing: {figures['failing']}\n"
               f"oldest_seconds: {figures['oldest_seconds']}")


@outbox_cli.command("failed", help="Visa händelser som har misslyckats och väntar på nytt försök.")
@with_appcontext
def failed():
    for evt in outbox.failing():
        click.echo(f"{evt.id}  {evt.kind:<22} attempts={evt.attempts}  {evt.last_error or ''}")


@outbox_cli.command("retry", help="Lämna misslyckade händelser till arbetarna igen nu.")
@click.argument("event_ids", nargs=-1)
@with_appcontext
def retry(event_ids):
    events = [e for e in outbox.failing() if not event_ids or e.id in event_ids]
    now = now_utc()
    for evt in events:
        evt.last_dispatch_at = now
    db.session.commit()
    handed = outbox.publish([e.id for e in events]) if events else True
    click.echo(f"retried: {len(events)}" if handed else "broker unavailable: nothing handed over")
    if not handed:
        raise SystemExit(1)


@outbox_cli.command("run", help="Kör alla väntande händelser i denna process, utan arbetare.")
@with_appcontext
def run():
    click.echo(f"processed: {outbox.drain()}")
