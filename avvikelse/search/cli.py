"""`flask --app avvikelse search-index rebuild`: the full-text index computed afresh from
the cases' text (after restoring a backup without it, or after changing the stemming)."""
import click
from flask.cli import with_appcontext

from avvikelse.extensions import db
from avvikelse.search import index


@click.group("search-index", help="Sökindexet över ärendenas fritext.")
def search_index_cli():
    pass


@search_index_cli.command("rebuild")
@with_appcontext
def rebuild():
    """Every case's row, computed afresh (a case whose text was disposed of gets none)."""
    written = index.rebuild(db.session.connection())
    db.session.commit()
    click.echo(f"indexed {written} cases")
