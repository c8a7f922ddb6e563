"""Swedish personnummer and samordningsnummer: parse to one canonical 12-digit form.

The canonical form is `YYYYMMDDNNNN` without separator, the form stored (encrypted) and
blind-indexed. Messages are Swedish and user-facing and never repeat the number, so an
error can be logged or shown without leaking it.
"""
import re
from datetime import date

SAMORDNING_OFFSET = 60

_MESSAGES = {
    "format": "Ange personnummer med 10 eller 12 siffror, t.ex. ÅÅÅÅMMDD-NNNN.",
    "date": "Datumet i personnumret finns inte.",
    "future": "Födelsedatumet i personnumret ligger i framtiden.",
    "checksum": "Kontrollsiffran stämmer inte – kontrollera numret.",
}

# Explicit [0-9]: `\d` and str.isdigit() also accept Arabic-Indic, full-width and other
# Unicode digits. A `+` marks a 10-digit number of someone aged 100 or more; a 12-digit
# number states its century, so a `+` there contradicts it and is refused.
_PATTERN = re.compile(
    r"(?P<century>[0-9]{2})?(?P<yymmdd>[0-9]{6})(?P<sep>[-+]?)(?P<tail>[0-9]{4})"
)


class PersonnummerError(ValueError):
    """The value is not a valid personnummer; `code` is "format", "date" or "checksum"."""

    def __init__(self, code: str, reason: str | None = None):
        self.code = code
        self.message = _MESSAGES[reason or code]
        super().__init__(self.message)


def parse(value: str, today: date) -> str:
    """Validate `value` and return it as `YYYYMMDDNNNN`; `today` decides the century."""
    match = _PATTERN.fullmatch(value.strip())
    if match is None or (match["century"] and match["sep"] == "+"):
        raise PersonnummerError("format")
    yymmdd, tail = match["yymmdd"], match["tail"]
    if match["century"]:
        year = int(match["century"] + yymmdd[:2])
    else:
        year = _infer_year(yymmdd, today, centenarian=match["sep"] == "+")
    born = _real_date(year, int(yymmdd[2:4]), int(yymmdd[4:6]))
    if born > today:
        raise PersonnummerError("date", "future")
    if _luhn_digit(yymmdd + tail[:3]) != int(tail[3]):
        raise PersonnummerError("checksum")
    return f"{year:04d}{yymmdd[2:]}{tail}"


def is_samordningsnummer(canonical: str) -> bool:
    return int(_check_canonical(canonical)[6:8]) > SAMORDNING_OFFSET


def birth_date(canonical: str) -> date:
    """The birth date, with a samordningsnummer's day offset removed."""
    digits = _check_canonical(canonical)
    return _real_date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))


def _check_canonical(canonical: str) -> str:
    if not re.fullmatch(r"[0-9]{12}", canonical):
        raise PersonnummerError("format")
    return canonical


def _infer_year(yymmdd: str, today: date, *, centenarian: bool) -> int:
    """The latest year ending in YY whose month/day is not after `today`."""
    year = today.year - today.year % 100 + int(yymmdd[:2])
    # Compared as (year, month, day) tuples, so an impossible date such as month 13
    # still gets a century and is then refused as a date error, not a format error.
    if (year, int(yymmdd[2:4]), int(yymmdd[4:6])) > (today.year, today.month, today.day):
        year -= 100
    return year - 100 if centenarian else year


def _real_date(year: int, month: int, day: int) -> date:
    if day > SAMORDNING_OFFSET:
        day -= SAMORDNING_OFFSET
    try:
        return date(year, month, day)
    except ValueError:
        raise PersonnummerError("date") from None


def _luhn_digit(nine_digits: str) -> int:
    """The check digit for YYMMDDNNN: weights 2,1,2,… and digit sums of the products."""
    total = 0
    for position, char in enumerate(nine_digits):
        product = int(char) * (2 if position % 2 == 0 else 1)
        total += product // 10 + product % 10
    return (10 - total % 10) % 10


# -- finding one in free text -----------------------------------------------------------
# The one detector: a personnummer or samordningsnummer written in any common way — 12 or
# 10 digits, the date in one piece or in groups ("1912 12 12", "1912-12-12"), then a
# hyphen, en dash, plus, slash, spaces or nothing before the last four — counts only
# when its date and check digit are valid, so phone numbers and order numbers rarely do.
_IN_TEXT = re.compile(
    r"(?<![0-9])"
    r"(?P<date>(?:[0-9]{2}[ -]?)?[0-9]{2}[ -]?[0-9]{2}[ -]?[0-9]{2})"
    r"[ \t]*(?P<sep>[-\u2010\u2011\u2012\u2013\u2014+/]?)[ \t]*"
    r"(?P<tail>[0-9]{4})"
    r"(?![0-9])"
)
FOUND_IN_TEXT = ("Texten innehåller ett personnummer eller samordningsnummer. Ta bort det här "
                 "och ange det i fältet för patientens personnummer, där det skyddas.")
MASK = "[personnummer]"


def find(text: str, today: date | None = None) -> list[tuple[int, int]]:
    """The spans of every valid personnummer or samordningsnummer in `text`. `today`
    only places a 10-digit number's century (default: the machine's date)."""
    if not text:
        return []
    today = today or date.today()
    found = []
    for match in _IN_TEXT.finditer(text):
        digits = re.sub(r"[ -]", "", match["date"])
        sign = "+" if match["sep"] == "+" and len(digits) == 6 else ""
        try:
            parse(digits + sign + match["tail"], today)
        except PersonnummerError:
            continue
        found.append(match.span())
    return found


def contains(text: str | None, today: date | None = None) -> bool:
    return bool(text) and bool(find(text, today))


def mask(text: str | None, today: date | None = None) -> str | None:
    """`text` with every personnummer replaced by "[personnummer]": for text stored before
    free text was checked, wherever it is shown outside the case itself."""
    if not text:
        return text
    for start, end in reversed(find(text, today)):
        text = text[:start] + MASK + text[end:]
    return text
