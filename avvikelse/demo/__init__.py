"""The demo: the Jämtland directory, demo accounts, on-duty numbers, a synthetic history
and a story for each path a case can take.

Synthetic cases go through the real services (so they obey every rule) with times
spread over the eight quarters before the current one: the forum has a history to show.
The stories are recent: a dispute settled in the forum and one waiting for it, a serious
case with a direct contact and a Lex Maria report whose IVO number came later, a
social-care case with Lex Sarah, a case closed without reaction, a complaint answered,
a case waiting for the sender. Every open case has an owner (who acknowledged it, or the
intake's handler); each kommun's intake has a functional mailbox; Östersund's MAS is away
with the SAS standing in. And learning together (demo/learning.py): an investigation in
each state, measures in each status, a merged duplicate, learning summaries. Their
notifications are marked done, since telling demo
users about invented events helps nobody.
"""
import random

import click
from flask.cli import with_appcontext
from sqlalchemy import func, select, update

from avvikelse.accounts.models import User
from avvikelse.accounts.services import user_by_username
from avvikelse.cases import legal_bases
from avvikelse.core.clock import now_utc
from avvikelse.core.outbox import OutboxEvent
from avvikelse.demo.history import invent_history
from avvikelse.demo.learning import follow_up_history, tell_learning
from avvikelse.demo.national import seed_national
from avvikelse.agreements.seed import seed_agreements
from avvikelse.demo.people import (DEMO_PASSWORD, account_lines, add_absence, add_accounts, add_mailboxes,
                                   add_on_duty_numbers)
from avvikelse.demo.stories import give_owners, tell_stories
from avvikelse.directory.seed import seed_jamtland
from avvikelse.extensions import db
from avvikelse.rollups import services as rollups

__all__ = ["DEMO_PASSWORD", "seed", "seed_demo"]


def seed(force: bool = False, national: bool = False) -> list[str]:
    """Jämtland's demo; with `national`, also Sweden's directory, a second county
    (Västernorrland) and cases across the county line (demo/national.py), added to a
    Jämtland demo that is already there."""
    seed_jamtland()
    seed_agreements()
    legal_bases.ensure_defaults()
    if db.session.scalar(select(func.count()).select_from(User)) and not force:
        if national and user_by_username("rapportor.vnr") is None:
            people = {name: user_by_username(name) for name in _NATIONAL_NEEDS}
            if all(people.values()):
                lines = seed_national(people, now_utc())
                _quiet()
                return lines
        db.session.commit()
        return ["Databasen har redan användare; inga demokonton lades till."] + account_lines()
    people = add_accounts()
    add_on_duty_numbers()
    db.session.flush()
    now = now_utc()
    count = invent_history(people, random.Random(2026), now)
    follow_up_history(people, random.Random(16), now)
    stories = tell_stories(people, now)
    investigations = tell_learning(people, now)
    give_owners(people, now)  # after every story: each open case has an owner
    add_mailboxes()
    add_absence(people, now)
    lines = seed_national(people, now) if national else []
    _quiet()
    return [f"Demo: {len(people)} konton, {count} påhittade ärenden, {stories} berättelser och "
            f"{investigations} händelseanalyser."] + account_lines() + lines


#: the Jämtland accounts the national demo's cases across the county line use
_NATIONAL_NEEDS = ("rapportor.krokom", "handlaggare.krokom", "rapportor.ostersund", "handlaggare.region")


def _quiet() -> None:
    # Invented events must not mail anyone, nor queue hundreds of no-op messages that
    # the worker would go through before the first real case.
    db.session.execute(update(OutboxEvent).values(processed_at=now_utc()))
    db.session.info.pop("outbox", None)
    # Their events are skipped, so the invented cases are counted from the cases.
    rollups.count_all()
    db.session.commit()



@click.command("seed-demo", help="Katalog, demokonton och påhittade ärenden, om databasen är tom.")
@click.option("--force", is_flag=True, help="Lägg in demokonton även om det finns användare.")
@click.option("--national", is_flag=True,
              help="Även Sveriges katalog, Västernorrland och ärenden över länsgränsen.")
@with_appcontext
def seed_demo(force, national):
    for line in seed(force=force, national=national):
        click.echo(line)
