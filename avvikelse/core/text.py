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
# The control characters (category Cc, by Unicode's stability policy exactly U+0000-U+001F
# and U+007F-U+009F) but the newline and the tab; and the lone surrogates. One regex
# search each, not a Python call per character: every field of every form goes through.
_FORBIDDEN_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SURROGATE = re.compile("[\ud800-\udfff]")

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
    if _SURROGATE.search(value):
        raise TextError("surrogate")
    text = unicodedata.normalize("NFC", _LINE_BREAK.sub("\n", value))
    if _FORBIDDEN_CONTROL.search(text):
        raise TextError("control")
    if not multiline:
        text = _SINGLE_LINE_BREAK.sub(" ", _BIDI_CONTROLS.sub("", text))
    return text.strip()
