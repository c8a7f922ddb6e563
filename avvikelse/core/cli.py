"""Operator commands for the outbox: see the backlog, process it by hand."""
import click
from flask.cli import with_appcontext
from sqlalchemy import func, select

from avvikelse.core import outbox
from avvikelse.extensions import db


@click.group("outbox", help="Händelser som väntar på bakgrundsarbete.")
def outbox_cli():
    pass


@outbox_cli.command("status")
@with_appcontext
def status():
    waiting = db.session.scalar(
        select(func.count()).select_from(outbox.OutboxEvent).where(outbox.OutboxEvent.processed_at.is_(None))
    )
    failing = db.session.scalar(
        select(func.count()).select_from(outbox.OutboxEvent).where(
            outbox.OutboxEvent.processed_at.is_(None), outbox.OutboxEvent.attempts > 0
        )
    )
    click.echo(f"waiting: {waiting}\nfailing: {failing}")


@outbox_cli.command("run")
@with_appcontext
def run():
    """Process every waiting event in this process, without a worker."""
    click.echo(f"processed: {outbox.drain()}")
