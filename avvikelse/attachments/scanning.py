"""The virus scan every attachment goes through before anyone can download it.

The upload stores the file as `scanning` and emits `attachment.uploaded`; a worker runs
`scan` (listed in avvikelse/events.py), which sends the decrypted bytes to the scanner
the settings name and records the verdict: `clean`, or `rejected` with the bytes deleted.
A scanner that does not answer raises, so the event fails and the outbox hands it over
again later: the file simply stays `scanning`, never visible unscanned by accident.
Without a scanner configured the file becomes `clean` with `scanned = False`, and the
case page says so ("Ej virusskannad").

Two protocols, each a few lines over a socket:

- clamd (`ATTACHMENT_CLAMD`: a Unix socket path, or host:port): `zINSTREAM`, then the
  bytes in chunks, each prefixed by its length as a 4-byte big-endian integer, then a
  zero length; clamd answers `stream: OK` or `stream: <signature> FOUND`.
- ICAP (`ATTACHMENT_ICAP_URL`, RFC 3507, e.g. `icap://127.0.0.1:1344/avscan`): RESPMOD
  with the file as an HTTP response body, `Allow: 204`; 204 means unmodified (clean); a
  200 carrying an infection header, or a replaced response that is not 200, means found.
"""
import socket
import struct
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import current_app

from avvikelse.attachments import storage
from avvikelse.attachments.models import Attachment, State
from avvikelse.core.clock import now_utc
from avvikelse.extensions import db

CHUNK = 64 * 1024
_REPLY_MAX = 64 * 1024
_INFECTION_HEADERS = ("x-infection-found", "x-violations-found", "x-virus-id", "x-virus-name")


class ScannerError(RuntimeError):
    """The scanner gave no verdict (down, timed out, an error reply): try again later."""


@dataclass(frozen=True)
class Verdict:
    clean: bool
    found: str | None = None


# -- clamd --------------------------------------------------------------------------------

def clamd_scan(address: str, data: bytes, timeout: float) -> Verdict:
    try:
        with _connect(address, timeout) as sock:
            try:
                sock.sendall(b"zINSTREAM\0")
                for start in range(0, len(data), CHUNK):
                    chunk = data[start:start + CHUNK]
                    sock.sendall(struct.pack("!L", len(chunk)) + chunk)
                sock.sendall(struct.pack("!L", 0))
            except (BrokenPipeError, ConnectionResetError):
                pass  # clamd stops reading at its StreamMaxLength, and says why below
            reply = _read_until(sock, b"\0")
    except OSError as exc:
        raise ScannerError(f"clamd {address}: {type(exc).__name__}") from None
    text = reply.rstrip(b"\0").decode("utf-8", "replace").strip()
    if text.endswith("FOUND"):
        return Verdict(False, text.removeprefix("stream:").removesuffix("FOUND").strip()[:200])
    if text.endswith("OK"):
        return Verdict(True)
    if "size limit exceeded" in text:
        # Larger than clamd's StreamMaxLength: it cannot be scanned, so it is not let in.
        return Verdict(False, "för stor för virusskanningen")
    raise ScannerError(f"clamd {address}: {text[:200] or 'no answer'}")


def _connect(address: str, timeout: float) -> socket.socket:
    if address.startswith(("/", "unix:")):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        try:
            sock.connect(address.removeprefix("unix:"))
        except OSError:
            sock.close()
            raise
        return sock
    host, _, port = address.rpartition(":")
    if not host or not port.isdigit():
        raise ScannerError(f"ATTACHMENT_CLAMD={address!r}: give a socket path or host:port")
    return socket.create_connection((host.strip("[]"), int(port)), timeout=timeout)


def _read_until(sock: socket.socket, end: bytes) -> bytes:
    reply = b""
    while end not in reply and len(reply) < _REPLY_MAX:
        part = sock.recv(4096)
        if not part:
            break
        reply += part
    return reply


# -- ICAP ---------------------------------------------------------------------------------

