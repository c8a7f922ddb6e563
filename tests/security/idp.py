"""A small OpenID Connect provider served in-process on 127.0.0.1, for tests.

It implements what a relying party uses in the code flow: discovery, the key set and
the token endpoint. The test decides what the next ID token looks like (claims, key,
audience, expiry, nonce) by queueing a grant under the code it then "returns" with.
"""
import secrets
import threading
import time
from dataclasses import dataclass, field

from joserfc import jwt
from joserfc.jwk import RSAKey
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

CLIENT_ID = "avvikelse-test"
CLIENT_SECRET = "test-secret-not-real"


@dataclass
class Grant:
    claims: dict
    nonce: str | None
    key: RSAKey | None = None  # None: the IdP's published key
    audience: str = CLIENT_ID
    expires_in: int = 300


@dataclass
class LocalIdP:
    #: A key id of its own, as a real provider's keys have: a client that kept an
    #: earlier provider's key set (one served on the same port before) fetches this
    #: one when it meets the new id, as after a real provider's key rotation.
    key: RSAKey = field(default_factory=lambda: _new_key())
    grants: dict = field(default_factory=dict)
    token_requests: list = field(default_factory=list)
    url: str = ""

    def __call__(self, environ, start_response):
        request = Request(environ)
        if request.path == "/.well-known/openid-configuration":
            response = self._json(self._metadata())
        elif request.path == "/jwks":
            response = self._json({"keys": [self.key.as_dict(private=False)]})
        elif request.path == "/token" and request.method == "POST":
            response = self._token(request)
        else:
            response = Response("not found", status=404)
        return response(environ, start_response)

    def _metadata(self):
        return {
            "issuer": self.url,
            "authorization_endpoint": f"{self.url}/authorize",
            "token_endpoint": f"{self.url}/token",
            "jwks_uri": f"{self.url}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
        }

    def _token(self, request):
        self.token_requests.append(dict(request.form))
        grant = self.grants.pop(request.form.get("code"), None)
        if grant is None:
            return self._json({"error": "invalid_grant"}, 400)
        now = int(time.time())
        claims = {"iss": self.url, "sub": "user-1", "aud": grant.audience,
                  "iat": now, "exp": now + grant.expires_in, **grant.claims}
        if grant.nonce is not None:
            claims["nonce"] = grant.nonce
        key = grant.key or self.key
        # Always the published key's id: a grant's other key is a forgery under it.
        id_token = jwt.encode({"alg": "RS256", "kid": self.key.kid}, claims, key)
        return self._json({"access_token": "at-" + str(now), "token_type": "Bearer",
                           "expires_in": 300, "id_token": id_token})

    @staticmethod
    def _json(body, status=200):
        import json

        return Response(json.dumps(body), status=status, mimetype="application/json")


def _new_key() -> RSAKey:
    return RSAKey.generate_key(2048, parameters={"kid": secrets.token_hex(8)})


class running:
    """`with running(LocalIdP()) as idp:` serves it on a free loopback port."""

    def __init__(self, idp: LocalIdP):
        self.idp = idp
        self.server = make_server("127.0.0.1", 0, idp, threaded=True)
        idp.url = f"http://127.0.0.1:{self.server.server_port}"

    def __enter__(self) -> LocalIdP:
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self.idp

    def __exit__(self, *exc):
        self.server.shutdown()
        self.thread.join(5)
