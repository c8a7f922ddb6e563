"""Webhook targets (SSRF): nothing internal when saved, nothing internal when sent, and
failures that tell the administrator nothing about the network.

Names resolve through a fake resolver (tests/integrations/conftest.py); the only address
ever connected to is 127.0.0.1, and `no_traffic_elsewhere` fails a test that tries any
other."""
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from avvikelse.core import outbox
from avvikelse.core.clock import now_utc
from avvikelse.core.errors import ValidationFailed
from avvikelse.extensions import db
from avvikelse.integrations import webhooks
from avvikelse.integrations.models import WebhookDelivery, WebhookEndpoint
from tests.integrations.test_webhooks import Receiver

UNREACHABLE = "Mottagaren gick inte att nå."
PUBLIC = "93.184.215.14"  # compared only: never connected to


@pytest.fixture(autouse=True)
def no_traffic_elsewhere(monkeypatch):
    """Every connect() in these tests must go to 127.0.0.1."""
    real = socket.socket.connect
    attempts = []

    def guarded(sock, address):
        attempts.append(address[0])
        if address[0] != "127.0.0.1":
            raise AssertionError(f"tried to connect to {address[0]}")
        return real(sock, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)
    return attempts


@pytest.fixture
def production_networks(app, monkeypatch):
    """WEBHOOK_ALLOWED_NETWORKS as shipped: empty (tests allow 127.0.0.1/32)."""
    monkeypatch.setitem(app.config, "WEBHOOK_ALLOWED_NETWORKS", "")


@pytest.fixture
def admin(make_user):
    user = make_user("23", ["admin"], units=[])
    db.session.commit()
    return user


@pytest.fixture
def receiver():
    r = Receiver()
    r.thread.start()
    yield r
    r.server.shutdown()
    r.server.server_close()


def _refused(admin, url) -> str:
    with pytest.raises(ValidationFailed) as exc:
        webhooks.register(admin, url, "")
    return " ".join(exc.value.errors["url"])


@pytest.mark.parametrize("address", [
    "127.0.0.1", "10.1.2.3", "172.16.0.9", "192.168.1.1", "169.254.169.254", "100.100.100.200",
    "0.0.0.0", "224.0.0.251", "::1", "fd00:ec2::254", "fe80::1", "::ffff:127.0.0.1",  # noqa: S104
    "::ffff:169.254.169.254", "64:ff9b::a9fe:a9fe", "2002:a00:1::1", "ff02::1",
])
def test_a_name_that_resolves_inside_is_refused_when_saved(admin, dns, production_networks, address):
    dns.names["hooks.example.org"] = [address]
    message = _refused(admin, "https://hooks.example.org/avvikelse")
    assert UNREACHABLE in message and address not in message
    assert db.session.scalar(select(WebhookEndpoint)) is None


def test_one_internal_address_among_public_ones_is_enough_to_refuse(admin, dns, production_networks):
    dns.names["hooks.example.org"] = [PUBLIC, "10.0.0.5"]
    assert UNREACHABLE in _refused(admin, "https://hooks.example.org/")


def test_a_name_that_does_not_resolve_gets_the_same_answer(admin, dns, production_networks):
    dns.names["internal.example.org"] = ["10.0.0.5"]
    assert _refused(admin, "https://missing.example.org/") == _refused(admin, "https://internal.example.org/")


@pytest.mark.parametrize("url", [
    "https://169.254.169.254/latest/meta-data/", "https://127.0.0.1/", "https://10.0.0.1/",
    "https://[::1]/", "https://[::ffff:127.0.0.1]/", "https://[::ffff:7f00:1]/",
    "https://[fd00:ec2::254]/", "https://[fe80::1%25eth0]/", "https://0.0.0.0/",
])
def test_internal_ip_literals_are_refused(admin, dns, production_networks, url):
    assert _refused(admin, url)
    assert dns.lookups == []  # decided without asking anyone


@pytest.mark.parametrize("url", [
    "https://2130706433/", "https://0177.0.0.1/", "https://0x7f.0.0.1/", "https://127.1/",
    "https://017700000001/", "https://167772161/", "https://012.0.0.1/", "https://0xa9fea9fe/",
])
def test_decimal_octal_and_hex_ip_literals_are_refused(admin, dns, url):
    """Even 127.0.0.1, which the tests allow, in a spelling the resolver would accept."""
    assert "IP-adress" in _refused(admin, url)


def test_a_public_name_is_accepted_over_https_only(admin, dns, production_networks):
    dns.names["hooks.example.org"] = [PUBLIC, "2606:4700::1111"]
    assert webhooks.register(admin, "https://hooks.example.org/a", "")[1].startswith("whsec_")
    assert "https://" in _refused(admin, "http://hooks.example.org/a")


def test_allowed_networks_open_an_internal_receiver_and_plain_http(app, admin, dns, monkeypatch):
    monkeypatch.setitem(app.config, "WEBHOOK_ALLOWED_NETWORKS", "10.20.0.0/16, 127.0.0.1/32")
    dns.names["tjanst.regionen.local"] = ["10.20.3.4"]
    assert webhooks.register(admin, "http://tjanst.regionen.local/a", "")[0].id
    assert webhooks.register(admin, "https://10.20.9.9/a", "")[0].id
    assert UNREACHABLE in _refused(admin, "https://other.regionen.local/")  # not resolvable
    dns.names["annan.regionen.local"] = ["10.30.0.1"]
    assert UNREACHABLE in _refused(admin, "https://annan.regionen.local/")


