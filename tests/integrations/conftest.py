"""A fake resolver for webhook targets: names resolve to what the test says, and no
lookup ever leaves the machine (the addresses are only compared, never connected to,
unless they are 127.0.0.1)."""
import socket

import pytest


class FakeDNS:
    def __init__(self, real):
        self.names: dict[str, list[str]] = {}
        self.lookups: list[str] = []
        self._real = real

    def __call__(self, host, port, family=0, type=0, proto=0, flags=0):
        self.lookups.append(host)
        if host not in self.names:
            try:  # an IP literal resolves to itself, without a lookup
                return self._real(host, port, family, type, proto, socket.AI_NUMERICHOST)
            except socket.gaierror:
                raise socket.gaierror(socket.EAI_NONAME, "Name or service not known") from None
        port = int(port or 0)
        return [(socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM,
                 socket.IPPROTO_TCP, "", (a, port, 0, 0) if ":" in a else (a, port))
                for a in self.names[host]]


@pytest.fixture
def dns(monkeypatch):
    fake = FakeDNS(socket.getaddrinfo)
    monkeypatch.setattr(socket, "getaddrinfo", fake)
    return fake
