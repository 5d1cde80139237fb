"""Read a REST API's metadata: a few records per endpoint, held in memory, nothing stored.

``read_api`` asks each endpoint for ``records`` records (``limit=N``; the ``mock``
workflow asks for 20), follows the answer's next-page link while it has fewer, finds the
records inside the answer's envelope, and infers tables, keys and foreign keys from them
(see ``json_schema_infer``): more records than one show which fields are optional and
which values vary. The result is a ``SourceSchema`` like the database readers give,
plus what the user should confirm (guessed foreign keys) and the sampled values, kept in
memory only so the PII scanner can look at them. Only the standard library speaks HTTP:
one GET per endpoint does not justify a new dependency.

Credentials never leave this module: the token is sent as a bearer header that is not
forwarded on redirects, and every message is built from a URL with user info and secret
query parameters removed, then scrubbed of the token once more.
"""

from __future__ import annotations

import base64
import http
import http.client
import json
import re
import socket
import ssl
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from fauxdata.errors import FauxdataError
from fauxdata.introspect.hierarchy import self_reference
from fauxdata.introspect.json_schema_infer import (
    ApiEntity,
    Inferred,
    find_records,
    infer_entities,
    plural,
    singular,
    table_name,
)
from fauxdata.introspect.model import SourceForeignKey, SourceSchema, SourceTable

__all__ = [
    "ApiEntity",
    "ApiExtraction",
    "InferredKey",
    "infer_foreign_keys",
    "read_api",
    "safe_url",
]

PAGE_SIZE_PARAMS = frozenset(
    {"limit", "per_page", "perpage", "page_size", "pagesize", "size", "top", "$top", "max_results"}
)
"""A user ``--param`` named like one of these sets the page size; else ``limit=N`` is sent."""
MAX_BYTES = 10 * 1024 * 1024
MAX_PAGES = 10
"""Next-page links followed per endpoint at most, however few records each page holds."""
_SECRET = re.compile(r"key|token|secret|pass|pwd|auth|sig|credential|session", re.IGNORECASE)
_FK_NAME = re.compile(r"^(?P<stem>[a-z0-9_]+?)_(?P<suffix>id|uuid|guid|code|key)$")
_FAMILIES = ({"smallint", "integer", "bigint"}, {"varchar", "text", "uuid"})


@dataclass
class InferredKey:
    """A foreign key guessed from a column's name, for the user to confirm."""

    table: str
    column: str
    parent: str
    parent_column: str
    reason: str


@dataclass
class ApiExtraction:
    """What one pass over the endpoints learned. ``samples`` live in memory only."""

    schema: SourceSchema
    entities: dict[str, ApiEntity]
    inferred_foreign_keys: list[InferredKey] = field(default_factory=list)
    samples: dict[str, dict[str, list[Any]]] = field(default_factory=dict)
    """table -> column -> values seen in the sampled records; never written anywhere."""


def read_api(
    base_url: str,
    endpoints: list[str],
    *,
    token: str | None = None,
    params: Mapping[str, str] | None = None,
    headers: Mapping[str, str] | None = None,
    timeout: float = 10.0,
    separator: str = "__",
    flatten_depth: int = 2,
    records: int = 1,
) -> ApiExtraction:
    """Ask each endpoint for ``records`` records (following next-page links, at most
    ``MAX_PAGES`` pages) and infer its tables.

    ``token`` is the secret itself (the CLI resolves ``env:VAR``); it is sent as
    ``Authorization: Bearer <token>``. ``params`` go on every request; ``limit=N`` is
    added unless one of them already sets a page size.

    Raises:
        FauxdataError: HTTP errors, timeouts, refused connections, answers that are not
            JSON or hold no record; each names the endpoint and never the token.
    """
    if not endpoints:
        raise FauxdataError(
            "no endpoint given", path="--endpoint", hint="e.g. --endpoint /employee"
        )
    query = dict(params or {})
    secrets = [
        s
        for s in (
            token,
            *_url_secrets(base_url),
            *(v for k, v in query.items() if _SECRET.search(k)),
            *(v for k, v in (headers or {}).items() if _SECRET.search(k)),
        )
        if s and len(s) >= 3
    ]
    if not any(k.lower() in PAGE_SIZE_PARAMS for k in query):
        query = {"limit": str(max(1, records)), **query}
    sent = {"Accept": "application/json", "User-Agent": "fauxdata", **(headers or {})}
    found: list[Inferred] = []
    names: set[str] = set()
    renamed: dict[str, str] = {}
    for endpoint in endpoints:
        where = f"--endpoint {endpoint}"
        url = _join(base_url, endpoint, query)
        try:
            payload = _get_json(url, sent, token, timeout, where)
            name = _unique_name(table_name(endpoint), names)
            stem = name.rsplit("_", 1)[-1]
            path, first, ignored = find_records(
                payload, where=where, names=(name, stem, singular(stem))
            )
            sampled = _more_records(payload, path, url, records, (sent, token, timeout, where))
            for inferred in infer_entities(
                name,
                endpoint,
                path,
                sampled or first,
                separator=separator,
                flatten_depth=flatten_depth,
                ignored=ignored,
            ):
                _rename(inferred, names, renamed)
                found.append(inferred)
        except FauxdataError as exc:
            raise _scrubbed(exc, secrets) from None
    tables = {i.table.name: i.table for i in found}
    samples = {i.table.name: i.samples for i in found}
    fields = {i.table.name: i.entity.fields for i in found}
    keys = infer_foreign_keys(tables, fields, samples)
    schema = SourceSchema(dialect="rest", url=safe_url(base_url), schema=None, tables=tables)
    return ApiExtraction(schema, {i.entity.name: i.entity for i in found}, keys, samples)