def _deliver(endpoint) -> WebhookDelivery:
    webhooks.send_test(endpoint, now_utc())
    db.session.commit()
    outbox.drain()
    db.session.expire_all()
    return db.session.scalar(select(WebhookDelivery).order_by(WebhookDelivery.id.desc()))


def test_rebinding_public_when_saved_private_when_sent_is_refused(
        client, login, admin, dns, production_networks, no_traffic_elsewhere):
    dns.names["hooks.example.org"] = [PUBLIC]
    endpoint, _secret = webhooks.register(admin, "https://hooks.example.org/a", "")
    db.session.commit()
    dns.names["hooks.example.org"] = ["10.0.0.7"]
    row = _deliver(endpoint)
    assert row.state == "pending" and row.last_status is None
    assert row.last_error == UNREACHABLE
    assert no_traffic_elsewhere == []  # refused before any connection
    login(admin)
    page = client.get(f"/admin/webhooks/{endpoint.id}").get_data(as_text=True)
    assert UNREACHABLE in page and "10.0.0.7" not in page


def test_rebinding_to_loopback_is_refused_at_sending(admin, dns, production_networks, receiver,
                                                     app, monkeypatch):
    """A name saved while it pointed outside, then pointed at a real local receiver."""
    port = receiver.server.server_address[1]
    dns.names["hooks.example.org"] = [PUBLIC]
    endpoint, _secret = webhooks.register(admin, f"https://hooks.example.org:{port}/hook", "")
    db.session.commit()
    dns.names["hooks.example.org"] = ["127.0.0.1"]
    row = _deliver(endpoint)
    assert row.last_error == UNREACHABLE and receiver.requests == []


def test_the_address_connected_to_is_checked_after_connecting(admin, receiver, monkeypatch):
    """Whatever the resolver said, the peer of the socket decides (here a peer that is
    not the allowed 127.0.0.1)."""
    endpoint, _secret = webhooks.register(admin, receiver.url, "")
    db.session.commit()
    real = socket.socket.getpeername
    monkeypatch.setattr(socket.socket, "getpeername",
                        lambda sock: ("10.9.8.7", real(sock)[1]) if sock.family == socket.AF_INET else real(sock))
    row = _deliver(endpoint)
    assert row.last_error == UNREACHABLE and receiver.requests == []


def test_a_closed_port_is_unreachable_without_details(admin, receiver):
    endpoint, _secret = webhooks.register(admin, receiver.url, "")
    db.session.commit()
    receiver.server.shutdown()
    receiver.server.server_close()
    row = _deliver(endpoint)
    assert row.last_error == UNREACHABLE  # not ConnectionRefusedError, no errno, no address


class _Redirecting(BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        self.send_response(307)
        self.send_header("Location", self.server.target)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_a_redirect_is_not_followed(admin, receiver):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Redirecting)
    server.target = receiver.url
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        endpoint, _secret = webhooks.register(admin, f"http://127.0.0.1:{server.server_address[1]}/", "")
        db.session.commit()
        row = _deliver(endpoint)
    finally:
        server.shutdown()
        server.server_close()
    assert row.last_status == 307 and row.state == "pending"
    assert receiver.requests == []


def test_a_stored_internal_address_is_refused_at_sending(admin, production_networks, no_traffic_elsewhere):
    """An endpoint saved before these checks (or with a setting since narrowed)."""
    endpoint = WebhookEndpoint(organisation_id=admin.organisation_id, url="https://0x7f.1/x",
                               secret_encrypted=webhooks._cipher().encrypt("whsec_x"))
    db.session.add(endpoint)
    db.session.commit()
    row = _deliver(endpoint)
    assert row.last_status is None and "IP-adress" in row.last_error
    endpoint.url = "http://127.0.0.1:9/x"
    db.session.commit()
    row = _deliver(endpoint)
    assert row.last_status is None and "https://" in row.last_error
    assert no_traffic_elsewhere == []


def _self_signed(tmp_path, name: str):
    """A certificate for `name`, and its key, as PEM files."""
    from datetime import timedelta

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now_utc() - timedelta(days=1)).not_valid_after(now_utc() + timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def test_https_keeps_the_host_name_for_sni_certificate_and_host_header(admin, dns, tmp_path, monkeypatch):
    """We connect to the address we checked, yet TLS is still about the name: SNI and the
    certificate check use it, and so does the Host header."""
    import ssl

    name = "hooks.example.org"
    cert, key = _self_signed(tmp_path, name)
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(cert, key)
    seen = {}

    def note_sni(_sock, sni, _ctx):
        seen.setdefault("sni", sni)

    server_context.sni_callback = note_sni
    receiver = Receiver()
    receiver.server.socket = server_context.wrap_socket(receiver.server.socket, server_side=True)
    receiver.thread.start()
    port = receiver.server.server_address[1]
    monkeypatch.setattr(ssl, "_create_default_https_context",
                        lambda: ssl.create_default_context(cafile=str(cert)))
    try:
        dns.names[name] = ["127.0.0.1"]  # allowed in tests
        endpoint, _secret = webhooks.register(admin, f"https://{name}:{port}/hook", "")
        db.session.commit()
        row = _deliver(endpoint)
        assert row.state == "delivered", row.last_error
        assert seen["sni"] == name
        assert receiver.requests[0]["headers"]["Host"] == f"{name}:{port}"
        dns.names["other.example.org"] = ["127.0.0.1"]  # same address, a name the cert lacks
        endpoint.url = f"https://other.example.org:{port}/hook"
        db.session.commit()
        row = _deliver(endpoint)
        assert row.last_error == UNREACHABLE and len(receiver.requests) == 1
    finally:
        receiver.server.shutdown()
        receiver.server.server_close()
