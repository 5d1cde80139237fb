"""``keyvault:VAULT/SECRET`` references, read by the real Azure SDK from a local HTTPS server
that speaks Key Vault's and Entra ID's protocols (tests/support/keyvault_server.py)."""

from __future__ import annotations

import importlib.util
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from fauxdata.errors import FauxdataError
from fauxdata.introspect.source import resolve_url
from tests.support.cli import fauxdata
from tests.support.keyvault_server import TENANT, KeyVaultServer

API_TOKEN = "kv-held-token-7f3a9c"
EXAMPLE = Path(__file__).parent.parent / "examples" / "hr_api"


@pytest.fixture
def vault(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[KeyVaultServer]:
    server = KeyVaultServer(tmp_path, {"hr-vault": {"hr-api-token": API_TOKEN}})
    for name, value in server.environment().items():
        monkeypatch.setenv(name, value)
    yield server
    server.stop()


def test_a_keyvault_reference_is_read_through_the_challenge_flow(vault: KeyVaultServer) -> None:
    assert resolve_url("keyvault:hr-vault/hr-api-token", "--token", "the API token") == API_TOKEN
    assert vault.requests == [
        ("GET", "/vaults/hr-vault/secrets/hr-api-token/", False),  # the SDK asks for a challenge
        ("GET", f"/{TENANT}/v2.0/.well-known/openid-configuration", False),
        ("POST", f"/{TENANT}/oauth2/v2.0/token", False),
        ("GET", "/vaults/hr-vault/secrets/hr-api-token/", True),
    ]


def test_a_missing_secret_and_a_bad_sign_in_are_named_without_values(
    vault: KeyVaultServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(FauxdataError) as missing:
        resolve_url("keyvault:hr-vault/payroll-url", "sources.payroll.url")
    assert "no secret 'payroll-url' in Key Vault hr-vault" in str(missing.value)
    assert missing.value.path == "sources.payroll.url"
    with pytest.raises(FauxdataError) as other_vault:
        resolve_url("keyvault:crm-vault/hr-api-token", "--token")
    assert "Key Vault crm-vault" in str(other_vault.value)
    with pytest.raises(FauxdataError) as malformed:
        resolve_url("keyvault:hr-vault", "--token")
    assert "keyvault:VAULT/SECRET" in malformed.value.hint

    monkeypatch.setenv("AZURE_CLIENT_SECRET", "not-the-client-secret")
    with pytest.raises(FauxdataError) as refused:
        resolve_url("keyvault:hr-vault/hr-api-token", "--token", "the API token")
    text = f"{refused.value} {refused.value.hint}"
    assert "cannot sign in" in text and "Invalid client secret" in text
    assert "AZURE_CLIENT_SECRET" in refused.value.hint
    assert API_TOKEN not in text and "not-the-client-secret" not in text


def test_scan_an_api_whose_token_lives_in_key_vault(vault: KeyVaultServer) -> None:
    spec = importlib.util.spec_from_file_location("hr_api_server", EXAMPLE / "server.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    api = module.make_server(0, API_TOKEN)
    threading.Thread(target=api.serve_forever, daemon=True).start()
    try:
        done = fauxdata(
            "scan", f"http://127.0.0.1:{api.server_address[1]}", "--endpoint", "/employee",
            "--token", "keyvault:hr-vault/hr-api-token", "--json",
            cwd=EXAMPLE, env=vault.environment(),
        )  # fmt: skip
    finally:
        api.shutdown()
        api.server_close()
    assert done.returncode == 0, done.stderr
    found = {f["column"] for f in json.loads(done.stdout)["findings"]}
    assert {"email", "iban", "national_id"} <= found
    assert API_TOKEN not in done.stdout + done.stderr