def _more_records(
    payload: Any, path: str, url: str, wanted: int, call: tuple[Any, ...]
) -> list[dict[str, Any]]:
    """Up to ``wanted`` records: the page's own, then the next pages' while the answer
    links to one on the same origin (``links.next``, ``next``, ``_links.next.href``,
    ``@odata.nextLink``...)."""
    found = _records_at(payload, path)
    pages = 1
    link = _next_link(payload, url)
    while len(found) < wanted and link is not None and pages < MAX_PAGES:
        payload = _get_json(link, *call)
        more = _records_at(payload, path)
        if not more:
            break
        found += more
        pages += 1
        link = _next_link(payload, link)
    return [r for r in found if isinstance(r, dict)][:wanted]


def _records_at(payload: Any, path: str) -> list[Any]:
    """Every record of the list whose first element ``find_records`` named (``data[0]``)."""
    if not path.endswith("[0]"):
        return []
    node = payload
    for key in path.removesuffix("[0]").split("."):
        if key == "$":
            continue
        if not isinstance(node, dict) or key not in node:
            return []
        node = node[key]
    return list(node) if isinstance(node, list) else []


def _next_link(payload: Any, url: str) -> str | None:
    if not isinstance(payload, dict):
        return None
    candidates = [payload.get("next"), payload.get("@odata.nextLink"), payload.get("nextLink")]
    for holder in ("links", "meta", "paging", "pagination", "_links"):
        inner = payload.get(holder)
        if isinstance(inner, dict):
            nxt = inner.get("next")
            candidates.append(nxt.get("href") if isinstance(nxt, dict) else nxt)
    for candidate in candidates:
        if isinstance(candidate, str) and candidate:
            link = urllib.parse.urljoin(url, candidate)
            return link if _origin(link) == _origin(url) and link != url else None
    return None


def _rename(inferred: Inferred, taken: set[str], renamed: dict[str, str]) -> None:
    """Give a table a name no earlier endpoint took, and follow its parent's renaming."""
    entity, table = inferred.entity, inferred.table
    name = renamed[entity.name] = _unique_name(entity.name, taken)
    taken.add(name)
    entity.name = table.name = name
    if entity.parent is not None:
        entity.parent = renamed.get(entity.parent, entity.parent)
    for fk in table.foreign_keys:
        fk.parent = renamed.get(fk.parent, fk.parent)


def _unique_name(name: str, taken: set[str]) -> str:
    out, n = name, 2
    while out in taken:
        out, n = f"{name}_{n}", n + 1
    return out


def safe_url(url: str) -> str:
    """The URL without user info and without query parameters named like secrets."""
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    netloc = (f"[{host}]" if ":" in host else host) + (f":{parts.port}" if parts.port else "")
    kept = [
        (k, v)
        for k, v in urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
        if not _SECRET.search(k)
    ]
    return urllib.parse.urlunsplit(
        (parts.scheme, netloc, parts.path, urllib.parse.urlencode(kept), "")
    )


def _url_secrets(url: str) -> list[str]:
    parts = urllib.parse.urlsplit(url)
    query = urllib.parse.parse_qsl(parts.query)
    return [s for s in (parts.password, *(v for k, v in query if _SECRET.search(k))) if s]


