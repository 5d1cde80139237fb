"""A real MariaDB server for the tests: mariadb-install-db and mariadbd on a loopback port.

The binaries come from the machine (Debian's mariadb-server package; scripts/test installs
it when missing). Running as root, the server runs as the ``mysql`` user. Its data folder,
socket and log live in a temporary folder; nothing is mocked: the tests talk to this
server over TCP with PyMySQL.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.support.postgres import free_port


def _binary(name: str) -> str:
    found = shutil.which(name) or next(
        (str(p) for p in (Path("/usr/sbin") / name, Path("/usr/bin") / name) if p.exists()), None
    )
    if found is None:
        raise RuntimeError(
            f"MariaDB server binaries not found ({name}); scripts/test installs Debian's mariadb-server package"
        )
    return found


@contextmanager
def running_server(folder: Path) -> Iterator[str]:
    """Start a throwaway server in ``folder``; yields its admin URL (root, no password)."""
    data = folder / "data"
    data.mkdir(parents=True)
    user = "mysql" if os.geteuid() == 0 else pwd.getpwuid(os.geteuid()).pw_name
    if os.geteuid() == 0:
        entry = pwd.getpwnam("mysql")
        for path in (folder, data):
            os.chown(path, entry.pw_uid, entry.pw_gid)
    install = subprocess.run(
        [
            _binary("mariadb-install-db"),
            f"--datadir={data}",
            f"--user={user}",
            "--auth-root-authentication-method=normal",
            "--skip-test-db",
            "--skip-name-resolve",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if install.returncode != 0:
        raise RuntimeError(f"mariadb-install-db failed: {install.stderr}")
    port = free_port()
    log = folder / "server.log"
    server = subprocess.Popen(
        [
            _binary("mariadbd"),
            "--no-defaults",
            f"--datadir={data}",
            f"--socket={folder / 'mysqld.sock'}",
            f"--pid-file={folder / 'mysqld.pid'}",
            f"--log-error={log}",
            f"--user={user}",
            f"--port={port}",
            "--bind-address=127.0.0.1",
            "--skip-name-resolve",
            "--local-infile=1",
            "--innodb-flush-log-at-trx-commit=0",
            "--innodb-doublewrite=0",
            "--innodb-buffer-pool-size=64M",
            "--character-set-server=utf8mb4",
            "--collation-server=utf8mb4_unicode_ci",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"mysql+pymysql://root@127.0.0.1:{port}/mysql"
        _wait(port, server, log)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _wait(port: int, server: subprocess.Popen[bytes], log: Path) -> None:
    import pymysql

    deadline = time.monotonic() + 60
    while True:
        try:
            pymysql.connect(host="127.0.0.1", port=port, user="root", connect_timeout=2).close()
            return
        except pymysql.err.OperationalError:
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    f"MariaDB did not start: {log.read_text() if log.exists() else ''}"
                ) from None
            time.sleep(0.2)


def create_database(admin_url: str, name: str) -> str:
    """A fresh database on the server; returns its URL."""
    from sqlalchemy.engine import make_url

    url = make_url(admin_url)
    with connect(admin_url) as con, con.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS `{name}`")
        cursor.execute(f"CREATE DATABASE `{name}`")
    return url.set(database=name).render_as_string(hide_password=False)


def connect(url_text: str, **options: object):  # type: ignore[no-untyped-def]
    """A PyMySQL connection to the URL's database (autocommit unless ``options`` say)."""
    import pymysql
    from sqlalchemy.engine import make_url

    url = make_url(url_text)
    settings: dict[str, object] = {
        "autocommit": True,
        "client_flag": pymysql.constants.CLIENT.MULTI_STATEMENTS,
        **options,
    }
    return pymysql.connect(
        host=url.host,
        port=url.port or 3306,
        user=url.username,
        database=url.database,
        **settings,  # type: ignore[arg-type]
    )
