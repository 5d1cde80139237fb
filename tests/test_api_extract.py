"""REST API extraction against real HTTP servers started by the tests (nothing mocked)."""

from __future__ import annotations

import importlib.util
import json
import socket
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import fauxdata
from fauxdata.errors import FauxdataError
from fauxdata.introspect.api import ApiExtraction, read_api, safe_url
from fauxdata.introspect.json_schema_infer import plural, singular, snake, table_name
from fauxdata.introspect.suggest import suggest_spec
from tests.support.api_server import ApiServer, Reply, Seen, running, serving

TOKEN = "tok-5ecret-XYZ"
HR_SERVER = Path(__file__).parent.parent / "examples" / "hr_api" / "server.py"


@pytest.fixture
def api() -> Iterator[ApiServer]:
    """A live local HTTP server; each test sets its routes."""
    with serving() as server:
        yield server


def extract(server: ApiServer, body: Any, **kwargs: Any) -> ApiExtraction:
    server.routes["/employee"] = Reply(body)
    return read_api(server.url, ["/employee"], **kwargs)


RECORD = {"id": 7, "firstName": "Testa", "hireDate": "2020-02-03"}


@pytest.mark.parametrize(
    ("body", "path", "ignored"),
    [
        ({"data": [RECORD], "meta": {"total": 9}}, "data[0]", ["meta"]),
        (
            {"items": [RECORD], "total": 9, "next": "/employee?page=2"},
            "items[0]",
            ["total", "next"],
        ),
        ({"results": [RECORD], "count": 9, "previous": None}, "results[0]", ["count", "previous"]),
        ({"records": [RECORD], "offset": 0, "limit": 1}, "records[0]", ["offset", "limit"]),
        (
            {"content": [RECORD], "pageable": {"pageNumber": 0}, "totalElements": 9, "last": False},
            "content[0]",
            ["pageable", "totalElements", "last"],
        ),
        ({"@odata.context": "$metadata#x", "value": [RECORD]}, "value[0]", ["@odata.context"]),
        ([RECORD, {"id": 8}], "$[0]", []),
        (RECORD, "$", []),
        ({"employees": [RECORD], "_links": {"self": "x"}}, "employees[0]", ["_links"]),
        ({"staff": [RECORD], "page": 1, "pages": 3}, "staff[0]", ["page", "pages"]),
        ({"data": {"items": [RECORD], "total": 9}}, "data.items[0]", ["total"]),
        ({"data": RECORD}, "data", []),
    ],
)
def test_envelopes(api: ApiServer, body: Any, path: str, ignored: list[str]) -> None:
    found = extract(api, body)
    entity = found.entities["employees"]
    assert entity.record_path == path
    assert sorted(entity.ignored) == sorted(ignored)
    assert list(found.schema.tables["employees"].columns) == ["id", "first_name", "hire_date"]
    assert found.schema.tables["employees"].primary_key == ["id"]
    assert found.samples["employees"]["first_name"] == ["Testa"]  # only the first record


def test_a_record_with_a_data_field_is_not_an_envelope(api: ApiServer) -> None:
    found = extract(api, {"id": 1, "data": [{"k": 1}], "total": 3})
    assert found.entities["employees"].record_path == "$"
    assert "total" in found.schema.tables["employees"].columns
    assert "employees_data" in found.schema.tables


TYPED = {
    "id": 1,
    "externalRef": 9_000_000_000,
    "hireDate": "2020-02-29",
    "createdAt": "2024-01-02T03:04:05Z",
    "updatedAt": "2024-01-02T03:04:05.123+02:00",
    "lastLogin": "2024-01-02 03:04:05",
    "baseSalary": "5250.50",
    "bonus": 1234.5,
    "ratio": 0.123456789,
    "active": True,
    "verified": "false",
    "uuid": "123e4567-e89b-12d3-a456-426614174000",
    "status": "ACTIVE",
    "employmentType": "full_time",
    "payFrequency": "MONTHLY",
    "jobCategory": "see the note we wrote in May",
    "firstName": "Testa",
    "bio": "x" * 300,
    "motto": "y" * 120,
    "terminatedAt": None,
    "notes": None,
    "phone": "+31 6 0000 1234",
    "postalCode": "1011.11",
    "notADate": "2020-02-30",
    "tags": ["a", "b"],
    "approvedAt": "2024-01-02T03:04:05.123456789+02",
    "payPeriod": None,
    "contract": "C-2024-001",
}


