"""Attachments: files on a temporary disk store, a fake clamd and ICAP server on
127.0.0.1, an API client that uploads multipart."""
import io
import socket
import socketserver
import struct
import threading

import pytest

from avvikelse.core import outbox
from tests.attachments.samples import EICAR
from tests.fixtures.factories import PASSWORD


@pytest.fixture(autouse=True)
def attachment_settings(app, tmp_path, monkeypatch):
    """A disk store of the test's own, no scanner, the default limits."""
    monkeypatch.setitem(app.config, "ATTACHMENT_FOLDER", str(tmp_path / "attachments"))
    monkeypatch.setitem(app.config, "ATTACHMENT_STORAGE", "disk")
    monkeypatch.setitem(app.config, "ATTACHMENT_CLAMD", None)
    monkeypatch.setitem(app.config, "ATTACHMENT_ICAP_URL", None)
    return app.config


@pytest.fixture(params=["disk", "database"])
def backend(request, app, monkeypatch) -> str:
    """Each storage backend that needs no server, on whichever database the run uses."""
    monkeypatch.setitem(app.config, "ATTACHMENT_STORAGE", request.param)
    return request.param


class Api:
    def __init__(self, client, token: str):
        self.client, self.headers = client, {"Authorization": f"Bearer {token}"}

    def upload(self, reference: str, data: bytes, filename: str, content_type: str | None = None,
               **fields):
        form = {"file": (io.BytesIO(data), filename, content_type) if content_type
                else (io.BytesIO(data), filename), **{k: str(v) for k, v in fields.items()}}
        return self.client.post(f"/api/v1/cases/{reference}/attachments", data=form,
                                headers=self.headers, content_type="multipart/form-data")

    def get(self, path: str):
        return self.client.get(f"/api/v1{path}", headers=self.headers)


@pytest.fixture
def api(client):
    def for_user(user) -> Api:
        response = client.post("/api/v1/auth/token", json={"username": user.username, "password": PASSWORD})
        assert response.status_code == 200, response.json
        return Api(client, response.json["token"])

    return for_user


@pytest.fixture
def uploaded(api, people):
    """Upload as a user (the reporter by default), expect 201, run the scan step."""

    def upload(case, data, filename, user=None, scan=True, **fields):
        response = api(user or people["reporter"]).upload(case.reference, data, filename, **fields)
        assert response.status_code == 201, response.get_data(as_text=True)
        if scan:
            outbox.drain()
        return response.json

    return upload


# -- a fake clamd -------------------------------------------------------------------------

class _ClamdHandler(socketserver.BaseRequestHandler):
    """clamd's INSTREAM, as clamd speaks it: command, length-prefixed chunks, zero."""

    def handle(self):
        sock, command = self.request, b""
        while not command.endswith((b"\0", b"\n")):
            part = sock.recv(1)
            if not part:
                return
            command += part
        if command.strip(b"\0\n") not in (b"zINSTREAM", b"nINSTREAM"):
            sock.sendall(b"UNKNOWN COMMAND\0")
            return
        data = b""
        while True:
            (length,) = struct.unpack("!L", _exactly(sock, 4))
            if length == 0:
                break
            data += _exactly(sock, length)
        self.server.received.append(data)
        verdict = b"stream: Eicar-Signature FOUND" if EICAR in data else b"stream: OK"
        sock.sendall(verdict + (b"\0" if command.startswith(b"z") else b"\n"))


def _exactly(sock, count: int) -> bytes:
    data = b""
    while len(data) < count:
        part = sock.recv(count - len(data))
        if not part:
            raise ConnectionError("closed")
        data += part
    return data


class _TcpServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class _UnixServer(socketserver.ThreadingUnixStreamServer):
    daemon_threads = True


def _serve(server):
    server.received = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server


@pytest.fixture
def fake_clamd():
    """A clamd on 127.0.0.1, port from the kernel; `.address` is host:port."""
    server = _serve(_TcpServer(("127.0.0.1", 0), _ClamdHandler))
    server.address = f"127.0.0.1:{server.server_address[1]}"
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def fake_clamd_unix(tmp_path):
    path = str(tmp_path / "clamd.sock")
    server = _serve(_UnixServer(path, _ClamdHandler))
    server.address = path
    yield server
    server.shutdown()
    server.server_close()


# -- a fake ICAP server -------------------------------------------------------------------

class _IcapHandler(socketserver.BaseRequestHandler):
    """RESPMOD: 204 for a clean body; 200 with X-Infection-Found and a 403 for EICAR."""

    def handle(self):
        sock, data = self.request, b""
        while b"\r\n\r\n" not in data:
            part = sock.recv(4096)
            if not part:
                return
            data += part
        head, _, rest = data.partition(b"\r\n\r\n")
        headers = dict(line.split(b":", 1) for line in head.split(b"\r\n")[1:] if b":" in line)
        offsets = dict(part.strip().split(b"=") for part in headers[b"Encapsulated"].split(b","))
        body_at = int(offsets[b"res-body"])
        while len(rest) < body_at or not rest.endswith(b"0\r\n\r\n"):
            part = sock.recv(65536)
            if not part:
                break
            rest += part
        body, chunks = rest[body_at:], b""
        while True:
            size_line, _, body = body.partition(b"\r\n")
            size = int(size_line, 16)
            if size == 0:
                break
            chunks, body = chunks + body[:size], body[size + 2:]
        self.server.received.append(chunks)
        if EICAR in chunks:
            blocked = b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n"
            sock.sendall(b"ICAP/1.0 200 OK\r\nISTag: \"fake\"\r\n"
                         b"X-Infection-Found: Type=0; Resolution=2; Threat=Eicar-Test-Signature;\r\n"
                         b"Encapsulated: res-hdr=0, null-body=%d\r\n\r\n" % len(blocked) + blocked)
        else:
            sock.sendall(b"ICAP/1.0 204 No Content\r\nISTag: \"fake\"\r\n\r\n")


@pytest.fixture
def fake_icap():
    server = _serve(_TcpServer(("127.0.0.1", 0), _IcapHandler))
    server.url = f"icap://127.0.0.1:{server.server_address[1]}/avscan"
    yield server
    server.shutdown()
    server.server_close()


def closed_port() -> int:
    """A loopback port nothing listens on (it was free a moment ago)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
