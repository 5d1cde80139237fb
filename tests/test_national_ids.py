"""National identity numbers of Spain, Italy, France and Brazil.

python-stdnum, which nobody on the team wrote, is the oracle: every generated number must
pass its validator, and the scanner's vectorised checkers must agree with it on valid
numbers and on mutated ones. The name rules are checked on column names from published
Italian and Brazilian schemas.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest
from stdnum.br import cpf as std_cpf
from stdnum.es import dni as std_dni
from stdnum.es import nie as std_nie
from stdnum.fr import nir as std_nir
from stdnum.it import codicefiscale as std_cf

import fauxdata
from fauxdata.generators import national_ids as ids
from fauxdata.generators.base import ColumnContext
from fauxdata.generators.national_id import NationalIdGenerator
from fauxdata.introspect.model import SourceColumn, SourceSchema, SourceTable
from fauxdata.pii import mocker_for, scan_schema, scan_values
from fauxdata.spec import generators as g
from fauxdata.spec.types import parse_type

ORACLES = {
    "ES": lambda v: std_dni.is_valid(v) or std_nie.is_valid(v),
    "IT": std_cf.is_valid,
    "FR": std_nir.is_valid,
    "BR": std_cpf.is_valid,
}
CHECKERS = {
    "ES": ids.dni_valid,
    "IT": ids.codice_fiscale_valid,
    "FR": ids.nir_valid,
    "BR": ids.cpf_valid,
}
SHAPES = {
    "ES": r"^\d{8}[A-Z]$",
    "IT": r"^[A-Z]{6}\d{2}[A-Z]\d{2}[A-Z]\d{3}[A-Z]$",
    "FR": r"^[12]\d{14}$",
    "BR": r"^\d{11}$",
}


def _generate(
    country: str, n: int, *, seed: int = 1, unique: bool = False, separators: bool | None = None
) -> pl.Series:
    ctx = ColumnContext(
        seed=seed, table="people", column="nid", n_rows=n, type=parse_type("varchar"),
        locale="en_US", base_dir=Path(), lookup=lambda *a: pl.Series([]),
        table_rows=lambda t: 0,
    )  # fmt: skip
    spec = g.NationalId(kind="national_id", country=country, separators=separators)  # type: ignore[arg-type]
    gen = NationalIdGenerator(spec, ctx)
    rows = np.arange(n, dtype=np.int64)
    return gen.at_domain(rows, {}) if unique else gen.generate(rows, {})


@pytest.mark.parametrize("country", ["ES", "IT", "FR", "BR"])
def test_every_generated_number_passes_python_stdnum(country: str) -> None:
    numbers = _generate(country, 20_000)
    assert numbers.str.contains(SHAPES[country]).all()
    oracle = ORACLES[country]
    assert all(oracle(v) for v in numbers.to_list())
    assert CHECKERS[country](numbers).all()


@pytest.mark.parametrize("country", ["ES", "IT", "FR", "BR"])
def test_numbers_are_deterministic_and_unique_on_request(country: str) -> None:
    assert _generate(country, 1000).equals(_generate(country, 1000))
    assert not _generate(country, 1000).equals(_generate(country, 1000, seed=2))
    unique = _generate(country, 100_000, unique=True)
    assert unique.n_unique() == 100_000
    assert CHECKERS[country](unique).all()


def _mutate(value: str, rng: np.random.Generator) -> str:
    """One character replaced by another of its class: mostly breaks the check."""
    position = int(rng.integers(len(value)))
    old = value[position]
    pool = "0123456789" if old.isdigit() else "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    new = pool[(pool.index(old) + 1 + int(rng.integers(len(pool) - 1))) % len(pool)]
    return value[:position] + new + value[position + 1 :]


@pytest.mark.parametrize("country", ["ES", "IT", "FR", "BR"])
def test_the_checkers_agree_with_python_stdnum_on_mutated_numbers(country: str) -> None:
    rng = np.random.default_rng(7)
    mutated = [_mutate(v, rng) for v in _generate(country, 5000).to_list()]
    expected = np.array([bool(ORACLES[country](v)) for v in mutated])
    found = CHECKERS[country](pl.Series(mutated))
    disagree = [v for v, a, b in zip(mutated, found, expected, strict=True) if a != b]
    assert not disagree, disagree[:5]
    assert expected.mean() < 0.2  # most mutations do break the number


def test_spanish_nies_and_written_forms_are_recognised() -> None:
    nies = ["X1234567L", "Y0000000Z", "Z9876543A"]
    assert [std_nie.is_valid(v) for v in nies] == list(ids.dni_valid(pl.Series(nies)))
    assert ids.dni_valid(pl.Series(["12345678-Z", "12345678z", "00000000T"])).tolist() == [
        True,
        True,
        False,  # number zero is not issued
    ]


def test_separators_follow_the_country_and_stay_valid() -> None:
    french = _generate("FR", 2000, separators=True)
    assert french.str.contains(r"^[12] \d{2} \d{2} \d{2} \d{3} \d{3} \d{2}$").all()
    assert all(std_nir.is_valid(v) for v in french.to_list())
    assert ids.nir_valid(french).all()
    brazilian = _generate("BR", 2000, separators=True)
    assert brazilian.str.contains(r"^\d{3}\.\d{3}\.\d{3}-\d{2}$").all()
    assert all(std_cpf.is_valid(v) for v in brazilian.to_list())
    assert ids.cpf_valid(brazilian).all()
    bare = _generate("BR", 2000)
    assert bare.equals(brazilian.str.replace_all(r"[.\-]", ""))  # same numbers, other form


def test_cpf_repdigits_are_never_built_nor_accepted() -> None:
    repdigits = [str(k) * 11 for k in range(10)]
    assert not ids.cpf_valid(pl.Series(repdigits)).any()
    edges = np.array([0, 111_111_110, 111_111_111, ids.CPF_DOMAIN - 1], dtype=np.int64)
    built = ids.cpf(edges).to_list()
    assert all(std_cpf.is_valid(v) for v in built) and len(set(built)) == 4


def test_corsican_nirs_are_recognised() -> None:
    # 2A and 2B stand in for 19 and 18 when the key is computed.
    head = "185052A006084"
    key = 97 - int(head.replace("2A", "19")) % 97
    value = f"{head}{key:02d}"
    assert std_nir.is_valid(value)
    assert ids.nir_valid(pl.Series([value, value.replace("2A", "2B")])).tolist() == [True, False]


def test_separators_on_a_country_without_them_name_the_spec_path() -> None:
    spec: dict[str, Any] = {
        "name": "people",
        "tables": {
            "people": {
                "rows": 5,
                "columns": {
                    "bsn": {
                        "generator": {"kind": "national_id", "country": "NL", "separators": True}
                    }
                },
            }
        },
    }
    with pytest.raises(fauxdata.SpecError) as caught:
        fauxdata.generate(spec)
    message = str(caught.value)
    assert "tables.people.columns.bsn.generator" in message
    assert "separators only with country US, FR or BR" in message


# --- the scanner ----------------------------------------------------------------------------


def _schema(table: str, columns: dict[str, str]) -> SourceSchema:
    return SourceSchema(
        dialect="postgresql",
        url="postgresql://***@db/app",
        schema="public",
        tables={
            table: SourceTable(
                table, {c: SourceColumn(name=c, type=t, nullable=True) for c, t in columns.items()}
            )
        },
    )


@pytest.mark.parametrize("country", ["ES", "IT", "FR", "BR"])
def test_values_alone_tell_the_country(country: str) -> None:
    found = scan_values("ref", _generate(country, 200).to_list())
    assert found is not None
    assert (found.category, found.variant) == ("national_id", country)
    assert mocker_for(found.category, variant=found.variant)["country"] == country


def test_a_named_column_follows_its_values_country() -> None:
    schema = _schema("clienti", {"codice_fiscale": "varchar(16)", "cpf": "char(14)"})
    samples = {
        "clienti": {
            "codice_fiscale": _generate("IT", 50).to_list(),
            "cpf": _generate("BR", 50, separators=True).to_list(),
        }
    }
    found = {f.column: f for f in scan_schema(schema, samples)}
    assert found["codice_fiscale"].mocker("varchar(16)") == {
        "kind": "national_id",
        "country": "IT",
    }
    assert found["cpf"].mocker("char(14)") == {
        "kind": "national_id",
        "country": "BR",
        "separators": True,
    }


# Column names from published schemas: an Italian customer registry (clienti) and a
# Brazilian e-commerce schema (cliente), as their authors wrote them.
ITALIAN_AND_PORTUGUESE = [
    ("clienti", "nome", "first_name"), ("clienti", "cognome", "last_name"),
    ("clienti", "codice_fiscale", "national_id"), ("clienti", "DataNascita", "date_of_birth"),
    ("clienti", "data_di_nascita", "date_of_birth"), ("clienti", "indirizzo", "street_address"),
    ("clienti", "cap", "postcode"), ("clienti", "citta", "city"),
    ("clienti", "telefono", "phone"), ("clienti", "cellulare", "phone"),
    ("clienti", "partita_iva", "tax_id"),
    ("cliente", "cpf", "national_id"), ("cliente", "data_nascimento", "date_of_birth"),
    ("cliente", "endereco", "street_address"), ("cliente", "cep", "postcode"),
    ("cliente", "cidade", "city"), ("cliente", "telefone", "phone"),
    ("cliente", "sobrenome", "last_name"),
    ("personnes", "nir", "national_id"), ("personas", "nie", "national_id"),
]  # fmt: skip


@pytest.mark.parametrize(("table", "column", "category"), ITALIAN_AND_PORTUGUESE)
def test_italian_and_portuguese_names(table: str, column: str, category: str) -> None:
    found = scan_schema(_schema(table, {column: "varchar"}))
    assert [(f.column, f.category) for f in found] == [(column, category)]


@pytest.mark.parametrize(
    ("column", "country"),
    [("dni", "ES"), ("nie", "ES"), ("codice_fiscale", "IT"), ("nir", "FR"), ("cpf", "BR")],
)
def test_a_national_id_name_picks_its_country(column: str, country: str) -> None:
    (finding,) = scan_schema(_schema("people", {column: "varchar"}))
    assert finding.mocker()["country"] == country


def test_mocker_separators_follow_the_column_width() -> None:
    assert mocker_for("national_id", "char(14)", variant="BR")["separators"] is True
    assert "separators" not in mocker_for("national_id", "char(11)", variant="BR")
    assert mocker_for("national_id", "varchar(21)", variant="FR")["separators"] is True
    assert mocker_for("national_id", variant="IT") == {"kind": "national_id", "country": "IT"}
    assert mocker_for("national_id", variant="XX") == {"kind": "national_id", "country": "US"}
