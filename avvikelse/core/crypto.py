"""Field encryption and a blind index for the patient identifier; and a digest keyed
with the app's secret key, for stored rows that must not give away what they were made of.

Values are encrypted with Fernet (AES-128-CBC + HMAC-SHA256, random IV), so equal
plaintexts give different tokens; lookups go through `blind_index`, a keyed HMAC of the
canonical value. Error messages here are for operators and never contain key material.
"""
import base64
import hashlib
import hmac
import os
import re
import tempfile

from cryptography.fernet import Fernet, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

KEY_FILE = "encryption.key"
BLIND_INDEX_INFO = b"avvikelse blind index v1"

_GENERATE_HINT = (
    "generate one with: python -c \"from cryptography.fernet import Fernet; "
    'print(Fernet.generate_key().decode())"'
)
_KEY_PATTERN = re.compile(rb"[A-Za-z0-9_-]{43}=")


class FieldCipher:
    """Encrypts with the first key, decrypts with any; `index_key` pins the blind index."""

    def __init__(self, keys: list[bytes], index_key: bytes | None = None):
        if not keys:
            raise ValueError("FieldCipher needs at least one encryption key.")
        for position, key in enumerate(keys, start=1):
            _check_key(key, f"key {position}")
        if index_key is not None:
            _check_key(index_key, "index key")
        self._fernet = MultiFernet([Fernet(key) for key in keys])
        # The index comes from the OLDEST key (last in the list), not the current one:
        # rotating by putting a new key first then leaves every stored index valid. Before
        # that oldest key is ever removed, pass it (or any fixed key) as `index_key`.
        material = base64.urlsafe_b64decode(index_key or keys[-1])
        self._index_key = HKDF(
            algorithm=hashes.SHA256(), length=32, salt=None, info=BLIND_INDEX_INFO
        ).derive(material)

    def encrypt(self, plaintext: str) -> str:
        return self._fernet.encrypt(plaintext.encode("utf-8")).decode("ascii")

    def decrypt(self, token: str) -> str:
        """Raises cryptography.fernet.InvalidToken if no key fits or the token was altered."""
        return self._fernet.decrypt(token.encode("ascii")).decode("utf-8")

    def encrypt_bytes(self, data: bytes) -> bytes:
        """A file's bytes: the Fernet token as raw bytes (a quarter smaller than base64)."""
        return base64.urlsafe_b64decode(self._fernet.encrypt(data))

    def decrypt_bytes(self, blob: bytes) -> bytes:
        """Raises cryptography.fernet.InvalidToken if no key fits or the bytes were altered."""
        return self._fernet.decrypt(base64.urlsafe_b64encode(blob))

    def rotate(self, token: str) -> str:
        """Re-encrypt `token` under the current key (it keeps its original timestamp)."""
        return self._fernet.rotate(token.encode("ascii")).decode("ascii")

    def blind_index(self, canonical: str) -> str:
        """Hex HMAC-SHA256; pass the canonical form so equal numbers give equal indexes."""
        return hmac.new(self._index_key, canonical.encode("utf-8"), hashlib.sha256).hexdigest()


def load_keys(setting: str | None, instance_path: str) -> list[bytes]:
    """Keys from AVVIKELSE_ENCRYPTION_KEY (current first), else from the instance key file.

    The file is a development convenience: it is created with a fresh key when missing.
    """
    if setting and setting.strip():
        return _parse_keys(setting, "AVVIKELSE_ENCRYPTION_KEY")
    path = os.path.join(instance_path, KEY_FILE)
    if not os.path.exists(path):
        os.makedirs(instance_path, exist_ok=True)
        _create_key_file(path)
    with open(path, encoding="ascii", errors="replace") as handle:
        return _parse_keys(handle.read(), path)


def _parse_keys(text: str, source: str) -> list[bytes]:
    keys = [part.strip().encode("ascii", errors="replace") for part in text.split(",")]
    for position, key in enumerate(keys, start=1):
        _check_key(key, f"{source}, key {position}")
    return keys


def _check_key(key: bytes, where: str) -> None:
    if not isinstance(key, bytes) or not _KEY_PATTERN.fullmatch(key):
        raise ValueError(
            f"Invalid encryption key ({where}): expected a Fernet key, 32 random bytes "
            f"as URL-safe base64 (44 characters); {_GENERATE_HINT}"
        )


def _create_key_file(path: str) -> None:
    """Write a new key without ever replacing one another process wrote first.

    The key goes to a private temp file that is then hard-linked into place: the link
    fails if the file already exists, so two processes starting together (web and worker)
    cannot end up with different keys, and no reader ever sees a half-written file.
    """
    # mkstemp creates the file readable and writable by its owner only (0600).
    descriptor, temp_path = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".key-")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(Fernet.generate_key() + b"\n")
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temp_path, path)
        except FileExistsError:
            pass  # another process won the race; its key is the one everyone reads
    finally:
        os.unlink(temp_path)


def secret_digest(payload: str) -> str:
    """HMAC-SHA256 of `payload` with the app's secret key: a stored fingerprint of counts
    that cannot be tried against guessed counts without the key."""
    from flask import current_app  # the one function here that needs an app

    key = current_app.secret_key
    return hmac.new(key.encode() if isinstance(key, str) else key, payload.encode(), hashlib.sha256).hexdigest()