def test_types(api: ApiServer) -> None:
    columns = extract(api, {"data": [TYPED]}).schema.tables["employees"].columns
    kinds = {name: c.type for name, c in columns.items()}
    assert kinds == {
        "id": "integer",
        "external_ref": "bigint",
        "hire_date": "date",
        "created_at": "timestamptz",
        "updated_at": "timestamptz",
        "last_login": "timestamp",
        "base_salary": "numeric",
        "bonus": "numeric",
        "ratio": "double",
        "active": "boolean",
        "verified": "boolean",
        "uuid": "uuid",
        "status": "enum",
        "employment_type": "enum",
        "pay_frequency": "enum",
        "job_category": "varchar",  # free text in an enum-named field is not a label
        "first_name": "varchar",
        "bio": "text",
        "motto": "varchar",
        "terminated_at": "timestamptz",
        "notes": "varchar",
        "phone": "varchar",
        "postal_code": "varchar",
        "not_a_date": "varchar",
        "tags": "jsonb",
        "approved_at": "timestamptz",
        "pay_period": "varchar",  # a null whose name is not money-like
        "contract": "varchar",  # an identifier, not a label
    }
    assert (columns["base_salary"].precision, columns["base_salary"].scale) == (12, 2)
    assert columns["bonus"].scale == 2
    # one value seen is one of several: the name's vocabulary widens it, in the value's style
    assert columns["status"].labels == ["ACTIVE", "INACTIVE", "ON_LEAVE", "TERMINATED"]
    assert columns["employment_type"].labels == ["full_time", "part_time", "contractor", "intern"]
    assert columns["first_name"].length == 50
    assert columns["motto"].length == 255
    assert columns["id"].nullable is False
    assert all(c.nullable for n, c in columns.items() if n != "id")
    assert "null" in (columns["terminated_at"].description or "")


def test_nested_objects_flatten_up_to_the_depth_then_stay_json(api: ApiServer) -> None:
    body = {"id": 1, "homeAddress": {"city": "X", "geo": {"lat": 1.5, "grid": {"cell": "A1"}}}}
    columns = extract(api, body).schema.tables["employees"].columns
    assert columns["home_address__city"].type == "varchar"
    assert columns["home_address__geo__lat"].type == "numeric"
    assert columns["home_address__geo__grid"].type == "jsonb"
    assert columns["home_address__city"].description == "JSON field homeAddress.city"
    flat = extract(api, body, separator=".", flatten_depth=1)
    assert set(flat.schema.tables["employees"].columns) == {
        "id",
        "home_address.city",
        "home_address.geo",
    }
    assert flat.entities["employees"].fields["homeAddress.geo"] == "home_address.geo"
    whole = extract(api, body, flatten_depth=0).schema.tables["employees"].columns
    assert whole["home_address"].type == "jsonb"


def test_arrays_of_objects_become_child_tables(api: ApiServer) -> None:
    body = {
        "data": [
            {
                "id": 42,
                "emails": [{"type": "WORK", "address": "a@example.com"}, {"type": "HOME"}],
                "contracts": [{"id": "C-1", "employeeId": 42, "start": "2020-01-01"}],
            }
        ]
    }
    found = extract(api, body)
    emails = found.schema.tables["employees_emails"]
    assert emails.primary_key == ["id"]
    assert emails.columns["id"].description == "synthetic key: not in the API"
    assert [(fk.columns, fk.parent, fk.parent_columns) for fk in emails.foreign_keys] == [
        (["employee_id"], "employees", ["id"])
    ]
    assert found.samples["employees_emails"]["employee_id"] == [42, 42]
    assert emails.columns["type"].labels == ["WORK", "HOME", "MOBILE"]  # the seen, then the family
    assert found.entities["employees_emails"].parent == "employees"
    assert found.entities["employees_emails"].record_path == "data[0].emails[]"
    contracts = found.schema.tables["employees_contracts"]
    assert contracts.primary_key == ["id"] and contracts.columns["id"].type == "varchar"
    assert [fk.columns for fk in contracts.foreign_keys] == [["employee_id"]]  # reused, not added
    assert list(contracts.columns).count("employee_id") == 1