def _join(base_url: str, endpoint: str, query: Mapping[str, str]) -> str:
    """The endpoint under the base URL, with the base's, the endpoint's and ``query`` merged."""
    base, own = urllib.parse.urlsplit(base_url), urllib.parse.urlsplit(endpoint)
    if own.scheme in ("http", "https"):
        base, path = own, own.path
    else:
        path = base.path.rstrip("/") + "/" + own.path.lstrip("/")
    merged = dict(urllib.parse.parse_qsl(base.query, keep_blank_values=True))
    if own is not base:
        merged.update(urllib.parse.parse_qsl(own.query, keep_blank_values=True))
    merged.update(query)
    return urllib.parse.urlunsplit(
        (base.scheme, base.netloc, path, urllib.parse.urlencode(merged), "")
    )


class _SameOriginCredentials(urllib.request.HTTPRedirectHandler):
    """Follow redirects, re-sending credentials only to the same scheme, host and port:
    a redirect to another host (a login service, a CDN) must not receive the token."""

    def __init__(self, secret_headers: Mapping[str, str]) -> None:
        self.secret_headers = dict(secret_headers)

    def redirect_request(
        self, req: urllib.request.Request, fp: Any, code: int, msg: str, headers: Any, newurl: str
    ) -> urllib.request.Request | None:
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        if new is not None and _origin(newurl) == _origin(req.full_url):
            for name, value in self.secret_headers.items():
                new.add_unredirected_header(name, value)
        return new


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urllib.parse.urlsplit(url)
    return parts.scheme, parts.hostname or "", parts.port


def _get_json(
    url: str, headers: Mapping[str, str], token: str | None, timeout: float, where: str
) -> Any:
    """GET ``url`` and parse its JSON body.

    Raises:
        FauxdataError: with a hint the user can act on for each way the call can fail.
    """
    try:
        shown, parts = safe_url(url), urllib.parse.urlsplit(url)
    except ValueError:  # a port that is not a number
        raise FauxdataError("not a valid URL", path=where, hint="check the base URL") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FauxdataError(
            f"not an http(s) URL: {shown}",
            path=where,
            hint="e.g. --from-api https://api.example.com/v1",
        )
    clean = urllib.parse.urlunsplit(parts._replace(netloc=urllib.parse.urlsplit(shown).netloc))
    secret = {k: v for k, v in headers.items() if _SECRET.search(k)}
    if token:
        secret["Authorization"] = f"Bearer {token}"
    elif parts.username:
        secret["Authorization"] = _basic(parts)
    plain = {k: v for k, v in headers.items() if k not in secret}
    request = urllib.request.Request(clean, headers=plain, method="GET")
    for name, value in secret.items():
        request.add_unredirected_header(name, value)
    opener = urllib.request.build_opener(_SameOriginCredentials(secret))
    try:
        with opener.open(request, timeout=timeout) as response:
            body = response.read(MAX_BYTES + 1)
            content_type = response.headers.get("Content-Type", "")
            final = response.geturl()
    except urllib.error.HTTPError as exc:
        raise _status_error(exc.code, shown, where) from None
    except urllib.error.URLError as exc:
        raise _connection_error(exc.reason, shown, timeout, where) from None
    except (TimeoutError, OSError, http.client.HTTPException) as exc:
        raise _connection_error(exc, shown, timeout, where) from None
    except ValueError:  # http.client rejects a header value, and would quote it
        raise FauxdataError(
            "the token or a header holds characters HTTP does not allow (a newline?)",
            path=where,
            hint="check the token's source: env:VAR, file:PATH or keyvault:VAULT/SECRET with no extra lines",
        ) from None
    if len(body) > MAX_BYTES:
        raise FauxdataError(
            f"the answer from {shown} is larger than {MAX_BYTES // 2**20} MB",
            path=where,
            hint="the API may ignore limit=1: pass its page-size parameter, e.g. --param per_page=1",
        )
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError):
        pass
    kind = content_type.split(";")[0].strip() or "no content type"
    moved = f", after a redirect to {safe_url(final)}" if final and final != clean else ""
    html = "html" in kind or body.lstrip()[:1] == b"<"
    raise FauxdataError(
        f"expected JSON from {shown}, got {kind} ({len(body)} bytes{moved})",
        path=where,
        hint="an HTML page is often a login or error page: check the base URL and the token"
        if html
        else "check that the endpoint answers with JSON",
        code="not_json",
    )


def _basic(parts: urllib.parse.SplitResult) -> str:
    pair = (
        f"{urllib.parse.unquote(parts.username or '')}:{urllib.parse.unquote(parts.password or '')}"
    )
    return "Basic " + base64.b64encode(pair.encode()).decode()


