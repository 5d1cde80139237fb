"""The command line, run as a user would: real processes, real files, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.cli import fauxdata

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"

SPEC = """
name: tiny
seed: 3
tables:
  teams:
    rows: 4
    primary_key: id
    columns:
      id: {generator: {kind: formatted_id, format: "T-{:02d}"}}
      name: {generator: {kind: choice, values: [Red, Blue, Green, Gold]}, unique: true}
  players:
    rows: 40
    primary_key: id
    columns:
      id: {generator: sequence}
      team_id: {generator: {kind: foreign_key, references: teams.id}}
      rating: {generator: {kind: normal, mean: 1500, std: 200, min: 800, max: 2800, decimals: 0}}
"""


@pytest.fixture
def cli(tmp_path: Path) -> Path:
    (tmp_path / "tiny.yaml").write_text(SPEC)
    return tmp_path


def test_generate_writes_duckdb_by_default_and_prints_the_checklist(cli: Path) -> None:
    done = fauxdata("generate", "tiny.yaml", cwd=cli)
    assert done.returncode == 0, done.stderr
    assert (cli / "out" / "tiny.duckdb").exists()
    assert (cli / "out" / "tiny.duckdb.manifest.json").exists()
    assert "✓ Generated 40 players" in done.stdout
    assert "✓ FK integrity: all players.team_id exist in teams.id" in done.stdout
    assert "checks passed" in done.stdout


def test_generate_json_rows_seed_and_tables(cli: Path) -> None:
    done = fauxdata(
        "generate",
        "tiny.yaml",
        "--to",
        "parquet:pq",
        "--seed",
        "9",
        "--rows",
        "players=25",
        "--json",
        cwd=cli,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["seed"] == 9
    assert result["tables"]["players"]["rows"] == 25
    assert result["verification"]["passed"] is True
    only = fauxdata(
        "generate",
        "tiny.yaml",
        "--to",
        "parquet:pq2",
        "--seed",
        "9",
        "--rows",
        "players=25",
        "--tables",
        "players",
        "--json",
        cwd=cli,
    )
    assert (
        json.loads(only.stdout)["tables"]["players"]["digest"]
        == result["tables"]["players"]["digest"]
    )


def test_scale_multiplies_row_counts(cli: Path) -> None:
    done = fauxdata("generate", "tiny.yaml", "--to", "csv:c", "--scale", "0.5", "--json", cwd=cli)
    assert {n: t["rows"] for n, t in json.loads(done.stdout)["tables"].items()} == {
        "teams": 2,
        "players": 20,
    }


def test_scaling_past_a_unique_domain_fails_before_writing(cli: Path) -> None:
    done = fauxdata("generate", "tiny.yaml", "--to", "csv:c", "--scale", "2.5", cwd=cli)
    assert done.returncode == 2  # a spec (here scaled) no generator can honour: a spec error
    assert (
        "tables.teams.columns.name: unique domain too small: 'choice' has 4 distinct values but table 'teams' has 10 rows"
        in done.stderr
    )
    assert not (cli / "c").exists()


def test_check_and_schema(cli: Path) -> None:
    done = fauxdata("check", "tiny.yaml", cwd=cli)
    assert done.returncode == 0 and "2 tables, 44 rows" in done.stdout
    schema = json.loads(fauxdata("schema", cwd=cli).stdout)
    assert "tables" in schema["properties"]
    assert "sequence" in json.dumps(schema)


def test_preview_prints_rows_without_writing(cli: Path) -> None:
    done = fauxdata("preview", "tiny.yaml", "--table", "players", "-n", "3", cwd=cli)
    assert done.returncode == 0, done.stderr
    assert "shape: (3, 3)" in done.stdout
    assert not (cli / "out").exists()


def test_replay_reproduces_a_manifest(cli: Path) -> None:
    fauxdata("generate", "tiny.yaml", "--to", "parquet:a", "--seed", "11", cwd=cli)
    done = fauxdata(
        "generate", "--replay", "a/fauxdata-manifest.json", "--to", "parquet:b", "--json", cwd=cli
    )
    assert done.returncode == 0, done.stderr
    first = json.loads((cli / "a" / "fauxdata-manifest.json").read_text())
    assert {n: t["digest"] for n, t in json.loads(done.stdout)["tables"].items()} == {
        n: t["digest"] for n, t in first["tables"].items()
    }


def test_validate_fails_on_broken_data(cli: Path) -> None:
    fauxdata("generate", "tiny.yaml", "--to", "csv:c", cwd=cli)
    players = cli / "c" / "players.csv"
    lines = players.read_text().splitlines()
    lines[1] = lines[1].replace("T-0", "T-9")
    players.write_text("\n".join(lines) + "\n")
    done = fauxdata("validate", "tiny.yaml", "--data", "csv:c", cwd=cli)
    assert done.returncode == 1
    assert "✗ FK integrity: all players.team_id exist in teams.id" in done.stdout
    ok = fauxdata("validate", "tiny.yaml", "--data", "csv:c", "--json", cwd=cli)
    assert json.loads(ok.stdout)["failed"] == 1


@pytest.mark.parametrize(
    ("spec_text", "expected"),
    [
        ("name: x\ntables: {a: {rows: 1\n", "malformed YAML"),
        (
            "name: x\ntables:\n  a:\n    rows: 1\n    columns:\n      id: {generator: {kind: sequnce}}\n",
            "tables.a.columns.id.generator: unknown generator kind 'sequnce' (did you mean 'sequence'?)",
        ),
        (
            "name: x\ntables:\n  a:\n    rows: 1\n    columns:\n      n: {generator: {kind: uniform_int, min: 5, max: 1}}\n",
            "tables.a.columns.n.generator.uniform_int: min (5) is greater than max (1)",
        ),
        (
            "name: x\ntables:\n  a:\n    rows: 1\n    columns:\n      e: {generator: {kind: template, template: '{nme}@x.org'}}\n      name: {generator: {kind: constant, value: a}}\n",
            "unknown column '{nme}' in template (did you mean 'name'?)",
        ),
    ],
)
def test_bad_specs_exit_non_zero_with_one_line_per_problem(
    cli: Path, spec_text: str, expected: str
) -> None:
    (cli / "bad.yaml").write_text(spec_text)
    done = fauxdata("generate", "bad.yaml", "--to", "parquet:never", cwd=cli)
    assert done.returncode == 2
    assert expected in done.stderr
    assert "Traceback" not in done.stderr
    assert not (cli / "never").exists()


def test_unwritable_target_exits_non_zero(cli: Path) -> None:
    (cli / "blocker").write_text("x")
    done = fauxdata("generate", "tiny.yaml", "--to", "parquet:blocker/sub", cwd=cli)
    assert done.returncode == 1
    assert "cannot" in done.stderr and "Traceback" not in done.stderr


def test_bad_rows_override(cli: Path) -> None:
    done = fauxdata("generate", "tiny.yaml", "--rows", "players", cwd=cli)
    assert done.returncode == 2 and "expected TABLE=N" in done.stderr
    half = fauxdata("generate", "tiny.yaml", "--rows", "players=2.5", cwd=cli)
    assert half.returncode == 2 and "whole number" in half.stderr


def test_rows_as_people_type_them(cli: Path) -> None:
    done = fauxdata("check", "tiny.yaml", "--rows", "players=1.5k", cwd=cli)
    assert done.returncode == 0 and "1,504 rows" in done.stdout  # 4 teams, 1,500 players


def test_help_shows_examples() -> None:
    done = fauxdata("generate", "--help", cwd=ROOT)
    assert "fauxdata generate examples/hr.yaml" in done.stdout


@pytest.mark.parametrize("example", ["hr", "shop"])
def test_bundled_examples_generate_and_verify(example: str, tmp_path: Path) -> None:
    done = fauxdata(
        "generate",
        str(EXAMPLES / f"{example}.yaml"),
        "--to",
        f"duckdb:///{tmp_path}/{example}.duckdb",
        "--json",
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["verification"]["passed"] is True, [
        r for r in result["verification"]["results"] if r["status"] == "fail"
    ]
    if example == "hr":
        assert {n: t["rows"] for n, t in result["tables"].items()} == {
            "offices": 3,
            "departments": 5,
            "teams": 10,
            "employees": 200,
            "compensation": 200,
        }


def test_init_and_scan_share_their_api_options() -> None:
    """--endpoint, --token and --param read the same in both commands (issue 19)."""
    import typer.main

    from fauxdata.cli.main import app

    group = typer.main.get_command(app)
    commands = getattr(group, "commands", {})

    def api_options(command: str) -> dict[str, tuple[tuple[str, ...], bool, str | None]]:
        return {
            p.name or "": (tuple(p.opts), p.multiple, getattr(p, "help", None))
            for p in commands[command].params
            if p.name in ("endpoint", "token", "param")
        }

    init = api_options("init")
    assert set(init) == {"endpoint", "token", "param"}
    assert init == api_options("scan")
    assert init["endpoint"][:2] == (("--endpoint",), True)
    assert init["token"][:2] == (("--token",), False)
