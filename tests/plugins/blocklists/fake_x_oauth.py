"""X's OAuth 2.0 endpoints for the fake X: the consent page and ``POST /2/oauth2/token``.

``GET /i/oauth2/authorize`` stands for X's consent page: the test user (`consent_user`,
the fake's own supporter by default) approves at once and is redirected to the
``redirect_uri`` with ``code`` and ``state``, or, with `deny` set, with
``error=access_denied`` and the state, as X does. ``POST /2/oauth2/token`` answers the
``authorization_code`` grant (PKCE: the ``code_verifier`` must hash, S256, to the challenge
given at authorize) and the ``refresh_token`` grant, with Basic auth for confidential
clients or ``client_id`` in the body for public ones. Answers are X's JSON:
``{token_type, expires_in, access_token, scope, refresh_token}``, and errors
``{"error": "invalid_request", "error_description": ...}``.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import urllib.parse
from dataclasses import dataclass, field

AUTHORIZE_PATH = "/i/oauth2/authorize"
TOKEN_PATH = "/2/oauth2/token"
EXPIRES_IN = 7200


@dataclass
class FakeOAuth:
    """The OAuth side of the fake: registered clients, codes and refresh tokens."""

    fake: object  # the FakeX whose users and tokens these are
    clients: dict[str, str | None] = field(default_factory=dict)  # id -> secret (None: public)
    codes: dict[str, dict] = field(default_factory=dict)
    refresh_tokens: dict[str, tuple[str, str]] = field(default_factory=dict)  # -> (user, scope)
    consent_user: str | None = None  # None: the fake's own supporter
    deny: bool = False
    expires_in: int = EXPIRES_IN

    def add_client(self, client_id: str, secret: str | None = None) -> None:
        """Register an app's OAuth 2.0 client (confidential when it has a secret)."""
        self.clients[client_id] = secret

    def serve(self, method: str, path: str, params: dict, authorization: str):
        """(status, body, headers) for an OAuth request; None when the path is not OAuth's."""
        if path == AUTHORIZE_PATH and method == "GET":
            return self._authorize(params)
        if path == TOKEN_PATH and method == "POST":
            try:
                return 200, self._token(params, authorization), {"Cache-Control": "no-store"}
            except OAuthError as error:
                return error.status, error.body(), {}
        return None

    def _authorize(self, params: dict):
        client_id, redirect = params.get("client_id", ""), params.get("redirect_uri", "")
        if client_id not in self.clients or not redirect:
            return 400, {"error": "invalid_request", "error_description": "Unknown client"}, {}
        if params.get("response_type") != "code" or params.get("code_challenge_method") != "S256":
            return 400, {"error": "invalid_request", "error_description": "PKCE S256 required"}, {}
        back = {"state": params.get("state", "")}
        if self.deny:
            back["error"] = "access_denied"
        else:
            code = secrets.token_urlsafe(24)
            self.codes[code] = {
                "client_id": client_id,
                "redirect_uri": redirect,
                "challenge": params.get("code_challenge", ""),
                "scope": params.get("scope", ""),
                "user_id": self.consent_user or self.fake.me.id,
            }
            back["code"] = code
        location = f"{redirect}{'&' if '?' in redirect else '?'}{urllib.parse.urlencode(back)}"
        return 302, {}, {"Location": location}

    def _client(self, params: dict, authorization: str) -> str:
        if authorization.startswith("Basic "):
            decoded = base64.b64decode(authorization[6:]).decode()
            client_id, _, secret = (urllib.parse.unquote(p) for p in decoded.partition(":"))
            if client_id not in self.clients or self.clients[client_id] != secret:
                raise OAuthError(401, "invalid_client", "Invalid client credentials")
            return client_id
        client_id = params.get("client_id", "")
        if client_id not in self.clients:
            raise OAuthError(400, "invalid_request", "Missing valid authorization header")
        if self.clients[client_id] is not None:
            raise OAuthError(401, "unauthorized_client", "Missing valid authorization header")
        return client_id

    def _token(self, params: dict, authorization: str) -> dict:
        client_id = self._client(params, authorization)
        grant = params.get("grant_type")
        if grant == "authorization_code":
            found = self.codes.pop(params.get("code", ""), None)
            if found is None or found["client_id"] != client_id:
                raise OAuthError(400, "invalid_request", "Value passed for the authorization "
                                 "code was invalid.")  # fmt: skip
            if found["redirect_uri"] != params.get("redirect_uri"):
                raise OAuthError(400, "invalid_request", "Value passed for the redirect uri "
                                 "did not match the uri of the authorization code.")  # fmt: skip
            if _challenge(params.get("code_verifier", "")) != found["challenge"]:
                raise OAuthError(400, "invalid_request", "Value passed for the code verifier "
                                 "did not match the code challenge.")  # fmt: skip
            user_id, scope = found["user_id"], found["scope"]
        elif grant == "refresh_token":
            found = self.refresh_tokens.pop(params.get("refresh_token", ""), None)
            if found is None:
                raise OAuthError(400, "invalid_request", "Value passed for the token was "
                                 "invalid.")  # fmt: skip
            user_id, scope = found
        else:
            raise OAuthError(400, "invalid_request", "Missing required parameter [grant_type].")
        refresh = secrets.token_urlsafe(32)
        self.refresh_tokens[refresh] = (user_id, scope)
        return {
            "token_type": "bearer",
            "expires_in": self.expires_in,
            "access_token": self.fake.issue_token(user_id),
            "scope": scope,
            "refresh_token": refresh,
        }


class OAuthError(Exception):
    """An OAuth error answer in X's shape."""

    def __init__(self, status: int, error: str, description: str) -> None:
        super().__init__(description)
        self.status, self.error, self.description = status, error, description

    def body(self) -> dict:
        """The JSON X answers."""
        return {"error": self.error, "error_description": self.description}


def _challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
