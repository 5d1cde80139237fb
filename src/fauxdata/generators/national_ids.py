"""National identity numbers of Spain, Italy, France and Brazil: build and check.

Each builder maps one integer of the kind's domain onto one valid number (mixed-radix
digits become the parts, excluded values are skipped, the check characters are
computed), so distinct integers give distinct numbers and no draw is rejected. Each
checker is the same arithmetic read the other way, over whole arrays, and is what the
PII scanner uses to recognise such columns from their values. python-stdnum is the
reference the tests hold both against.

- ES: DNI, 8 digits and the letter of the number mod 23 (NIE: X, Y or Z for 0, 1, 2).
- IT: codice fiscale, 16 characters: surname and name consonants, year, month letter,
  day (+40 for women), place of birth, check letter.
- FR: NIR, 15 digits: sex, year, month, department, commune, serial, 97 - n mod 97.
- BR: CPF, 9 digits and two mod-11 check digits; repdigits such as 111.111.111-11
  are not valid.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import polars as pl

from fauxdata.generators.text import digits, fixed_width

I64 = npt.NDArray[np.int64]
Mask = npt.NDArray[np.bool_]

_DNI_LETTERS = np.frombuffer(b"TRWAGMYFPDXBNJZSQVHLCKE", dtype=np.uint8)
DNI_DOMAIN = 99_999_999  # 00000001 .. 99999999

_CF_CONSONANTS = np.frombuffer(b"BCDFGHJKLMNPQRSTVWXYZ", dtype=np.uint8)
_CF_MONTHS = np.frombuffer(b"ABCDEHLMPRST", dtype=np.uint8)
_CF_PLACES = np.frombuffer(b"ABCDEFGHILM", dtype=np.uint8)  # Italian municipalities
_CF_DAYS = 56  # 1-28 (men) and 41-68 (women): valid in every month of every year
_CF_DOMAIN = 21**6 * 100 * 12 * _CF_DAYS * len(_CF_PLACES) * 1000

# The check letter: characters in odd positions (1st, 3rd, ...) weigh by this table,
# those in even positions by their value (digits 0-9, letters 0-25); the sum mod 26.
_CF_ODD_WEIGHTS = (1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14,
                   16, 10, 22, 25, 24, 23)  # fmt: skip
_CF_ODD = np.zeros(128, dtype=np.int64)
_CF_EVEN = np.zeros(128, dtype=np.int64)
for _i in range(10):
    _CF_ODD[48 + _i], _CF_EVEN[48 + _i] = _CF_ODD_WEIGHTS[_i], _i
for _i in range(26):
    _CF_ODD[65 + _i], _CF_EVEN[65 + _i] = _CF_ODD_WEIGHTS[_i], _i
_CF_SHAPE = (
    r"^[A-Z]{6}[0-9LMNPQRSTUV]{2}[ABCDEHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]$"
)

_NIR_DEPARTMENTS = np.array([d for d in range(1, 96) if d != 20], dtype=np.int64)
_NIR_DOMAIN = 2 * 100 * 12 * len(_NIR_DEPARTMENTS) * 990 * 999

_CPF_REPDIGITS = tuple(k * 111_111_111 for k in range(10))
CPF_DOMAIN = 10**9 - len(_CPF_REPDIGITS)

DOMAINS = {"ES": DNI_DOMAIN, "IT": _CF_DOMAIN, "FR": _NIR_DOMAIN, "BR": CPF_DOMAIN}


def _split(value: I64, *radixes: int) -> list[I64]:
    """Mixed-radix digits of ``value``, the last radix varying fastest."""
    parts = []
    for radix in reversed(radixes):
        parts.append(value % radix)
        value = value // radix
    return parts[::-1]


def _column(values: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint8]:
    return values.reshape(-1, 1)


# --- Spain --------------------------------------------------------------------------------


def dni(value: I64) -> pl.Series:
    """``12345678Z`` for integers in [0, DNI_DOMAIN)."""
    number = value + 1
    return fixed_width(np.concatenate([digits(number, 8), _column(_DNI_LETTERS[number % 23])], 1))


def dni_valid(text: pl.Series) -> Mask:
    """DNIs (``12345678Z``, ``12345678-Z``) and NIEs (``X1234567L``) whose letter fits."""
    compact = text.str.replace_all(r"[\s.\-]", "").str.to_uppercase()
    nie = compact.str.contains(r"^[XYZ]\d{7}[A-Z]$").fill_null(False)
    numeric = pl.select(
        pl.when(nie)
        .then(compact.str.replace("^X", "0").str.replace("^Y", "1").str.replace("^Z", "2"))
        .otherwise(compact)
    ).to_series()
    shaped = numeric.str.contains(r"^\d{8}[A-Z]$").fill_null(False).to_numpy()
    out = np.zeros(text.len(), dtype=bool)
    if shaped.any():
        good = numeric.filter(pl.Series(shaped))
        number = good.str.slice(0, 8).cast(pl.Int64).to_numpy()
        letter = np.frombuffer("".join(good.str.slice(8).to_list()).encode("ascii"), np.uint8)
        out[shaped] = (_DNI_LETTERS[number % 23] == letter) & (number > 0)
    return out


# --- Italy --------------------------------------------------------------------------------


def _cf_check(matrix: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint8]:
    """The check letter of (n, 15) codice fiscale prefixes."""
    total = _CF_ODD[matrix[:, 0::2]].sum(axis=1) + _CF_EVEN[matrix[:, 1::2]].sum(axis=1)
    return (65 + total % 26).astype(np.uint8)


def codice_fiscale(value: I64) -> pl.Series:
    """``RSSMRA85T10A562S``-shaped codes for integers in [0, IT domain)."""
    c = len(_CF_CONSONANTS)
    *letters, year, month, day, place, town = _split(
        value, c, c, c, c, c, c, 100, 12, _CF_DAYS, len(_CF_PLACES), 1000
    )
    day = np.where(day < 28, day + 1, day - 28 + 41)
    prefix = np.concatenate(
        [_column(_CF_CONSONANTS[part]) for part in letters]
        + [digits(year, 2), _column(_CF_MONTHS[month]), digits(day, 2)]
        + [_column(_CF_PLACES[place]), digits(town, 3)],
        axis=1,
    )
    return fixed_width(np.concatenate([prefix, _column(_cf_check(prefix))], axis=1))


def codice_fiscale_valid(text: pl.Series) -> Mask:
    """16-character codes of the codice fiscale's shape (omocodia letters included)
    whose day is 1-31 or 41-71 and whose check letter fits."""
    compact = text.str.replace_all(r"[\s\-]", "").str.to_uppercase()
    shaped = compact.str.contains(_CF_SHAPE).fill_null(False).to_numpy()
    out = np.zeros(text.len(), dtype=bool)
    if shaped.any():
        joined = "".join(compact.filter(pl.Series(shaped)).to_list()).encode("ascii")
        matrix = np.frombuffer(joined, dtype=np.uint8).reshape(-1, 16)
        day_digits = matrix[:, 9:11].astype(np.int64)
        day_digits = np.where(day_digits >= 76, day_digits - 76, day_digits - 48)  # L..V -> 0..9
        day = (day_digits[:, 0] * 10 + day_digits[:, 1]) % 40
        out[shaped] = (_cf_check(matrix[:, :15]) == matrix[:, 15]) & (day >= 1) & (day <= 31)
    return out


# --- France -------------------------------------------------------------------------------


def _nir_key(head: I64) -> I64:
    return 97 - head % 97


def nir(value: I64, *, separators: bool = False) -> pl.Series:
    """NIRs ``185057800608436`` (``1 85 05 78 006 084 36`` with separators)."""
    sex, year, month, department, commune, serial = _split(
        value, 2, 100, 12, len(_NIR_DEPARTMENTS), 990, 999
    )
    parts = [sex + 1, year, month + 1, _NIR_DEPARTMENTS[department], commune + 1, serial + 1]
    widths = [1, 2, 2, 2, 3, 3]
    head = np.zeros_like(value)
    for part, width in zip(parts, widths, strict=True):
        head = head * 10**width + part
    groups = [digits(part, width) for part, width in zip(parts, widths, strict=True)]
    groups.append(digits(_nir_key(head), 2))
    if separators:
        space = np.full((value.shape[0], 1), ord(" "), dtype=np.uint8)
        groups = [piece for group in groups for piece in (group, space)][:-1]
    return fixed_width(np.concatenate(groups, axis=1))


def nir_valid(text: pl.Series) -> Mask:
    """15-character NIRs (spaces and dots allowed; Corsica's 2A and 2B as 19 and 18)
    whose key is 97 minus the first 13 digits mod 97."""
    compact = text.str.replace_all(r"[\s.]", "").str.to_uppercase()
    shaped = compact.str.contains(r"^[12]\d{4}(?:\d{2}|2A|2B)\d{8}$").fill_null(False).to_numpy()
    out = np.zeros(text.len(), dtype=bool)
    if shaped.any():
        good = compact.filter(pl.Series(shaped)).str.replace("^(.{5})2A", "${1}19")
        good = good.str.replace("^(.{5})2B", "${1}18")
        head = good.str.slice(0, 13).cast(pl.Int64).to_numpy()
        key = good.str.slice(13).cast(pl.Int64).to_numpy()
        out[shaped] = _nir_key(head) == key
    return out


# --- Brazil -------------------------------------------------------------------------------


def _cpf_digit(matrix: I64) -> I64:
    """The next mod-11 check digit of (n, k) digit rows (weights k+1 down to 2)."""
    weights = np.arange(matrix.shape[1] + 1, 1, -1, dtype=np.int64)
    rest = (matrix @ weights) % 11
    return np.where(rest < 2, 0, 11 - rest)


def cpf(value: I64, *, separators: bool = False) -> pl.Series:
    """CPFs ``12345678909`` (``123.456.789-09`` with separators) for integers in
    [0, CPF_DOMAIN): the nine-digit base skips the ten repdigits."""
    base = value.copy()
    for repdigit in _CPF_REPDIGITS:
        base += base >= repdigit
    matrix = digits(base, 9)
    numbers = matrix.astype(np.int64) - 48
    first = _cpf_digit(numbers)
    second = _cpf_digit(np.concatenate([numbers, first.reshape(-1, 1)], axis=1))
    checks = digits(first * 10 + second, 2)
    if not separators:
        return fixed_width(np.concatenate([matrix, checks], axis=1))
    n = value.shape[0]
    dot, dash = np.full((n, 1), ord("."), np.uint8), np.full((n, 1), ord("-"), np.uint8)
    pieces = [matrix[:, :3], dot, matrix[:, 3:6], dot, matrix[:, 6:], dash, checks]
    return fixed_width(np.concatenate(pieces, axis=1))


def cpf_valid(text: pl.Series) -> Mask:
    """CPFs of 11 digits (dots and a dash allowed; 10 when an integer column lost the
    leading zero) whose two check digits fit and that are not repdigits."""
    compact = text.str.replace_all(r"[\s.\-/]", "")
    ten = compact.str.contains(r"^\d{10}$").fill_null(False).to_numpy()
    padded = pl.Series(np.where(ten, "0", "")) + compact
    shaped = padded.str.contains(r"^\d{11}$").fill_null(False).to_numpy()
    out = np.zeros(text.len(), dtype=bool)
    if shaped.any():
        joined = "".join(padded.filter(pl.Series(shaped)).to_list()).encode("ascii")
        numbers = np.frombuffer(joined, dtype=np.uint8).reshape(-1, 11).astype(np.int64) - 48
        first = _cpf_digit(numbers[:, :9])
        second = _cpf_digit(numbers[:, :10])
        repdigit = (numbers == numbers[:, :1]).all(axis=1)
        out[shaped] = (numbers[:, 9] == first) & (numbers[:, 10] == second) & ~repdigit
    return out


def build(country: str, value: I64, *, separators: bool) -> pl.Series:
    """The valid numbers of ``country`` (ES, IT, FR or BR) for integers in its domain."""
    match country:
        case "ES":
            return dni(value)
        case "IT":
            return codice_fiscale(value)
        case "FR":
            return nir(value, separators=separators)
        case _:
            return cpf(value, separators=separators)