def test_a_child_of_a_keyless_parent_gets_both_keys_synthetic(api: ApiServer) -> None:
    found = extract(api, {"name": "Testa", "phones": [{"number": "+31 6 0000 0001"}]})
    parent = found.schema.tables["employees"]
    assert parent.primary_key == ["id"] and "synthetic" in found.entities["employees"].key_reason
    assert found.schema.tables["employees_phones"].foreign_keys[0].parent_columns == ["id"]


def test_primary_key_heuristics(api: ApiServer) -> None:
    found = extract(api, {"employeeId": "E-1", "name": "Testa"})
    assert found.schema.tables["employees"].primary_key == ["employee_id"]
    assert found.entities["employees"].key_reason == "primary key employee_id: named employeeId"
    assert extract(api, {"code": "NL", "label": "x"}).schema.tables["employees"].primary_key == [
        "code"
    ]
    none = extract(api, {"name": "x", "active": True})
    assert none.schema.tables["employees"].primary_key == []


def test_foreign_keys_are_inferred_across_endpoints(api: ApiServer) -> None:
    api.routes["/api/v1/employee"] = Reply(
        {
            "data": [
                {
                    "id": 1,
                    "teamId": 5,
                    "company_id": 3,
                    "homeOfficeId": None,
                    "managerId": 9,
                    "badgeUuid": 4,
                }
            ]
        }
    )
    api.routes["/api/v1/teams"] = Reply({"items": [{"id": 5, "name": "Data"}]})
    api.routes["/api/v1/company"] = Reply([{"id": 3}])
    api.routes["/api/v1/offices"] = Reply([{"id": "OF-1"}])
    api.routes["/api/v1/badges"] = Reply([{"uuid": "123e4567-e89b-12d3-a456-426614174000"}])
    found = read_api(
        api.url + "/api/v1", ["/employee", "/teams", "/company", "/offices", "/badges"]
    )
    keys = {
        (k.table, k.column): (k.parent, k.parent_column, k.reason)
        for k in found.inferred_foreign_keys
    }
    assert keys == {
        ("employees", "team_id"): ("teams", "id", "name teamId -> teams.id"),
        ("employees", "company_id"): ("companies", "id", "name company_id -> companies.id"),
        ("employees", "home_office_id"): (
            "offices",
            "id",
            "name homeOfficeId -> offices.id (by its last word)",
        ),
        ("employees", "manager_id"): (
            "employees",
            "id",
            "name managerId -> employees.id (a self-reference: a tree)",
        ),
    }  # managerId: no managers table, so its own table; badgeUuid: an integer cannot hold a uuid
    employees = found.schema.tables["employees"]
    assert {fk.columns[0]: fk.parent for fk in employees.foreign_keys} == {
        "team_id": "teams",
        "company_id": "companies",
        "home_office_id": "offices",
        "manager_id": "employees",
    }
    assert employees.columns["home_office_id"].type == "varchar"  # null sample: the key's type


def test_asks_for_one_record_with_the_bearer_token(api: ApiServer) -> None:
    extract(api, [RECORD], token=TOKEN, headers={"X-Tenant": "demo"})
    seen = api.requests[-1]
    assert seen.query == {"limit": "1"}
    assert seen.headers["authorization"] == f"Bearer {TOKEN}"
    assert seen.headers["accept"] == "application/json"
    assert seen.headers["x-tenant"] == "demo"
    extract(api, [RECORD])
    assert "authorization" not in api.requests[-1].headers