def icap_scan(url: str, data: bytes, timeout: float) -> Verdict:
    parts = urlsplit(url)
    if parts.scheme != "icap" or not parts.hostname:
        raise ScannerError(f"ATTACHMENT_ICAP_URL={url!r}: give icap://host[:port]/service")
    host, port = parts.hostname, parts.port or 1344
    request_head = b"GET /attachment HTTP/1.1\r\nHost: avvikelse\r\n\r\n"
    response_head = (b"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
                     b"Content-Length: %d\r\n\r\n" % len(data))
    icap_head = (
        f"RESPMOD {url} ICAP/1.0\r\nHost: {host}\r\nAllow: 204\r\nConnection: close\r\n"
        f"Encapsulated: req-hdr=0, res-hdr={len(request_head)}, "
        f"res-body={len(request_head) + len(response_head)}\r\n\r\n"
    ).encode("ascii")
    body = b"".join(b"%x\r\n%s\r\n" % (len(data[i:i + CHUNK]), data[i:i + CHUNK])
                    for i in range(0, len(data), CHUNK)) + b"0\r\n\r\n"
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            sock.sendall(icap_head + request_head + response_head + body)
            reply = _read_until(sock, b"\r\n\r\n")
            status, headers, rest = _icap_head(reply)
            if status == 200 and b"\r\n\r\n" not in rest:
                rest += _read_until(sock, b"\r\n\r\n")
    except OSError as exc:
        raise ScannerError(f"ICAP {host}:{port}: {type(exc).__name__}") from None
    if status == 204:
        return Verdict(True)
    if status != 200:
        raise ScannerError(f"ICAP {host}:{port}: status {status}")
    for name in _INFECTION_HEADERS:
        if name in headers:
            return Verdict(False, _threat(headers[name]))
    inner = rest.split(b"\r\n", 1)[0].split()
    if len(inner) >= 2 and inner[0].startswith(b"HTTP/") and inner[1] != b"200":
        return Verdict(False, f"blockerad av ICAP ({inner[1].decode('ascii', 'replace')})")
    return Verdict(True)


def _icap_head(reply: bytes) -> tuple[int, dict[str, str], bytes]:
    head, _, rest = reply.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status_line = lines[0].split()
    if len(status_line) < 2 or not status_line[0].startswith("ICAP/") or not status_line[1].isdigit():
        raise ScannerError(f"ICAP: not an ICAP answer: {lines[0][:80]!r}")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return int(status_line[1]), headers, rest


def _threat(value: str) -> str:
    """`Infection-Found: Type=0; Resolution=2; Threat=EICAR;` → EICAR."""
    for part in value.split(";"):
        key, _, found = part.partition("=")
        if key.strip().lower() == "threat" and found.strip():
            return found.strip()[:200]
    return value[:200] or "hittat av ICAP"


# -- the worker's step --------------------------------------------------------------------

def configured_scanner():
    """A function bytes → Verdict for the configured scanner, or None when there is none."""
    config = current_app.config
    timeout = float(config["ATTACHMENT_SCAN_TIMEOUT_SECONDS"])
    if config.get("ATTACHMENT_CLAMD"):
        return lambda data: clamd_scan(config["ATTACHMENT_CLAMD"], data, timeout)
    if config.get("ATTACHMENT_ICAP_URL"):
        return lambda data: icap_scan(config["ATTACHMENT_ICAP_URL"], data, timeout)
    return None


def scan(payload: dict, key: str) -> None:
    """Handler of `attachment.uploaded`: the verdict, once (a repeat finds it decided)."""
    attachment = db.session.get(Attachment, payload["attachment_id"], with_for_update=True)
    if attachment is None or attachment.state is not State.SCANNING:
        return
    now, scanner = now_utc(), configured_scanner()
    if scanner is None:
        attachment.state, attachment.scanned, attachment.scanned_at = State.CLEAN, False, now
        return
    try:
        data = storage.load(attachment.storage, attachment.storage_key)
    except storage.Missing:
        # Deleted by an earlier try of this step that did not commit: it was rejected.
        _reject(attachment, "filen saknas", now)
        return
    verdict = scanner(data)  # ScannerError: the event fails and is tried again later
    if verdict.clean:
        attachment.state, attachment.scanned, attachment.scanned_at = State.CLEAN, True, now
    else:
        _reject(attachment, verdict.found or "hittat", now)


def _reject(attachment: Attachment, found: str, now) -> None:
    """Never served: the row stays to say what happened, the bytes go."""
    backend, key = attachment.storage, attachment.storage_key
    attachment.state, attachment.scanned, attachment.scanned_at = State.REJECTED, True, now
    attachment.scan_result, attachment.storage_key = found, None
    db.session.flush()
    if key is not None:
        storage.delete(backend, key)
