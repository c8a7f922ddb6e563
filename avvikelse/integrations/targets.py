"""Where a webhook may go (SSRF): public addresses over https, and nothing else unless a
setting allows it.

An address is refused when it is loopback, private, link-local (cloud metadata at
169.254.169.254 among them), unique-local (fd00:ec2::254), multicast, unspecified,
reserved or shared (100.64/10), also when it hides inside an IPv6 address (::ffff:a.b.c.d,
6to4, NAT64). `WEBHOOK_ALLOWED_NETWORKS` (comma-separated CIDRs, empty by default) lists
networks that may be reached all the same, and only those may be reached over plain http.

Checked when an endpoint is saved (every address its host resolves to) and again at each
delivery on the connection itself: the host is resolved once, only permitted addresses
are connected to, by us, and the address actually connected to (`getpeername`) is checked
before a byte is sent; TLS still verifies the certificate against the host name (SNI)
and the Host header names it. A name that resolves to a public address when saved and
to an internal one later (DNS rebinding) is refused at sending. IP literals in the old
numeric spellings (2130706433, 0177.0.0.1, 0x7f.1) are refused outright.

Every failure to connect reads "Mottagaren gick inte att nå." to the administrator: never
an error class, errno or resolved address, so webhooks cannot be used to map a network.
"""
import functools
import http.client
import ipaddress
import logging
import socket
import urllib.request
from urllib.parse import urlsplit

from flask import current_app

log = logging.getLogger(__name__)

UNREACHABLE = "Mottagaren gick inte att nå."
_NAT64 = ipaddress.ip_network("64:ff9b::/96")

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class Unreachable(OSError):
    """The receiver may not or cannot be reached; the reason stays in this process."""


# -- which addresses -----------------------------------------------------------------------

@functools.lru_cache(maxsize=8)
def _parse_networks(setting: str) -> tuple:
    networks = []
    for part in (setting or "").split(","):
        if part.strip():
            # A mistyped setting stops the app's webhooks loudly, never opens more.
            networks.append(ipaddress.ip_network(part.strip(), strict=False))
    return tuple(networks)


def allowed_networks() -> tuple:
    return _parse_networks(current_app.config.get("WEBHOOK_ALLOWED_NETWORKS", ""))