@pytest.mark.parametrize(
    ("params", "sent"),
    [
        ({"limit": "5"}, {"limit": "5"}),
        ({"per_page": "1"}, {"per_page": "1"}),
        ({"page_size": "2"}, {"page_size": "2"}),
        ({"status": "active"}, {"limit": "1", "status": "active"}),
    ],
)
def test_a_user_param_wins(api: ApiServer, params: dict[str, str], sent: dict[str, str]) -> None:
    extract(api, [RECORD], params=params)
    assert api.requests[-1].query == sent


def test_base_url_query_and_credentials_are_sent_but_never_shown(api: ApiServer) -> None:
    api.routes["/v1/employee"] = Reply([RECORD])
    base = api.url.replace("http://", "http://svc:pa55word@") + "/v1?api_key=K3Y-value&region=eu"
    found = read_api(base, ["/employee"])
    seen = api.requests[-1]
    assert seen.query == {"api_key": "K3Y-value", "region": "eu", "limit": "1"}
    assert seen.headers["authorization"].startswith("Basic ")
    assert found.schema.url == api.url + "/v1?region=eu"
    assert found.schema.dialect == "rest" and found.schema.schema is None
    assert safe_url("https://u:p@h.example/x?token=t&a=1") == "https://h.example/x?a=1"


def _error(server: ApiServer, reply: Reply, **kwargs: Any) -> FauxdataError:
    server.routes["/employee"] = reply
    with pytest.raises(FauxdataError) as caught:
        read_api(server.url, ["/employee"], token=TOKEN, **kwargs)
    error = caught.value
    for text in (str(error), error.message, error.hint, error.path, repr(error.args)):
        assert TOKEN not in text
    assert error.path == "--endpoint /employee"
    return error


@pytest.mark.parametrize("status", [401, 403])
def test_refused_credentials_say_check_the_token(api: ApiServer, status: int) -> None:
    error = _error(api, Reply({"error": f"bad token {TOKEN}"}, status=status))
    assert f"HTTP {status}" in error.message
    assert error.hint == "the API refused the credentials: check the token (--token env:VAR)"


def test_not_found_names_the_url(api: ApiServer) -> None:
    error = _error(api, Reply({}, status=404), params={"access_token": TOKEN, "q": "1"})
    assert error.message == f"endpoint not found: HTTP 404 from {api.url}/employee?limit=1&q=1"


def test_server_error_gives_status_and_reason(api: ApiServer) -> None:
    error = _error(api, Reply({"trace": "boom"}, status=500))
    assert error.message == f"HTTP 500 Internal Server Error from {api.url}/employee?limit=1"
    assert "boom" not in str(error)


def test_timeout(api: ApiServer) -> None:
    error = _error(api, Reply([RECORD], delay=2.0), timeout=0.5)
    assert error.message.startswith("no answer within 0.5 s from ")
    assert error.code == "timeout"


def test_connection_refused() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again before the request: nobody listens
    with pytest.raises(FauxdataError) as caught:
        read_api(f"http://127.0.0.1:{port}", ["/employee"], token=TOKEN, timeout=2)
    assert "connection refused" in caught.value.message
    assert TOKEN not in str(caught.value)


def test_an_html_page_is_not_json_and_its_content_is_not_shown(api: ApiServer) -> None:
    page = b"<html><body>Sign in. Hello Testa Voorbeeld, BSN 111222333</body></html>"
    error = _error(api, Reply(page, content_type="text/html; charset=utf-8"))
    assert error.message == (
        f"expected JSON from {api.url}/employee?limit=1, got text/html ({len(page)} bytes)"
    )
    assert "login" in error.hint
    assert "Voorbeeld" not in str(error) and "111222333" not in str(error)


def test_an_empty_list_cannot_be_inferred_from(api: ApiServer) -> None:
    error = _error(api, Reply({"data": [], "meta": {"total": 0}}))
    assert error.message == "the endpoint returned no records; fauxdata needs one to infer fields"


def test_a_list_of_scalars_is_refused(api: ApiServer) -> None:
    assert "list of int" in _error(api, Reply([1, 2])).message