def _status_error(status: int, shown: str, where: str) -> FauxdataError:
    try:
        phrase = http.HTTPStatus(status).phrase
    except ValueError:
        phrase = "unknown status"
    if status in (401, 403):
        return FauxdataError(
            f"HTTP {status} {phrase} from {shown}",
            path=where,
            hint="the API refused the credentials: check the token (--token env:VAR)",
            code="auth",
        )
    if status == 404:
        return FauxdataError(
            f"endpoint not found: HTTP 404 from {shown}",
            path=where,
            hint="check the base URL and the endpoint's path",
            code="not_found",
        )
    hint = {
        429: "the API is rate limiting: wait and retry",
        400: "the API rejected the request: check --param values",
    }.get(status, "the server failed: retry later" if status >= 500 else "")
    return FauxdataError(f"HTTP {status} {phrase} from {shown}", path=where, hint=hint, code="http")


def _connection_error(reason: object, shown: str, timeout: float, where: str) -> FauxdataError:
    if isinstance(reason, (TimeoutError, socket.timeout)) or "timed out" in str(reason):
        return FauxdataError(
            f"no answer within {timeout:g} s from {shown}",
            path=where,
            hint="the server is slow or unreachable: raise the timeout or check the URL",
            code="timeout",
        )
    if isinstance(reason, ConnectionRefusedError):
        text, hint = "connection refused", "check the host and port, and that the server runs"
    elif isinstance(reason, socket.gaierror):
        text, hint = "host not found", "check the host name in the base URL"
    elif isinstance(reason, ssl.SSLError):
        text, hint = "TLS handshake failed", "check the certificate, or the scheme (http/https)"
    else:
        text, hint = type(reason).__name__, "check the base URL and the network"
    return FauxdataError(f"cannot reach {shown}: {text}", path=where, hint=hint, code="connection")


def _scrubbed(exc: FauxdataError, secrets: list[str]) -> FauxdataError:
    """The same error with every secret replaced by ``***`` (a last line of defence)."""
    for secret in secrets:
        for encoded in {secret, urllib.parse.quote(secret), urllib.parse.quote_plus(secret)}:
            exc.message = exc.message.replace(encoded, "***")
            exc.hint = exc.hint.replace(encoded, "***")
            exc.path = exc.path.replace(encoded, "***")
    exc.args = (exc.message,)
    return exc


def infer_foreign_keys(
    tables: dict[str, SourceTable],
    fields: Mapping[str, Mapping[str, str]] | None = None,
    samples: Mapping[str, Mapping[str, list[Any]]] | None = None,
) -> list[InferredKey]:
    """Foreign keys guessed from names (``teamId`` -> ``teams.id``), added to the tables.

    The stem must name an extracted table (singular or plural; else its last word, so
    ``homeOfficeId`` finds ``offices``) whose single-column key ends like the column; a
    ``managerId`` with no ``managers`` table stays a plain column. A column whose sample
    was null takes the key's type.
    """
    found: list[InferredKey] = []
    for table in tables.values():
        linked = {c for fk in table.foreign_keys for c in fk.columns}
        for column in table.columns.values():
            json_name = next(
                (p for p, c in (fields or {}).get(table.name, {}).items() if c == column.name),
                column.name,
            )
            own = self_reference(table, column.name)
            if own is not None and column.name not in linked:
                column.type, column.length = table.columns[own].type, table.columns[own].length
                table.foreign_keys.append(SourceForeignKey([column.name], table.name, [own]))
                reason = f"name {json_name} -> {table.name}.{own} (a self-reference: a tree)"
                found.append(InferredKey(table.name, column.name, table.name, own, reason))
                continue
            match = _FK_NAME.match(column.name)
            if match is None or column.name in table.primary_key or column.name in linked:
                continue
            target = _target(match["stem"], tables)
            if target is None:
                continue
            parent, by_last_word = target
            if len(parent.primary_key) != 1:
                continue
            key = parent.columns[parent.primary_key[0]]
            if key.name != match["suffix"] and not key.name.endswith("_" + match["suffix"]):
                continue
            seen = (samples or {}).get(table.name, {}).get(column.name)
            if not seen:
                column.type, column.length = key.type, key.length
            elif not any(column.type in f and key.type in f for f in _FAMILIES):
                continue
            table.foreign_keys.append(SourceForeignKey([column.name], parent.name, [key.name]))
            how = " (by its last word)" if by_last_word else ""
            found.append(
                InferredKey(
                    table.name,
                    column.name,
                    parent.name,
                    key.name,
                    f"name {json_name} -> {parent.name}.{key.name}{how}",
                )
            )
    return found


def _target(stem: str, tables: dict[str, SourceTable]) -> tuple[SourceTable, bool] | None:
    words = stem.split("_")
    for start in range(len(words)):
        candidate = "_".join(words[start:])
        for name in (plural(candidate), candidate):
            if name in tables:
                return tables[name], start > 0
        for name, table in tables.items():
            if singular(name) == singular(candidate):
                return table, start > 0
    return None