def _embedded_v4(ip: Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for, if any (mapped, 6to4, NAT64)."""
    if ip.version != 6:
        return None
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def _plain(ip: Address) -> Address:
    return _embedded_v4(ip) or ip


def is_public(ip: Address) -> bool:
    inner = _embedded_v4(ip)
    if inner is not None:
        return is_public(inner)
    if ip.version == 6 and (ip.teredo is not None or ip.is_site_local):
        return False
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_unspecified
                                 or ip.is_loopback or ip.is_link_local or ip.is_private)


def in_allowed_network(ip: Address) -> bool:
    plain = _plain(ip)
    return any(plain.version == net.version and plain in net for net in allowed_networks())


def permitted(ip: Address, plain_http: bool) -> bool:
    """Plain http only to an allowed network; https also to any public address."""
    return in_allowed_network(ip) or (not plain_http and is_public(ip))


def _address(text: str) -> Address:
    return ipaddress.ip_address(text.split("%", 1)[0])  # an IPv6 zone id is not part of it


# -- the address as typed --------------------------------------------------------------------

def _odd_ipv4_literal(host: str) -> bool:
    """2130706433, 0177.0.0.1, 0x7f.1, 127.1: IPv4 in spellings the resolver accepts and
    nobody writes except to slip past a check."""
    try:
        ipaddress.IPv4Address(host)
        return False
    except ValueError:
        pass
    try:
        socket.inet_aton(host)
    except OSError:
        return False
    return True


def check_url(url: str, resolve: bool = True) -> list[str]:
    """Problems with a receiver address; [] when it is acceptable. With `resolve`, the
    host's addresses are looked up and every one must be permitted."""
    parts = urlsplit((url or "").strip())
    if parts.scheme not in ("http", "https"):
        return ["Adressen måste börja med https://."]
    if parts.username or parts.password:
        return ["Adressen får inte innehålla användarnamn eller lösenord."]
    try:
        host, port = parts.hostname, parts.port
    except ValueError:
        return ["Ange en fullständig adress, t.ex. https://system.example.se/avvikelse."]
    if not host:
        return ["Ange en fullständig adress, t.ex. https://system.example.se/avvikelse."]
    if _odd_ipv4_literal(host):
        return ["Skriv en IP-adress med fyra decimala tal, t.ex. https://192.0.2.10/, eller använd ett värdnamn."]
    plain_http = parts.scheme == "http"
    if plain_http and not allowed_networks():
        return ["Adressen måste börja med https://."]
    try:
        literal = _address(host)
    except ValueError:
        literal = None
    if literal is not None:
        if permitted(literal, plain_http):
            return []
        if plain_http and is_public(literal):
            return ["Adressen måste börja med https://."]
        return ["Adressen får inte peka på ett internt eller reserverat nät."]
    if not resolve:
        return []
    try:
        addresses = resolve_host(host, port or (80 if plain_http else 443))
    except Unreachable:
        return [UNREACHABLE + " Kontrollera adressen."]
    if all(permitted(a, plain_http) for _i, a in addresses):
        return []
    if plain_http and all(is_public(a) for _i, a in addresses):
        return ["Adressen måste börja med https://."]
    # Internal, or not resolvable: the same answer, so the form tells nothing of the network.
    return [UNREACHABLE + " Kontrollera adressen."]


def resolve_host(host: str, port: int) -> list[tuple[tuple, Address]]:
    """(getaddrinfo entry, address) for each address of `host`; Unreachable if none."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError) as exc:
        raise Unreachable() from exc
    found = []
    for info in infos:
        try:
            found.append((info, _address(info[4][0])))
        except ValueError:
            continue
    if not found:
        raise Unreachable()
    return found


# -- the connection ------------------------------------------------------------------------------

def connect(address: tuple[str, int], timeout=socket._GLOBAL_DEFAULT_TIMEOUT,
            source_address=None, *, plain_http: bool) -> socket.socket:
    """A socket to `address` (host, port), connected by us to a permitted address and
    checked again once connected. Every address of the host must be permitted: a name
    that also points inside is not trusted with the rest."""
    host, port = address
    addresses = resolve_host(host, port)
    if not all(permitted(a, plain_http) for _i, a in addresses):
        log.warning("webhook: refused a receiver that resolves to a non-permitted address")
        raise Unreachable()
    for (family, type_, proto, _name, sockaddr), _ip in addresses:
        sock = socket.socket(family, type_, proto)
        try:
            if timeout is not socket._GLOBAL_DEFAULT_TIMEOUT:
                sock.settimeout(timeout)
            if source_address:
                sock.bind(source_address)
            sock.connect(sockaddr)
            if not permitted(_address(sock.getpeername()[0]), plain_http):
                log.warning("webhook: refused a connection that ended at a non-permitted address")
                raise Unreachable()
            return sock
        except Unreachable:
            sock.close()
            raise
        except OSError:
            sock.close()
    raise Unreachable()


class _PlainConnection(http.client.HTTPConnection):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._create_connection = functools.partial(connect, plain_http=True)


class _TLSConnection(http.client.HTTPSConnection):
    # HTTPSConnection.connect wraps what _create_connection returns, with the URL's host
    # name as SNI and for certificate checking.
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._create_connection = functools.partial(connect, plain_http=False)


class _HTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req):
        return self.do_open(_PlainConnection, req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req):
        return self.do_open(_TLSConnection, req, context=self._context)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    # A redirect could lead anywhere, including inside our network: treat it as a failure.
    def redirect_request(self, *args, **kwargs):
        return None


def opener() -> urllib.request.OpenerDirector:
    """http and https only, through the checked connection; no proxy from the
    environment, no redirects, no file:, ftp: or data:."""
    director = urllib.request.OpenerDirector()
    for handler in (_HTTPHandler(), _HTTPSHandler(), urllib.request.HTTPDefaultErrorHandler(),
                    _NoRedirect(), urllib.request.HTTPErrorProcessor(),
                    urllib.request.UnknownHandler()):
        director.add_handler(handler)
    return director
