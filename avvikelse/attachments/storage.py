"""Where an attachment's encrypted bytes are kept: a folder, the database or S3.

Every backend keeps opaque keys (32 hex characters) and bytes that are already encrypted
with the field cipher (core/crypto.py), so none of them ever holds a readable file; the
key stored in the attachment's row says which backend and key hold its bytes, so
changing `ATTACHMENT_STORAGE` leaves earlier files readable where they are.

- `disk`     (the embedded default) files under `ATTACHMENT_FOLDER`, written atomically
- `database` a bytea/BLOB row per file (`attachment_blobs`), in the request's transaction
- `s3`       any S3-compatible store (AWS, MinIO, Ceph …) through the MinIO client, which
             speaks the S3 REST API with SigV4 and needs neither boto3 nor botocore
"""
import os
import re
import tempfile
import uuid
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask, current_app

from avvikelse.attachments.models import AttachmentBlob
from avvikelse.extensions import db

BACKENDS = ("disk", "database", "s3")
_KEY = re.compile(r"[0-9a-f]{32}")
_EXTENSION = "avvikelse.attachment_stores"


class Missing(LookupError):
    """The backend has no bytes under the key (deleted, or never written)."""


class StorageUnavailable(RuntimeError):
    """The backend did not answer (an S3 store that is down): try again later."""


def new_key() -> str:
    return uuid.uuid4().hex


def _checked(key: str) -> str:
    if not _KEY.fullmatch(key or ""):
        raise ValueError("not an attachment key")
    return key


class DiskStore:
    name = "disk"

    def __init__(self, folder: str):
        self.folder = Path(folder)

    def _path(self, key: str) -> Path:
        key = _checked(key)
        return self.folder / key[:2] / key

    def put(self, key: str, data: bytes) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        # mkstemp makes the file 0600; the rename publishes it whole or not at all.
        descriptor, temp = tempfile.mkstemp(dir=path.parent, prefix=".up-")
        try:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temp, path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise

    def get(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            raise Missing(key) from None

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)


class DatabaseStore:
    """In the current session: written and deleted with the request's own transaction."""

    name = "database"

    def put(self, key: str, data: bytes) -> None:
        db.session.add(AttachmentBlob(key=_checked(key), data=data))

    def get(self, key: str) -> bytes:
        blob = db.session.get(AttachmentBlob, _checked(key))
        if blob is None:
            raise Missing(key)
        return blob.data

    def delete(self, key: str) -> None:
        db.session.query(AttachmentBlob).filter_by(key=_checked(key)).delete(synchronize_session=False)


class S3Store:
    name = "s3"

    def __init__(self, endpoint: str, bucket: str, access_key: str, secret_key: str,
                 region: str | None = None, timeout: float = 30.0):
        import urllib3
        from minio import Minio

        parts = urlsplit(endpoint if "://" in endpoint else f"https://{endpoint}")
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("ATTACHMENT_S3_ENDPOINT must be an http(s) URL, e.g. https://s3.example.se")
        self.bucket = bucket
        # The client's own default waits five minutes for an answer: too long for a page.
        http = urllib3.PoolManager(
            timeout=urllib3.Timeout(connect=min(timeout, 5.0), read=timeout),
            retries=urllib3.Retry(total=2, backoff_factor=0.2, status_forcelist=[500, 502, 503, 504]),
        )
        self.client = Minio(parts.netloc, access_key=access_key, secret_key=secret_key,
                            secure=parts.scheme == "https", region=region or None, http_client=http)

    def put(self, key: str, data: bytes) -> None:
        import io

        self._call(self.client.put_object, self.bucket, _checked(key), io.BytesIO(data), len(data),
                   content_type="application/octet-stream")

    def get(self, key: str) -> bytes:
        response = self._call(self.client.get_object, self.bucket, _checked(key))
        try:
            return response.read()
        finally:
            response.close()
            response.release_conn()

    def delete(self, key: str) -> None:
        self._call(self.client.remove_object, self.bucket, _checked(key))  # absent: no error

    @staticmethod
    def _call(method, *args, **kwargs):
        from minio.error import MinioException, S3Error
        from urllib3.exceptions import HTTPError

        try:
            return method(*args, **kwargs)
        except S3Error as exc:
            if exc.code in ("NoSuchKey", "NoSuchObject"):
                raise Missing(args[1]) from None
            raise StorageUnavailable(f"S3: {exc.code}") from None
        except (MinioException, HTTPError, OSError) as exc:  # refused, timed out, TLS, bad answer
            raise StorageUnavailable(f"S3: {type(exc).__name__}") from None


def check_config(config) -> None:
    """At start-up: a backend we do not have, or S3 without its settings, is refused."""
    backend = config["ATTACHMENT_STORAGE"]
    if backend not in BACKENDS:
        raise ValueError(f"ATTACHMENT_STORAGE={backend!r}: choose one of {', '.join(BACKENDS)}")
    if backend == "s3":
        needed = ("ATTACHMENT_S3_ENDPOINT", "ATTACHMENT_S3_BUCKET", "ATTACHMENT_S3_ACCESS_KEY",
                  "ATTACHMENT_S3_SECRET_KEY")
        unset = [name for name in needed if not config.get(name)]
        if unset:
            raise ValueError(f"ATTACHMENT_STORAGE=s3 needs {', '.join(unset)}")


def install(app: Flask) -> None:
    check_config(app.config)
    app.extensions[_EXTENSION] = {}


def store(name: str | None = None):
    """The backend called `name` (by default the configured one), read from the settings
    as they are now; an S3 client is made once per app and settings."""
    config = current_app.config
    name = name or config["ATTACHMENT_STORAGE"]
    if name == "disk":
        return DiskStore(config["ATTACHMENT_FOLDER"])
    if name == "database":
        return DatabaseStore()
    if name != "s3":
        raise ValueError(f"unknown attachment storage {name!r}")
    settings = (config["ATTACHMENT_S3_ENDPOINT"], config["ATTACHMENT_S3_BUCKET"],
                config["ATTACHMENT_S3_ACCESS_KEY"], config["ATTACHMENT_S3_SECRET_KEY"],
                config.get("ATTACHMENT_S3_REGION"), float(config.get("ATTACHMENT_S3_TIMEOUT_SECONDS", 30)))
    made = current_app.extensions.setdefault(_EXTENSION, {})
    if settings not in made:
        made[settings] = S3Store(*settings)
    return made[settings]


def _cipher():
    return current_app.extensions["avvikelse.cipher"]


def save(data: bytes) -> tuple[str, str]:
    """Encrypt and store `data` in the configured backend; (backend, key)."""
    backend, key = store(), new_key()
    backend.put(key, _cipher().encrypt_bytes(data))
    return backend.name, key


def load(backend: str, key: str) -> bytes:
    """The decrypted bytes; Missing when they are gone."""
    return _cipher().decrypt_bytes(store(backend).get(key))


def delete(backend: str, key: str) -> None:
    store(backend).delete(key)
