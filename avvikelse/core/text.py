"""Hygiene for free text typed by users, applied before anything is stored.

Markup characters (<, >, &, quotes) are kept exactly as typed: escaping is the job of
the output layer (Jinja autoescape, JSON encoding), and escaping here would double it.
"""
import re
import unicodedata

_LINE_BREAK = re.compile(r"\r\n|[\r\x85\u2028\u2029]")
# A run of newlines/tabs, with the spaces around it, becomes one space in a single line.
_SINGLE_LINE_BREAK = re.compile(r" *[\n\t][\n\t ]*")
# Direction overrides/isolates and marks: in a one-line field (a title, a name) they can
# make text display differently from what is stored ("Trojan Source" style spoofing).
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
_ALLOWED_CONTROLS = frozenset("\n\t")

_MESSAGES = {
    "control": "Texten innehåller otillåtna kontrolltecken.",
    "surrogate": "Texten innehåller ogiltiga tecken.",
}


class TextError(ValueError):
    """The text cannot be accepted; the message is Swedish and user-facing."""

    def __init__(self, code: str):
        self.code = code
        self.message = _MESSAGES[code]
        super().__init__(self.message)


def clean_text(value: str, *, multiline: bool) -> str:
    """Normalised text for storage, or TextError for characters that have no place in it."""
    if any("\ud800" <= char <= "\udfff" for char in value):
        raise TextError("surrogate")
    text = unicodedata.normalize("NFC", _LINE_BREAK.sub("\n", value))
    if any(_is_forbidden_control(char) for char in text):
        raise TextError("control")
    if not multiline:
        text = _SINGLE_LINE_BREAK.sub(" ", _BIDI_CONTROLS.sub("", text))
    return text.strip()


def _is_forbidden_control(char: str) -> bool:
    return char not in _ALLOWED_CONTROLS and unicodedata.category(char) == "Cc"
