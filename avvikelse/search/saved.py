"""Saved searches: a person's named query strings, theirs alone (another's is not found)."""
from datetime import datetime
from urllib.parse import parse_qsl

from sqlalchemy import func, select

from avvikelse.accounts.models import User
from avvikelse.core import personnummer
from avvikelse.core.errors import NotFound, ValidationFailed
from avvikelse.extensions import db
from avvikelse.search import filters
from avvikelse.search.models import SavedSearch

#: searches one person may keep
MAX_PER_USER = 50


def of(user: User) -> list[SavedSearch]:
    return list(db.session.scalars(select(SavedSearch).where(SavedSearch.user_id == user.id)
                                   .order_by(SavedSearch.name, SavedSearch.id)))


def save(user: User, name: str, query: str, now: datetime) -> SavedSearch:
    """Keep the search the query string describes, read and written back the way the
    search page writes it (so only what a search reads is kept)."""
    try:
        search = filters.parse(dict(parse_qsl(query[:2000])), filters.Context(user, now))
    except ValidationFailed:
        raise ValidationFailed({"query": ["Sökningen har fel; rätta den innan du sparar den."]}) from None
    if search.is_empty and search.box == "all":
        raise ValidationFailed({"query": ["Sök eller välj ett filter innan du sparar."]})
    # The text of a search is stored here: a personnummer has no place in it.
    if personnummer.contains(search.q, now.date()):
        raise ValidationFailed({"query": ["Söktexten innehåller ett personnummer och sparas inte."]})
    count = db.session.scalar(select(func.count()).select_from(SavedSearch).where(SavedSearch.user_id == user.id))
    if count >= MAX_PER_USER:
        raise ValidationFailed({"name": [f"Du kan spara högst {MAX_PER_USER} sökningar; ta bort någon först."]})
    saved = SavedSearch(user_id=user.id, name=name, query=search.query_string()[:1000], created_at=now)
    db.session.add(saved)
    db.session.flush()
    return saved


def get_own(user: User, saved_id: int) -> SavedSearch:
    saved = db.session.get(SavedSearch, saved_id)
    if saved is None or saved.user_id != user.id:
        raise NotFound("Sökningen finns inte.")
    return saved


def delete(user: User, saved_id: int) -> None:
    db.session.delete(get_own(user, saved_id))
    db.session.flush()
