"""A small mock HR REST API: the "source" the fauxdata REST workflow extracts from.

It answers like an HR SaaS does (``{"data": [...], "meta": {...}, "links": {...}}``,
camelCase fields, a nested ``homeAddress``, an ``emails`` array per employee) with a few
fixed, made-up people. Every value is fake on purpose: names are invented, emails use
example.com, BSNs pass the 11-test and IBANs the mod-97 check but use the bank code
``TEST``. Standard library only, so it runs anywhere Python does::

    python examples/hr_api/server.py --port 8765 [--token T]

With ``--token`` every request needs ``Authorization: Bearer T``; without, it is open.
``limit`` (default 25) and ``page`` are honoured. Tests import ``make_server``.
"""

from __future__ import annotations

import argparse
import hmac
import json
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

_PEOPLE = [
    # id, first, last, born, bsn, iban, street, city, postcode, dept, team, office
    (1001, "Testa", "Voorbeeld", "1984-03-12", "111222333", "NL42TEST1234567890",
     "Proefstraat 1", "Amsterdam", "1011 AA", 10, 100, 1),
    (1002, "Fictief", "de Nepper", "1991-11-30", "123456782", "NL24TEST1000000001",
     "Dummylaan 22", "Utrecht", "3511 ZZ", 10, 101, 2),
    (1003, "Mocky", "Jansen-Fake", "1978-07-04", "999990019", "NL94TEST1000000002",
     "Nepweg 3", "Rotterdam", "3011 AB", 20, 200, 3),
    (1004, "Sample", "van Placeholder", "1999-01-21", "999990020", "NL67TEST1000000003",
     "Testplein 44", "Amsterdam", "1012 BC", 20, 201, 1),
    (1005, "Demo", "Persoon", "1969-09-09", "999990032", "NL40TEST1000000004",
     "Voorbeeldkade 5", "Eindhoven", "5611 CD", 30, 300, 2),
]  # fmt: skip
_TYPES = ["FULL_TIME", "FULL_TIME", "PART_TIME", "CONTRACTOR", "FULL_TIME"]


def employees() -> list[dict[str, Any]]:
    """The fixed fake employees, shaped like an HR SaaS's employee resource."""
    out = []
    for i, (pid, first, last, born, bsn, iban, street, city, post, dept, team, office) in enumerate(
        _PEOPLE
    ):
        login = f"{first}.{last}".lower().replace(" ", "")
        out.append(
            {
                "id": pid,
                "firstName": first,
                "lastName": last,
                "email": f"{login}@example.com",
                "phone": f"+31 6 0000 {pid:04d}",
                "dateOfBirth": born,
                "nationalId": bsn,
                "iban": iban,
                "homeAddress": {
                    "street": street,
                    "city": city,
                    "postalCode": post,
                    "country": "NL",
                },
                "jobTitle": ["Data Engineer", "Recruiter", "Controller", "Analyst", "Lead"][i],
                "employmentType": _TYPES[i],
                "status": "ACTIVE" if i != 3 else "ON_LEAVE",
                "hireDate": f"20{15 + i}-0{1 + i}-01",
                "departmentId": dept,
                "teamId": team,
                "officeId": office,
                "managerId": None if i == 0 else 1001,
                "isRemote": i % 2 == 1,
                "createdAt": f"2023-0{1 + i}-15T09:30:00Z",
                "updatedAt": f"2024-0{1 + i}-02T16:45:12.250+01:00",
                "emails": [
                    {"type": "WORK", "address": f"{login}@example.com", "primary": True},
                    {"type": "PERSONAL", "address": f"{login}@example.org", "primary": False},
                ],
            }
        )
    return out


def compensation() -> list[dict[str, Any]]:
    """One current pay record per fake employee; amounts are decimal strings, as APIs send money."""
    return [
        {
            "id": 5000 + i,
            "employeeId": person[0],
            "baseSalary": f"{3650 + 425 * i}.50",
            "currency": "EUR",
            "bonusPct": [7.5, 5.0, 10.0, 0.0, 12.5][i],
            "payFrequency": "MONTHLY",
            "effectiveDate": f"2024-0{1 + i}-01",
        }
        for i, person in enumerate(_PEOPLE)
    ]


DEPARTMENTS = [
    {"id": 10, "name": "Engineering", "code": "ENG", "costCenter": "CC-1000"},
    {"id": 20, "name": "Finance", "code": "FIN", "costCenter": "CC-2000"},
    {"id": 30, "name": "People", "code": "PPL", "costCenter": "CC-3000"},
]
OFFICES = [
    {"id": 1, "name": "HQ Test", "city": "Amsterdam", "country": "NL", "timezone": "Europe/Amsterdam", "openedOn": "2012-04-01"},
    {"id": 2, "name": "Mock Hub", "city": "Utrecht", "country": "NL", "timezone": "Europe/Amsterdam", "openedOn": "2018-09-15"},
    {"id": 3, "name": "Fake Port", "city": "Rotterdam", "country": "NL", "timezone": "Europe/Amsterdam", "openedOn": "2021-02-01"},
]  # fmt: skip
TEAMS = [
    {"id": 100, "name": "Platform", "departmentId": 10, "officeId": 1},
    {"id": 101, "name": "Data", "departmentId": 10, "officeId": 2},
    {"id": 200, "name": "Controlling", "departmentId": 20, "officeId": 3},
    {"id": 201, "name": "Treasury", "departmentId": 20, "officeId": 1},
    {"id": 300, "name": "Talent", "departmentId": 30, "officeId": 2},
]


def resources() -> dict[str, list[dict[str, Any]]]:
    """Path -> records."""
    return {
        "/employee": employees(),
        "/compensation": compensation(),
        "/departments": DEPARTMENTS,
        "/offices": OFFICES,
        "/teams": TEAMS,
    }


def make_server(port: int = 8765, token: str | None = None) -> ThreadingHTTPServer:
    """A server for the fake HR API on 127.0.0.1:``port`` (0 picks a free port), not started."""
    data = resources()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parts = urllib.parse.urlsplit(self.path)
            query = dict(urllib.parse.parse_qsl(parts.query))
            path = parts.path.rstrip("/") or "/"
            if token is not None and not hmac.compare_digest(
                self.headers.get("Authorization", ""), f"Bearer {token}"
            ):
                self._send(401, {"error": "unauthorized", "message": "missing or bad token"})
                return
            if path not in data:
                self._send(404, {"error": "not_found", "paths": sorted(data)})
                return
            try:
                limit = max(1, min(100, int(query.get("limit", "25"))))
                page = max(1, int(query.get("page", "1")))
            except ValueError:
                self._send(400, {"error": "bad_request", "message": "limit and page are numbers"})
                return
            records = data[path]
            chunk = records[(page - 1) * limit : page * limit]
            more = page * limit < len(records)
            self._send(
                200,
                {
                    "data": chunk,
                    "meta": {"page": page, "limit": limit, "total": len(records)},
                    "links": {"next": f"{path}?page={page + 1}&limit={limit}" if more else None},
                },
            )

        def _send(self, status: int, body: Any) -> None:
            raw = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return ThreadingHTTPServer(("127.0.0.1", port), Handler)


def main() -> None:
    parser = argparse.ArgumentParser(description="A mock HR REST API with made-up people.")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--token", default=None, help="require Authorization: Bearer TOKEN")
    args = parser.parse_args()
    server = make_server(args.port, args.token)
    host, port = server.server_address[:2]
    auth = "a bearer token required" if args.token else "open, no token"
    print(
        f"fake HR API on http://{host!s}:{port} ({auth}); endpoints: {', '.join(resources())}",
        flush=True,
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
