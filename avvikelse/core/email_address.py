"""One plain e-mail address, or nothing: what an account may hold as its address.

The address goes into the `To` header and the SMTP envelope. A value with CR/LF could
add headers (`Bcc:`), a comma or angle brackets could add recipients, so only the
WHATWG form of `local@domain` is accepted: ASCII, no spaces, quotes, brackets or commas
(an internationalised domain is given in its xn-- form).
"""
import re

_ADDRESS = re.compile(
    r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+"
    r"@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+"
)
MAX_LENGTH = 254  # RFC 5321's limit on a forward path

INVALID = "Ange en giltig e-postadress, t.ex. anna.andersson@kommun.se."


def is_plain_address(value: str) -> bool:
    return isinstance(value, str) and len(value) <= MAX_LENGTH and _ADDRESS.fullmatch(value) is not None
