"""fauxdata mask end to end: real DuckDB, Parquet, CSV, SQLite and PostgreSQL sources.

The done-when scenario of issue 16: PII spread over three tables, an account_number
shared by two, masked with no source PII value left, every join intact, the same
account number mapped alike in every table and run, FPE keeping format and length,
subsets whose foreign keys resolve, and a column added after init stopping the run.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import duckdb
import polars as pl
import pytest

from fauxdata import audit
from fauxdata.errors import FauxdataError, SpecError, TargetError
from fauxdata.guard import GuardError
from fauxdata.mask.workflow import LeakError, mask
from tests.support.bank import (
    BANK_SPEC,
    bank_duckdb,
    bank_files,
    bank_mariadb,
    bank_postgres,
    bank_sqlite,
)
from tests.support.cli import fauxdata
from tests.support.mariadb import create_database as maria_database
from tests.support.postgres import create_database

KEY = "correct-horse-battery-staple-42"
OTHER_KEY = "another-secret-entirely-0987"
PII = {
    "customers": ["full_name", "email", "phone"],
    "accounts": ["account_number", "iban"],
    "transactions": ["account_number"],
}
SHIFTED = {"customers": "birth_date", "accounts": "opened_on", "transactions": "booked_at"}
"""Dates stay dates: another row may hold the same day, but no row keeps its own."""


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MASK_KEY", KEY)
    monkeypatch.setenv("OTHER_KEY", OTHER_KEY)


@pytest.fixture
def spec(tmp_path: Path) -> Path:
    path = tmp_path / "bank.yaml"
    path.write_text(BANK_SPEC)
    return path


def _read(folder: Path, table: str) -> pl.DataFrame:
    return pl.read_parquet(folder / f"{table}.parquet")


def _source(path: Path, table: str) -> pl.DataFrame:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return pl.from_arrow(con.sql(f"SELECT * FROM {table}").to_arrow_table())  # type: ignore[return-value]
    finally:
        con.close()


def _shape(text: str) -> str:
    return re.sub(r"[a-z]", "a", re.sub(r"[A-Z]", "A", re.sub(r"\d", "9", text)))


def _check_masked(source: dict[str, pl.DataFrame], out: Path) -> None:
    """No source PII anywhere in its masked column; joins, formats and the shared
    account number mapping hold."""
    for table, columns in PII.items():
        masked = _read(out, table)
        for column in columns:
            before = set(source[table].get_column(column).drop_nulls().cast(pl.String))
            after = set(masked.get_column(column).drop_nulls().cast(pl.String))
            assert not before & after, f"{table}.{column} leaks {sorted(before & after)[:3]}"
        kept = source[table].get_column(SHIFTED[table]) == masked.get_column(SHIFTED[table])
        assert not kept.any(), f"{table}.{SHIFTED[table]} keeps dates"
    accounts, transactions = _read(out, "accounts"), _read(out, "transactions")
    customers = _read(out, "customers")
    # every join intact: same row counts joined as in the source
    joined = transactions.join(accounts, on="account_number").join(
        customers, left_on="customer_id", right_on="id"
    )
    src = source["transactions"].join(source["accounts"], on="account_number")
    assert joined.height == transactions.height == source["transactions"].height
    assert src.height == joined.height
    # one account -> one output, the same in both tables (rows keep the source order)
    mapping = dict(
        zip(
            source["accounts"].get_column("account_number"),
            accounts.get_column("account_number"),
            strict=True,
        )
    )
    expected = [mapping[a] for a in source["transactions"].get_column("account_number")]
    assert transactions.get_column("account_number").to_list() == expected
    # FPE keeps format and length
    assert accounts.get_column("account_number").str.contains(r"^\d{3}-\d{6}$").all()
    ibans = zip(source["accounts"]["iban"], accounts["iban"], strict=True)
    for before_iban, after_iban in ibans:
        assert len(before_iban) == len(after_iban)
        assert _shape(before_iban) == _shape(after_iban)
    # intervals within a customer survive the date shift
    spans = [
        sorted(
            frame.group_by("customer_id")
            .agg((pl.col("booked_at").max() - pl.col("booked_at").min()).alias("span"))
            .get_column("span")
            .to_list()
        )
        for frame in (source["transactions"], transactions)
    ]
    assert spans[0] == spans[1]


def test_duckdb_source_done_when(tmp_path: Path, spec: Path, env: None) -> None:
    source_path = bank_duckdb(tmp_path / "bank.duckdb")
    out = tmp_path / "out"
    result = mask(spec, str(source_path), f"parquet:{out}", key="env:MASK_KEY")
    assert result.verification is not None and result.verification.passed
    source = {t: _source(source_path, t) for t in PII}
    _check_masked(source, out)
    assert _read(out, "branches").height == 5  # generated tables sit alongside
    segments = _read(out, "customers").get_column("segment")
    assert set(segments) == {"home", "abroad"}
    assert not [f for f in result.leaks if f.leaks]


def test_same_key_same_bytes_other_key_other_output(tmp_path: Path, spec: Path, env: None) -> None:
    source = bank_duckdb(tmp_path / "bank.duckdb")
    runs = {}
    for name, key in (("a", "env:MASK_KEY"), ("b", "env:MASK_KEY"), ("c", "env:OTHER_KEY")):
        mask(spec, str(source), f"parquet:{tmp_path / name}", key=key)
        runs[name] = {
            t: hashlib.sha256((tmp_path / name / f"{t}.parquet").read_bytes()).hexdigest()
            for t in PII
        }
    assert runs["a"] == runs["b"]
    assert all(runs["a"][t] != runs["c"][t] for t in PII)
    # the consistent mapping holds across targets: DuckDB output maps like Parquet output
    mask(spec, str(source), str(tmp_path / "out.duckdb"), key="env:MASK_KEY")
    in_duck = _source(tmp_path / "out.duckdb", "accounts").get_column("account_number")
    assert in_duck.to_list() == _read(tmp_path / "a", "accounts")["account_number"].to_list()


def test_parquet_and_csv_folders(tmp_path: Path, spec: Path, env: None) -> None:
    reference = bank_duckdb(tmp_path / "ref.duckdb")
    source = {t: _source(reference, t) for t in PII}
    for fmt in ("parquet", "csv"):
        folder = bank_files(tmp_path / f"src_{fmt}", fmt)
        out = tmp_path / f"out_{fmt}"
        result = mask(spec, f"{fmt}:{folder}", f"parquet:{out}", key="env:MASK_KEY")
        assert result.verification is not None and result.verification.passed
        _check_masked(source, out)


def test_sqlite_source(tmp_path: Path, spec: Path, env: None) -> None:
    reference = bank_duckdb(tmp_path / "ref.duckdb")
    db = bank_sqlite(tmp_path / "bank.sqlite")
    out = tmp_path / "out"
    result = mask(spec, f"sqlite:///{db}", f"parquet:{out}", key="env:MASK_KEY")
    assert result.verification is not None and result.verification.passed
    _check_masked({t: _source(reference, t) for t in PII}, out)


def test_postgres_source_same_mapping_as_duckdb(
    tmp_path: Path, spec: Path, env: None, postgres_server: str
) -> None:
    url = bank_postgres(create_database(postgres_server, "bank_mask_source"))
    reference = bank_duckdb(tmp_path / "ref.duckdb")
    out = tmp_path / "out"
    result = mask(spec, url, f"parquet:{out}", key="env:MASK_KEY")
    assert result.verification is not None and result.verification.passed
    _check_masked({t: _source(reference, t) for t in PII}, out)
    # a consistent mapping is stable across databases
    mask(spec, str(reference), f"parquet:{tmp_path / 'from_duck'}", key="env:MASK_KEY")
    for table in ("accounts", "transactions"):
        from_pg = _read(out, table).get_column("account_number").to_list()
        assert from_pg == _read(tmp_path / "from_duck", table)["account_number"].to_list()


def test_mariadb_source_done_when(
    tmp_path: Path, spec: Path, env: None, mariadb_server: str
) -> None:
    """From a real MariaDB: no source PII left, joins intact, account_number the same
    in both tables and as from DuckDB, FPE keeps format and length, a subset resolves."""
    url = bank_mariadb(maria_database(mariadb_server, "bank_mask_source"))
    reference = bank_duckdb(tmp_path / "ref.duckdb")
    out = tmp_path / "out"
    result = mask(spec, url, f"parquet:{out}", key="env:MASK_KEY")
    assert result.verification is not None and result.verification.passed
    assert not [f for f in result.leaks if f.leaks]
    _check_masked({t: _source(reference, t) for t in PII}, out)
    mask(spec, str(reference), f"parquet:{tmp_path / 'from_duck'}", key="env:MASK_KEY")
    for table in ("accounts", "transactions"):
        from_maria = _read(out, table).get_column("account_number").to_list()
        assert from_maria == _read(tmp_path / "from_duck", table)["account_number"].to_list()
    nl = tmp_path / "nl"
    subset = mask(spec, url, f"parquet:{nl}", key="env:MASK_KEY",
                  subset=["customers: country = 'NL'"], subset_children=True)  # fmt: skip
    assert subset.verification is not None and subset.verification.passed
    customers, accounts = _read(nl, "customers"), _read(nl, "accounts")
    transactions = _read(nl, "transactions")
    assert 0 < customers.height < 200 and 0 < transactions.height < 2000
    assert accounts.join(customers, left_on="customer_id", right_on="id").height == accounts.height
    assert transactions.join(accounts, on="account_number").height == transactions.height
    assert transactions.join(customers, left_on="customer_id", right_on="id").height == (
        transactions.height
    )


def test_postgres_target_and_source_refused_as_target(
    tmp_path: Path,
    spec: Path,
    env: None,
    postgres_server: str,
    monkeypatch: pytest.MonkeyPatch,
    audit_log: Path,
) -> None:
    url = bank_postgres(create_database(postgres_server, "bank_mask_self"))
    with pytest.raises(TargetError, match="refusing to write into the source"):
        mask(spec, url, url, key="env:MASK_KEY")
    source = bank_duckdb(tmp_path / "bank.duckdb")
    with pytest.raises(TargetError, match="refusing to write into the source"):
        mask(spec, str(source), str(source), key="env:MASK_KEY")
    target = bank_postgres(create_database(postgres_server, "bank_mask_target"), rows=False)
    monkeypatch.setenv("FAUXDATA_ENV", "prod")  # the one environment guard covers masking
    with pytest.raises(GuardError, match="'prod' \\(from FAUXDATA_ENV\\)"):
        mask(spec, str(source), target, key="env:MASK_KEY")
    monkeypatch.delenv("FAUXDATA_ENV")
    result = mask(spec, str(source), target, key="env:MASK_KEY")
    assert result.verification is not None and result.verification.passed
    [line] = audit.read(audit_log)
    assert line["outcome"] == "committed" and line["tables"]["transactions"] == 2000
    import psycopg

    with psycopg.connect(target) as con:
        count = con.execute("SELECT count(*) FROM transactions").fetchone()
    assert count == (2000,)


def test_subset_keeps_parents_and_children(tmp_path: Path, spec: Path, env: None) -> None:
    source = bank_duckdb(tmp_path / "bank.duckdb")
    out = tmp_path / "nl"
    result = mask(
        spec,
        str(source),
        f"parquet:{out}",
        key="env:MASK_KEY",
        subset=["customers: country = 'NL'"],
        subset_children=True,
    )
    assert result.verification is not None and result.verification.passed
    rows = {n: t.rows for n, t in result.tables.items()}
    assert 0 < rows["customers"] < 200 and 0 < rows["transactions"] < 2000
    customers = _read(out, "customers")
    transactions = _read(out, "transactions")
    assert (
        transactions.join(customers, left_on="customer_id", right_on="id").height
        == rows["transactions"]
    )
    # a percentage is the same rows every run, and its parents come along
    first = mask(spec, str(source), f"parquet:{tmp_path / 'p1'}", key="env:MASK_KEY",
                 subset=["transactions=10%"])  # fmt: skip
    second = mask(spec, str(source), f"parquet:{tmp_path / 'p2'}", key="env:MASK_KEY",
                  subset=["transactions=10%"])  # fmt: skip
    assert first.tables["transactions"].digest == second.tables["transactions"].digest
    assert 100 < first.tables["transactions"].rows < 300
    assert first.verification is not None and first.verification.passed


def test_drift_stops_the_run_unless_allowed(tmp_path: Path, spec: Path, env: None) -> None:
    source = bank_duckdb(tmp_path / "bank.duckdb")
    con = duckdb.connect(str(source))
    con.execute("ALTER TABLE customers ADD COLUMN ssn VARCHAR DEFAULT '123-45-6789'")
    con.close()
    with pytest.raises(SpecError) as caught:
        mask(spec, str(source), f"parquet:{tmp_path / 'out'}", key="env:MASK_KEY")
    assert "ssn" in str(caught.value) and caught.value.problems[0].code == "schema_drift"
    assert not (tmp_path / "out").exists()
    result = mask(
        spec,
        str(source),
        f"parquet:{tmp_path / 'out'}",
        key="env:MASK_KEY",
        allow_passthrough=["customers.ssn"],
        report=tmp_path / "privacy",
    )
    report = json.loads((tmp_path / "privacy.json").read_text())
    assert report["drift_passed_through"] == ["customers.ssn"]
    assert "customers.ssn" in report["flagged"]  # PII by its name, on passthrough
    assert "PII on passthrough" in (tmp_path / "privacy.html").read_text()
    assert _read(tmp_path / "out", "customers").get_column("ssn")[0] == "123-45-6789"
    assert result.treatments


def test_leak_fails_the_run_and_publishes_nothing(tmp_path: Path, env: None) -> None:
    source = bank_duckdb(tmp_path / "bank.duckdb")
    spec = tmp_path / "leaky.yaml"
    # scramble replaces letters and digits: memos of dashes only come out as they went in
    con = duckdb.connect(str(source))
    con.execute("UPDATE transactions SET memo = repeat('-', 1 + id % 50) WHERE memo IS NOT NULL")
    con.close()
    spec.write_text(BANK_SPEC)
    with pytest.raises(LeakError, match=r"transactions\.memo"):
        mask(spec, str(source), f"parquet:{tmp_path / 'out'}", key="env:MASK_KEY",
             report=tmp_path / "leaks")  # fmt: skip
    assert not (tmp_path / "out" / "fauxdata-manifest.json").exists()
    report = json.loads((tmp_path / "leaks.json").read_text())
    assert report["leaks"] == ["transactions.memo"]


def test_key_never_lands_anywhere(tmp_path: Path, spec: Path, env: None) -> None:
    source = bank_duckdb(tmp_path / "bank.duckdb")
    out = tmp_path / "out"
    mask(spec, str(source), f"parquet:{out}", key="env:MASK_KEY", report=tmp_path / "r")
    for file in [*out.iterdir(), tmp_path / "r.json", tmp_path / "r.html"]:
        assert KEY.encode() not in file.read_bytes(), file
    with pytest.raises(FauxdataError, match="env:VAR or file:PATH") as caught:
        mask(spec, str(source), f"parquet:{tmp_path / 'x'}", key=KEY)
    assert KEY not in str(caught.value)
    with pytest.raises(FauxdataError, match="shorter than"):
        (tmp_path / "short.key").write_text("abc")
        mask(spec, str(source), f"parquet:{tmp_path / 'x'}", key=f"file:{tmp_path / 'short.key'}")


def test_join_with_a_different_mask_is_refused(tmp_path: Path, env: None) -> None:
    source = bank_duckdb(tmp_path / "bank.duckdb")
    spec = tmp_path / "bad.yaml"
    spec.write_text(
        BANK_SPEC.replace(
            "customer_id: {type: integer, mask: key}\n      iban",
            "customer_id: {type: integer, mask: {kind: key, domain: other}}\n      iban",
        )
    )
    with pytest.raises(SpecError, match=r"accounts\.columns\.customer_id\.mask: masks differently"):
        mask(spec, str(source), f"parquet:{tmp_path / 'out'}", key="env:MASK_KEY")


def test_cli_init_mask_unmask(tmp_path: Path) -> None:
    source = bank_duckdb(tmp_path / "bank.duckdb")
    done = fauxdata(
        "init", "--from", str(source), "--mode", "mock-or-mask", "--out", "spec.yaml",
        cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    written = (tmp_path / "spec.yaml").read_text()
    assert "mode: mask" in written and "mask: email" in written and "mask: key" in written
    env = {"MASK_KEY": KEY}
    done = fauxdata(
        "mask", "spec.yaml", "--from", str(source), "--to", "parquet:out", "--key", "env:MASK_KEY",
        "--report", "privacy.html", cwd=tmp_path, env=env,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "checks passed" in done.stdout
    masked = _read(tmp_path / "out", "accounts").get_column("account_number")[0]
    original = _source(source, "accounts").get_column("account_number")[0]
    done = fauxdata(
        "unmask", "spec.yaml", "accounts.account_number", masked, "--key", "env:MASK_KEY",
        cwd=tmp_path, env=env,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [masked, original]
    # a column added after init stops the run with exit code 2 and names it
    con = duckdb.connect(str(source))
    con.execute("ALTER TABLE accounts ADD COLUMN pin VARCHAR")
    con.close()
    done = fauxdata(
        "mask", "spec.yaml", "--from", str(source), "--to", "parquet:out2", "--key", "env:MASK_KEY",
        cwd=tmp_path, env=env,
    )  # fmt: skip
    assert done.returncode == 2, done.stdout + done.stderr
    assert "pin" in done.stderr and "--allow-passthrough accounts.pin" in done.stderr


GOLDEN = Path(__file__).parent / "golden" / "mask.digests.json"


def test_golden_mask_digests(tmp_path: Path, spec: Path, env: None) -> None:
    """A fixed source, spec and key give these digests; a dependency upgrade that shifts
    masked output (hashes, FF3-1, word lists) fails here. Regenerate only on purpose:
    FAUXDATA_REGOLD=1."""
    import os

    source = bank_duckdb(tmp_path / "bank.duckdb", customers=50)
    result = mask(spec, str(source), f"parquet:{tmp_path / 'out'}", key="env:MASK_KEY")
    digests = {name: table.column_digests for name, table in result.tables.items()}
    if os.environ.get("FAUXDATA_REGOLD"):
        GOLDEN.write_text(json.dumps(digests, indent=2, sort_keys=True) + "\n")
    assert digests == json.loads(GOLDEN.read_text())


def test_init_and_mask_a_csv_of_known_pii(tmp_path: Path, env: None) -> None:
    """init --mode mock-or-mask on the PII scanner's CSV of known PII (IBANs, cards, BSNs,
    SSNs, emails, phones, names in five languages, free text): every column the scan
    flags comes out masked, with no source value left in it."""
    from fauxdata.mask.sources import open_source
    from fauxdata.mask.suggest import read_samples, suggest_mask_spec
    from fauxdata.mask.unmask import unmask_values
    from fauxdata.pii import patterns as pii
    from fauxdata.pii import scan_schema
    from fauxdata.spec.yaml_io import dump_yaml

    folder = tmp_path / "files"
    folder.mkdir()
    known = Path(__file__).parent / "data" / "pii_known.csv"
    (folder / "known.csv").write_text(known.read_text())
    reader = open_source(f"csv:{folder}")
    found = reader.schema()
    findings = scan_schema(found, read_samples(reader, 1000))
    reader.close()
    spec = tmp_path / "known.yaml"
    spec.write_text(dump_yaml(suggest_mask_spec(found, findings, name="known")))
    result = mask(spec, f"csv:{folder}", f"parquet:{tmp_path / 'out'}", key="env:MASK_KEY")
    source = pl.read_csv(known, infer_schema_length=0)
    masked = _read(tmp_path / "out", "known").cast(pl.String)
    treated = {t.column: t.treatment for t in result.treatments}
    flagged = {f.column for f in findings}
    assert {"email", "iban", "card_number", "bsn", "ssn", "phone", "customer_name"} <= flagged
    for column in flagged:
        assert treated[column] != "passthrough", column
        if treated[column] in ("noise", "date_shift"):
            continue
        left = set(source[column].drop_nulls()) & set(masked[column].drop_nulls())
        assert not left, f"{column} ({treated[column]}) keeps {sorted(left)[:2]}"
    assert masked["order_status"].to_list() == source["order_status"].to_list()  # passthrough
    # identifiers the scan found valid come out valid (checksum-aware fpe), row for row
    checks = {"iban": pii.iban, "card_number": pii.credit_card, "bsn": pii.bsn, "ssn": pii.ssn}
    for column, valid in checks.items():
        before = valid(source[column].fill_null("-"))
        assert before.sum() >= 10, column
        assert (valid(masked[column].fill_null("-")) == before).all(), column
        shown = masked[column].drop_nulls().head(50).to_list()
        back = unmask_values(spec, f"known.{column}", shown, key="env:MASK_KEY")
        expected = source[column].drop_nulls().head(50)
        if column in ("card_number", "bsn"):  # integer columns: leading zeros lost
            expected = expected.cast(pl.Int64).cast(pl.String)
        assert back == expected.to_list(), column
    counts = {t.column: t.replaced for t in result.treatments}
    assert counts["iban"] == {"valid iban": 30, "not valid iban (plain fpe)": 0}  # privacy report
