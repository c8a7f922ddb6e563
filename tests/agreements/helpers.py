"""What a reader of a page sees: entities resolved, tags left out."""
import re

from tests.web.helpers import text


def words(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", text(response)))
