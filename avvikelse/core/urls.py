"""Where a redirect may go after a form or a login."""
from urllib.parse import urlsplit


def safe_next(target: str | None) -> str | None:
    """Only a path on this site: `next` must never send someone to another host."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or any(ord(c) < 32 for c in target):
        return None
    return target
