"""A real HTTPS server speaking Azure Key Vault's secrets API and Entra ID's token API.

The Azure SDK talks to it exactly as it talks to Azure: ``GET {vault}/secrets/{name}``
without a token first, a 401 with the ``WWW-Authenticate: Bearer authorization=...,
resource=...`` challenge, a client-credentials token from the authority's
``/{tenant}/oauth2/v2.0/token`` (found through its OpenID configuration), then the GET
again with ``Authorization: Bearer``. TLS uses a self-signed certificate made here with
``cryptography``; clients trust it through ``REQUESTS_CA_BUNDLE``. Nothing is mocked
below the socket.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import secrets
import ssl
import threading
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

TENANT = "00000000-0000-0000-0000-00000000feed"
CLIENT_ID = "11111111-2222-3333-4444-555555555555"


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and localhost, and its key, as PEM files."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "kv-cert.pem", folder / "kv-key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@dataclass
class KeyVaultServer:
    """Vaults of secrets behind the challenge flow, on a loopback HTTPS port."""

    folder: Path
    vaults: dict[str, dict[str, str]]
    client_secret: str = field(default_factory=lambda: secrets.token_hex(16))
    requests: list[tuple[str, str, bool]] = field(default_factory=list)
    """(method, path, had a valid bearer token) for each request seen."""

    def __post_init__(self) -> None:
        self.cert, key = self_signed(self.folder)
        self._tokens: set[str] = set()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                owner._get(self)

            def do_POST(self) -> None:
                owner._post(self)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.cert, key)
        self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
        self.url = f"https://127.0.0.1:{self.httpd.server_address[1]}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def environment(self) -> dict[str, str]:
        """What a client needs: the service principal, the authority, the vault address, trust."""
        return {
            "AZURE_TENANT_ID": TENANT,
            "AZURE_CLIENT_ID": CLIENT_ID,
            "AZURE_CLIENT_SECRET": self.client_secret,
            "AZURE_AUTHORITY_HOST": self.url,
            "FAUXDATA_KEYVAULT_URL": f"{self.url}/vaults/{{vault}}",
            "REQUESTS_CA_BUNDLE": str(self.cert),
        }

    def _get(self, handler: BaseHTTPRequestHandler) -> None:
        parts = urllib.parse.urlsplit(handler.path)
        path = parts.path
        auth = handler.headers.get("Authorization", "")
        valid = auth.startswith("Bearer ") and auth[7:] in self._tokens
        self.requests.append(("GET", path, valid))
        if path == f"/{TENANT}/v2.0/.well-known/openid-configuration":
            base = f"{self.url}/{TENANT}"
            _send(
                handler,
                200,
                {
                    "token_endpoint": f"{base}/oauth2/v2.0/token",
                    "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
                    "device_authorization_endpoint": f"{base}/oauth2/v2.0/devicecode",
                    "issuer": f"{base}/v2.0",
                },
            )
            return
        pieces = path.strip("/").split("/")
        query = dict(urllib.parse.parse_qsl(parts.query))
        if len(pieces) != 4 or pieces[0] != "vaults" or pieces[2] != "secrets":
            _send(handler, 404, {"error": {"code": "NotFound", "message": "no such path"}})
            return
        if "api-version" not in query:
            _send(handler, 400, {"error": {"code": "BadParameter", "message": "api-version"}})
            return
        if not valid:
            challenge = (
                f'Bearer authorization="{self.url}/{TENANT}", resource="https://vault.azure.net"'
            )
            _send(
                handler,
                401,
                {"error": {"code": "Unauthorized", "message": "AKV10000: Request is missing a Bearer token."}},
                {"WWW-Authenticate": challenge},
            )  # fmt: skip
            return
        vault, name = pieces[1], pieces[3]
        value = self.vaults.get(vault, {}).get(name)
        if value is None:
            message = f"A secret with (name/id) {name} was not found in this key vault."
            _send(handler, 404, {"error": {"code": "SecretNotFound", "message": message}})
            return
        # The SDK parses the id as {host}/secrets/{name}/{version}: no room for /vaults/...
        secret_id = f"{self.url}/secrets/{name}/0123456789abcdef"
        _send(handler, 200, {"value": value, "id": secret_id, "attributes": {"enabled": True}})

    def _post(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length", "0"))
        form = dict(urllib.parse.parse_qsl(handler.rfile.read(length).decode()))
        path = urllib.parse.urlsplit(handler.path).path
        self.requests.append(("POST", path, False))
        if path != f"/{TENANT}/oauth2/v2.0/token":
            _send(handler, 404, {"error": "not_found"})
            return
        if (
            form.get("grant_type") != "client_credentials"
            or form.get("client_id") != CLIENT_ID
            or form.get("client_secret") != self.client_secret
        ):
            _send(
                handler,
                401,
                {"error": "invalid_client", "error_description": "AADSTS7000215: Invalid client secret provided."},
            )  # fmt: skip
            return
        token = secrets.token_urlsafe(24)
        self._tokens.add(token)
        _send(handler, 200, {"token_type": "Bearer", "expires_in": 3600, "access_token": token})


def _send(
    handler: BaseHTTPRequestHandler, status: int, body: Any, headers: dict[str, str] | None = None
) -> None:
    raw = json.dumps(body).encode()
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json; charset=utf-8")
    handler.send_header("Content-Length", str(len(raw)))
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.end_headers()
    handler.wfile.write(raw)
