"""``alexis``: the source of the command document's example run, as a repository holds it.

A fake HR REST API with five entities (employees, departments, offices, teams, leaves),
served for real on a loopback port: bearer token, ``{"data": [...], "links": {"next"}}``
envelopes, pages of at most five records whatever ``limit`` asks (so sampling has to
follow the next links). Every value is invented. ``repository`` lays out the document's
repository: ``projects/people/docs/sources/alexis.md`` naming the base URL, the token
reference and the endpoints, and a root ``fauxdata.yaml`` saying this is dev.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.support.api_server import ApiServer, Reply, Route, Seen

TOKEN = "alexis-test-token-5b1e"
PAGE_CAP = 5
ENTITIES = ("employees", "departments", "offices", "teams", "leaves")

_FIRST = ["Ilse", "Joran", "Maud", "Teun", "Fenna", "Stijn", "Lotte", "Daan", "Noor", "Bram",
          "Evi", "Sem"]  # fmt: skip
_LAST = ["Verzonnen", "Bedacht", "Nepstra", "Fictiema", "Proefhuis", "Testerink", "Mockveld",
         "Dummel", "Placeman", "Voorbeek", "Schijnsma", "Namaakx"]  # fmt: skip


def records() -> dict[str, list[dict[str, Any]]]:
    """Path -> records, fixed and fake."""
    employees = [
        {
            "id": 7001 + i,
            "firstName": first,
            "lastName": last,
            "workEmail": f"{first}.{last}@alexis-example.test".lower(),
            "title": ["Engineer", "Recruiter", "Controller", "Analyst"][i % 4],
            "employmentType": ["FULL_TIME", "PART_TIME", "FULL_TIME", "CONTRACTOR"][i % 4],
            "departmentId": 10 * (1 + i % 3),
            "officeId": 1 + i % 2,
            "teamId": 100 + i % 4,
            "managerId": None if i == 0 else 7001,
            "hireDate": f"20{10 + i}-0{1 + i % 9}-01",
            "createdAt": f"2023-0{1 + i % 9}-1{i % 10}T08:00:00Z",
            "updatedAt": f"2024-0{1 + i % 9}-2{i % 10}T17:30:00Z",
        }
        for i, (first, last) in enumerate(zip(_FIRST, _LAST, strict=True))
    ]
    departments = [
        {"id": 10, "name": "Engineering", "costCenter": "CC-ENG-01"},
        {"id": 20, "name": "Finance", "costCenter": "CC-FIN-02"},
        {"id": 30, "name": "People", "costCenter": "CC-PPL-03"},
    ]
    offices = [
        {"id": 1, "name": "Canal House", "city": "Zwolle", "countryCode": "NL"},
        {"id": 2, "name": "Dune Office", "city": "Haarlem", "countryCode": "NL"},
    ]
    teams = [
        {"id": 100 + i, "name": name, "departmentId": 10 * (1 + i % 3)}
        for i, name in enumerate(["Core", "Growth", "Ledger", "Talent"])
    ]
    leaves = [
        {
            "id": 9001 + i,
            "employeeId": 7001 + (i * 5) % 12,
            "leaveType": ["VACATION", "SICK", "PARENTAL"][i % 3],
            "startDate": f"2024-0{1 + i % 9}-0{1 + i % 9}",
            "endDate": f"2024-0{1 + i % 9}-1{1 + i % 9}",
            "status": ["APPROVED", "PENDING"][i % 2],
        }
        for i in range(8)
    ]
    return {
        "/v1/employees": employees,
        "/v1/departments": departments,
        "/v1/offices": offices,
        "/v1/teams": teams,
        "/v1/leaves": leaves,
    }


def _route(path: str, items: list[dict[str, Any]]) -> Route:
    def answer(seen: Seen) -> Reply:
        if seen.headers.get("authorization") != f"Bearer {TOKEN}":
            return Reply({"error": "unauthorized"}, status=401)
        limit = min(PAGE_CAP, max(1, int(seen.query.get("limit", "25"))))
        page = max(1, int(seen.query.get("page", "1")))
        chunk = items[(page - 1) * limit : page * limit]
        more = page * limit < len(items)
        nxt = f"{path}?page={page + 1}&limit={limit}" if more else None
        return Reply({"data": chunk, "links": {"next": nxt}, "meta": {"total": len(items)}})

    return answer


def server() -> ApiServer:
    """The fake Alexis API, not started."""
    return ApiServer({path: _route(path, items) for path, items in records().items()})


def repository(root: Path, url: str, project: str = "people") -> Path:
    """A repository with ``projects/<project>/docs/sources/alexis.md``; returns ``root``."""
    docs = root / "projects" / project / "docs" / "sources"
    docs.mkdir(parents=True)
    (docs / "alexis.md").write_text(
        "# Alexis HR\n\n"
        "The HR system of record. Read-only API user for metadata extraction.\n\n"
        f"- **Base URL:** `{url}/v1`\n"
        "- **Token:** `env:ALEXIS_API_TOKEN`\n\n"
        "## Endpoints\n\n" + "".join(f"- `GET /{name}`\n" for name in ENTITIES)
    )
    (root / "fauxdata.yaml").write_text("environment: dev\n")
    return root