def test_nothing_is_written(
    api: ApiServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    extract(api, {"data": [TYPED]})
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("endpoint", "name"),
    [
        ("/employee", "employees"),
        ("/api/v1/compensation", "compensation"),
        ("/companies/{id}/office", "offices"),
        ("/v2/people/", "people"),
        ("/payrollRuns", "payroll_runs"),
        ("/address", "addresses"),
        ("/category", "categories"),
    ],
)
def test_table_names(endpoint: str, name: str) -> None:
    assert table_name(endpoint) == name


def test_singular_and_snake() -> None:
    assert [
        singular(w) for w in ("teams", "companies", "offices", "addresses", "compensation")
    ] == [
        "team",
        "company",
        "office",
        "address",
        "compensation",
    ]
    assert plural("person") == "people"
    assert [snake(w) for w in ("employeeID", "homeAddress", "_id", "2fa")] == [
        "employee_id",
        "home_address",
        "id",
        "f_2fa",
    ]


def _hr_example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("hr_api_server", HR_SERVER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


HR_ENDPOINTS = ["/employee", "/compensation", "/departments", "/offices", "/teams"]


def test_hr_example_end_to_end() -> None:
    """Extract the fake HR API, suggest a spec, generate it: every foreign key resolves."""
    hr = _hr_example()
    with running(hr.make_server(0, TOKEN)) as url:
        with pytest.raises(FauxdataError, match="check the token"):
            read_api(url, ["/employee"])
        found = read_api(url, HR_ENDPOINTS, token=TOKEN)
    tables = found.schema.tables
    assert set(tables) == {*(table_name(e) for e in HR_ENDPOINTS), "employees_emails"}
    assert {(k.table, k.column, k.parent) for k in found.inferred_foreign_keys} == {
        ("employees", "department_id", "departments"),
        ("employees", "team_id", "teams"),
        ("employees", "office_id", "offices"),
        ("teams", "department_id", "departments"),
        ("teams", "office_id", "offices"),
        ("compensation", "employee_id", "employees"),
        ("employees", "manager_id", "employees"),  # a self-reference by its name
    }
    assert tables["compensation"].columns["base_salary"].type == "numeric"
    assert tables["compensation"].columns["pay_frequency"].labels[0] == "MONTHLY"  # then widened
    assert found.samples["employees"]["national_id"] == ["111222333"]  # in memory for the scanner

    result = fauxdata.generate(suggest_spec(found.schema, rows=10, name="hr"))
    assert result.report is not None and result.report.passed
    frames = result.frames
    for table in tables.values():
        for fk in table.foreign_keys:
            child = set(frames[table.name][fk.columns[0]].drop_nulls().to_list())
            parent = set(frames[fk.parent][fk.parent_columns[0]].to_list())
            assert child and child <= parent, f"{table.name}.{fk.columns[0]}"


def test_hr_example_honours_limit_and_holds_valid_fake_identifiers() -> None:
    hr = _hr_example()
    with running(hr.make_server(0, None)) as url:
        found = read_api(url, ["/employee"], params={"limit": "3"})
        with urllib.request.urlopen(f"{url}/teams?limit=2&page=2", timeout=5) as response:
            page = json.loads(response.read())
    assert found.samples["employees"]["id"] == [1001]  # the first of three records only
    assert [t["id"] for t in page["data"]] == [200, 201]
    assert page["meta"] == {"page": 2, "limit": 2, "total": 5}
    for person in hr.employees():
        digits = [int(c) for c in person["nationalId"]]
        assert (sum(d * (9 - i) for i, d in enumerate(digits[:8])) - digits[8]) % 11 == 0
        iban = person["iban"]
        assert int("".join(str(int(c, 36)) for c in iban[4:] + iban[:4])) % 97 == 1
        assert person["email"].endswith("@example.com") and "TEST" in iban


def test_routes_can_answer_from_the_request(api: ApiServer) -> None:
    def echo(seen: Seen) -> Reply:
        return Reply([{"id": 1, "got": seen.query.get("limit")}])

    api.routes["/things"] = echo
    found = read_api(api.url, ["/things"])
    assert found.samples["things"]["got"] == ["1"]
    assert [r.path for r in api.requests] == ["/things"]


def test_the_token_follows_a_redirect_only_on_the_same_origin(api: ApiServer) -> None:
    api.routes["/employee"] = Reply(b"", status=301, headers={"Location": "/employee/"})
    api.routes["/employee/"] = Reply([RECORD])
    read_api(api.url, ["/employee"], token=TOKEN, headers={"X-Api-Key": "k-123"})
    assert api.requests[-1].path == "/employee/"
    assert api.requests[-1].headers["authorization"] == f"Bearer {TOKEN}"
    assert api.requests[-1].headers["x-api-key"] == "k-123"
    with serving({"/login": Reply([RECORD])}) as other:
        api.routes["/employee"] = Reply(b"", status=302, headers={"Location": other.url + "/login"})
        read_api(api.url, ["/employee"], token=TOKEN, headers={"X-Api-Key": "k-123"})
        assert "authorization" not in other.requests[-1].headers
        assert "x-api-key" not in other.requests[-1].headers


def test_an_endpoint_may_carry_its_own_query(api: ApiServer) -> None:
    api.routes["/v1/employee"] = Reply([RECORD])
    read_api(api.url + "/v1/?tenant=t1", ["employee?fields=all"])
    assert api.requests[-1].path == "/v1/employee"
    assert api.requests[-1].query == {"tenant": "t1", "fields": "all", "limit": "1"}


def test_a_token_http_cannot_carry_is_refused_without_quoting_it(api: ApiServer) -> None:
    bad = TOKEN + "\nX-Injected: 1"
    api.routes["/employee"] = Reply([RECORD])
    with pytest.raises(FauxdataError) as caught:
        read_api(api.url, ["/employee"], token=bad)
    assert "characters HTTP does not allow" in caught.value.message
    assert TOKEN not in str(caught.value) and not api.requests


def _paged(items: list[dict[str, Any]], cap: int, link: str) -> Any:
    """A route serving ``cap`` records a page whatever ``limit`` asks, with a next link."""

    def answer(seen: Seen) -> Reply:
        page = int(seen.query.get("page", "1"))
        chunk = items[(page - 1) * cap : page * cap]
        more = page * cap < len(items)
        return Reply({"data": chunk, "links": {"next": link.format(page + 1) if more else None}})

    return answer


def test_samples_n_records_following_next_links(api: ApiServer) -> None:
    people = [
        {"id": i, "status": "ACTIVE" if i % 3 else "LEFT", "nickname": None if i % 2 else "x"}
        for i in range(1, 31)
    ]
    api.routes["/employee"] = _paged(people, 5, "/employee?page={}")
    found = read_api(api.url, ["/employee"], records=12)
    asked = [r.query for r in api.requests]
    assert asked == [{"limit": "12"}, {"page": "2"}, {"page": "3"}]
    samples = found.samples["employees"]
    assert samples["id"] == list(range(1, 13))  # 12 records, no more, from three pages
    assert set(samples["status"]) == {"ACTIVE", "LEFT"}
    assert found.schema.tables["employees"].columns["nickname"].nullable

    api.requests.clear()
    api.routes["/employee"] = _paged(people, 1, "/employee?page={}")
    found = read_api(api.url, ["/employee"], records=100)
    assert len(api.requests) == 10 and len(found.samples["employees"]["id"]) == 10  # MAX_PAGES


def test_a_next_link_to_another_host_is_not_followed(api: ApiServer) -> None:
    people = [{"id": i} for i in range(1, 11)]
    api.routes["/employee"] = _paged(people, 5, "https://elsewhere.example/employee?page={}")
    found = read_api(api.url, ["/employee"], records=10, token=TOKEN)
    assert len(api.requests) == 1 and found.samples["employees"]["id"] == [1, 2, 3, 4, 5]


def test_an_api_ignoring_limit_gives_at_most_n_records(api: ApiServer) -> None:
    found = extract(api, {"items": [{"id": i} for i in range(50)]}, records=7)
    assert found.samples["employees"]["id"] == list(range(7))
