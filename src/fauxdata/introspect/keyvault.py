"""``keyvault:VAULT/SECRET``: a secret read from Azure Key Vault at run time.

Pipelines keep API tokens and JDBC strings in Key Vault; a project file names them as
``keyvault:hr-vault/hr-api-token`` and fauxdata reads the value when it needs it, never
storing or printing it. The Azure SDK does the talking (``azure-keyvault-secrets`` with
``azure-identity``'s ``DefaultAzureCredential``: environment service principal, workload
or managed identity, ``az login``), installed with ``pip install 'fauxdata[azure]'``.

``FAUXDATA_KEYVAULT_URL`` overrides the vault's address, ``{vault}`` standing for the
name (default ``https://{vault}.vault.azure.net``), for sovereign clouds, private
endpoints and test servers. A sign-in authority outside Microsoft's known hosts
(``AZURE_AUTHORITY_HOST`` on Azure Stack or a test server) is used as given rather than
vouched for by login.microsoftonline.com.
"""

from __future__ import annotations

import os
import urllib.parse
from typing import Any

from fauxdata.errors import FauxdataError

PREFIX = "keyvault:"
URL_TEMPLATE = "https://{vault}.vault.azure.net"
_MICROSOFT_HOSTS = (
    "login.microsoftonline.com",
    "login.microsoftonline.us",
    "login.chinacloudapi.cn",
    "login.partner.microsoftonline.cn",
)


def vault_url(vault: str) -> str:
    """The vault's base URL: ``FAUXDATA_KEYVAULT_URL`` with ``{vault}`` filled, else Azure's."""
    template = os.environ.get("FAUXDATA_KEYVAULT_URL") or URL_TEMPLATE
    return template.replace("{vault}", vault).rstrip("/")


def parse_reference(text: str, path: str) -> tuple[str, str]:
    """``keyvault:VAULT/SECRET`` -> (vault, secret).

    Raises:
        FauxdataError: the reference lacks either part.
    """
    vault, _, secret = text.removeprefix(PREFIX).partition("/")
    if not vault or not secret or "/" in secret:
        raise FauxdataError(
            f"'{text}' is not a Key Vault reference",
            path=path,
            hint="write keyvault:VAULT/SECRET, e.g. keyvault:hr-vault/hr-api-token",
        )
    return vault, secret


def read_secret(text: str, path: str, what: str) -> str:
    """The current value of the secret ``keyvault:VAULT/SECRET`` names.

    Raises:
        FauxdataError: the Azure extra is missing, sign-in fails, the vault cannot be
            reached or the secret does not exist; the message names the vault and the
            secret, never a value.
    """
    vault, name = parse_reference(text, path)
    try:
        from azure.core.exceptions import (
            ClientAuthenticationError,
            HttpResponseError,
            ResourceNotFoundError,
            ServiceRequestError,
        )
        from azure.identity import CredentialUnavailableError, DefaultAzureCredential
        from azure.keyvault.secrets import SecretClient
    except ImportError:
        raise FauxdataError(
            f"reading {what} from Key Vault needs the Azure extra",
            path=path,
            hint="pip install 'fauxdata[azure]'",
        ) from None
    url = vault_url(vault)
    where = f"secret '{name}' in Key Vault {vault} ({url})"
    credential = DefaultAzureCredential(disable_instance_discovery=_custom_authority())
    client = SecretClient(url, credential, verify_challenge_resource=_is_azure(url))
    try:
        with client:
            value = client.get_secret(name).value
    except ResourceNotFoundError:
        raise FauxdataError(
            f"no {where}", path=path, hint="check the vault and secret names", code="secret"
        ) from None
    except (ClientAuthenticationError, CredentialUnavailableError) as exc:
        raise FauxdataError(
            f"cannot sign in to read {where}: {_first_line(exc)}",
            path=path,
            hint="sign in with az login, or set AZURE_TENANT_ID, AZURE_CLIENT_ID and "
            "AZURE_CLIENT_SECRET for a service principal allowed to get secrets",
            code="secret",
        ) from None
    except ServiceRequestError as exc:
        raise FauxdataError(
            f"cannot reach Key Vault {vault} at {url}: {_first_line(exc)}",
            path=path,
            hint="check the vault name and the network (FAUXDATA_KEYVAULT_URL overrides the address)",
            code="secret",
        ) from None
    except HttpResponseError as exc:
        raise FauxdataError(
            f"Key Vault refused {where}: HTTP {exc.status_code}",
            path=path,
            hint="check that your identity may get secrets in this vault",
            code="secret",
        ) from None
    if not value:
        raise FauxdataError(f"{where} is empty", path=path, code="secret")
    return str(value)


def _custom_authority() -> bool:
    host = os.environ.get("AZURE_AUTHORITY_HOST", "")
    name = urllib.parse.urlsplit(host if "://" in host else f"https://{host}").hostname
    return bool(host) and name not in _MICROSOFT_HOSTS


def _is_azure(url: str) -> bool:
    """Check the sign-in challenge names this vault's domain, except for a custom address."""
    return (urllib.parse.urlsplit(url).hostname or "").endswith(".vault.azure.net")


def _first_line(exc: Any) -> str:
    """The SDK's reason on one line, without its pointer to the troubleshooting guide."""
    text = str(getattr(exc, "message", None) or exc)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    kept = [line for line in lines if not line.startswith(("To mitigate", "Attempted credentials"))]
    return " ".join(kept) or type(exc).__name__
