"""Swedish words as the full-text index holds them, the same for a text and a query.

Snowball's Swedish stemmer (PyStemmer, pinned) with Snowball's Swedish stop words, and three
rules for what Snowball leaves apart: the definite endings -et after two consonants
(fallet → fall, läkemedlet → läkemedl) and -an after a consonant (sjuksköterskan and
sjuksköterska → sjukskötersk), and the e that -el words drop when they grow (läkemedel
and läkemedlen → läkemedl, regel and regler → regl).

The same words feed both databases: SQLite's FTS5 has no Swedish stemmer, and
PostgreSQL's `swedish` configuration (which then indexes these words) lacks the rules. Before any word is taken, a personnummer written into the text
is masked, and digit runs longer than four are left out, so nothing of a personnummer
(not even its date) reaches the index.
"""
import re
import threading
import unicodedata

import Stemmer

from avvikelse.core import personnummer
from avvikelse.core.clock import now_utc

#: Snowball's Swedish stop list (PostgreSQL's swedish.stop is the same list)
STOP_WORDS = frozenset("""
och det att i en jag hon som han på den med var sig för så till är men ett om hade de av
icke mig du henne då sin nu har inte hans honom skulle hennes där min man ej vid kunde
något från ut när efter upp vi dem vara vad över än dig kan sina här ha mot alla under
någon eller allt mycket sedan ju denna själv detta åt utan varit hur ingen mitt ni bli
blev oss din dessa några deras blir mina samma vilken er sådan vår blivit dess inom
mellan sådant varför varje vilka ditt vem vilket sitta sådana vart dina vars vårt våra
ert era vilkas
""".split())

#: letters and digits; underscores and everything else separate words
_WORD = re.compile(r"[^\W_]+")
_VOWELS = frozenset("aeiouyåäö")
_MAX_DIGITS = 4
_local = threading.local()


def _stemmer() -> Stemmer.Stemmer:
    # A PyStemmer object keeps a buffer: one per thread.
    found = getattr(_local, "stemmer", None)
    if found is None:
        found = _local.stemmer = Stemmer.Stemmer("swedish")
    return found


def _consonant(char: str) -> bool:
    return char.isalpha() and char not in _VOWELS


def stem(word: str) -> str:
    """One lower-case word's stem."""
    found = _stemmer().stemWord(word)
    if len(found) >= 5 and found.endswith("et") and _consonant(found[-3]) and _consonant(found[-4]):
        found = found[:-2]
    elif len(found) >= 6 and found.endswith("an") and _consonant(found[-3]):
        found = found[:-2]
    if len(found) >= 5 and found.endswith("el") and _consonant(found[-3]):
        found = found[:-2] + "l"
    return found


def _kept(word: str) -> bool:
    return word not in STOP_WORDS and not (word.isdigit() and len(word) > _MAX_DIGITS)


def terms(text: str | None) -> list[str]:
    """The index words of a text (or a query), in order."""
    if not text:
        return []
    text = unicodedata.normalize("NFKC", text)
    text = personnummer.mask(text, now_utc().date())
    found = []
    for word in _WORD.findall(text.lower()):
        if not _kept(word):
            continue
        stemmed = stem(word)
        if _kept(stemmed):
            found.append(stemmed)
    return found


def document(*texts: str | None) -> str:
    """What the index stores for some texts: their words, space-separated."""
    return " ".join(word for text in texts for word in terms(text))
