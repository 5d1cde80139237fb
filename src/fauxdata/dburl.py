"""Database URLs checked before connecting: a port that is a number, a driver installed.

SQLAlchemy finds both only when it connects, as a ``ValueError`` or a missing module;
here they are a ``TargetError`` naming the flag, what was found and what to do
(``pip install 'fauxdata[mysql]'``). Messages never echo the URL, which may hold a
password.
"""

from __future__ import annotations

import importlib.util

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from fauxdata.errors import TargetError

_MYSQL = ("mysql", "mariadb")
_INSTALL = {
    "mysql": "pip install 'fauxdata[mysql]'",
    "mariadb": "pip install 'fauxdata[mysql]'",
    "postgresql": "pip install 'psycopg[binary]'",
    "mssql": "pip install pyodbc",
    "oracle": "pip install oracledb",
}


def database_url(text: str, flag: str) -> URL:
    """Parse a database URL; a MySQL/MariaDB URL without a driver gets PyMySQL when
    that is what is installed.

    Raises:
        TargetError: not a URL, a port that is not a number, or no driver installed.
    """
    try:
        url = make_url(text)
    except ArgumentError:
        raise TargetError(
            "not a database URL", path=flag, hint="e.g. postgresql://me@localhost:5432/dev"
        ) from None
    except ValueError:
        raise TargetError(
            f"the port of the database URL is not a number; found '{_port(text)}'",
            path=flag,
            hint="e.g. postgresql://me@localhost:5432/dev",
        ) from None
    backend = url.get_backend_name()
    if backend == "duckdb":  # read by DuckDB itself, no SQLAlchemy dialect involved
        return url
    if (
        backend in _MYSQL
        and "+" not in url.drivername
        and importlib.util.find_spec("MySQLdb") is None
        and importlib.util.find_spec("pymysql")
    ):
        url = url.set(drivername=f"{backend}+pymysql")
    try:
        url.get_dialect().import_dbapi()
    except NoSuchModuleError:
        raise TargetError(
            f"unknown database driver '{url.drivername}'",
            path=flag,
            hint="e.g. postgresql://, mysql+pymysql://, sqlite:///FILE",
        ) from None
    except ImportError as exc:
        raise TargetError(
            f"the {backend} driver is not installed (no module '{exc.name}')",
            path=flag,
            hint=f"install it: {_INSTALL.get(backend, f'pip install {exc.name}')}",
        ) from None
    return url


def _port(text: str) -> str:
    """The port part of a URL's host, without user or password."""
    host = text.partition("://")[2].partition("/")[0].rpartition("@")[2]
    return host.rpartition(":")[2]
