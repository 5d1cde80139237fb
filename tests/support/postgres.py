"""A real PostgreSQL server for the tests: initdb and pg_ctl on a loopback port.

The binaries come from the machine (Debian's postgresql package; scripts/test installs it
when missing). Running as root, the server runs as the ``postgres`` user, as PostgreSQL
refuses root. Nothing is mocked: the tests talk to this server over TCP.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def binaries() -> Path:
    """The folder holding initdb and pg_ctl.

    Raises:
        RuntimeError: PostgreSQL is not installed.
    """
    found = shutil.which("initdb")
    if found:
        return Path(os.path.realpath(found)).parent
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if candidates:
        return Path(candidates[-1]).parent
    raise RuntimeError(
        "PostgreSQL server binaries not found (initdb); scripts/test installs Debian's postgresql package"
    )


def require_postgis() -> None:
    """Fail with what to install when the server's PostgreSQL lacks PostGIS (Debian's
    postgresql-N-postgis-3 for the same major, which scripts/test installs).

    Raises:
        RuntimeError: PostGIS's control file is not where the server looks.
    """
    major = binaries().parent.name  # /usr/lib/postgresql/15/bin -> 15
    if not (Path("/usr/share/postgresql") / major / "extension" / "postgis.control").exists():
        raise RuntimeError(
            f"PostgreSQL {major} has no PostGIS; scripts/test installs Debian's "
            f"postgresql-{major}-postgis-3 package"
        )


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_server_user(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", "postgres", "--", *command]


@contextmanager
def running_server(folder: Path) -> Iterator[str]:
    """Start a throwaway server in ``folder``; yields its admin URL (trust auth on loopback)."""
    bin_dir = binaries()
    data, sockets = folder / "data", folder / "sock"
    data.mkdir(parents=True)
    sockets.mkdir()
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")
        for path in (folder, data, sockets):
            os.chown(path, user.pw_uid, user.pw_gid)
    subprocess.run(
        _as_server_user(
            [
                str(bin_dir / "initdb"),
                "-D",
                str(data),
                "-U",
                "fauxdata",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C",
            ]
        ),
        check=True,
        capture_output=True,
    )
    port = free_port()
    log = folder / "server.log"
    options = f"-p {port} -k {sockets} -h 127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    start = subprocess.run(
        _as_server_user(
            [
                str(bin_dir / "pg_ctl"),
                "-D",
                str(data),
                "-o",
                options,
                "-l",
                str(log),
                "-w",
                "-t",
                "60",
                "start",
            ]
        ),
        capture_output=True,
        text=True,
        check=False,
    )
    if start.returncode != 0:
        raise RuntimeError(
            f"PostgreSQL did not start: {start.stderr}\n{log.read_text() if log.exists() else ''}"
        )
    try:
        url = f"postgresql://fauxdata@127.0.0.1:{port}/postgres"
        _wait(url)
        yield url
    finally:
        subprocess.run(
            _as_server_user([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
            capture_output=True,
            check=False,
        )


def _wait(url: str) -> None:
    import psycopg

    deadline = time.monotonic() + 30
    while True:
        try:
            with psycopg.connect(url, connect_timeout=2):
                return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def create_database(admin_url: str, name: str) -> str:
    """A fresh database on the server; returns its URL."""
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as con:
        con.execute(f'DROP DATABASE IF EXISTS "{name}"')
        con.execute(f'CREATE DATABASE "{name}"')
    return admin_url.rsplit("/", 1)[0] + f"/{name}"
