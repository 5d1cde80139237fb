"""The shipped pytest plugin, exercised through pytester in a fresh session."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

SPEC = """
name: plug
tables:
  users:
    rows: 20
    primary_key: id
    columns:
      id: {generator: sequence}
      score: {generator: {kind: uniform_int, min: 0, max: 100}}
"""


def test_fixture_gives_seeded_tables(pytester: pytest.Pytester) -> None:
    pytester.makefile(".yaml", plug=SPEC)
    pytester.makepyfile(
        """
        def test_users(fauxdata_tables, fauxdata_seed):
            first = fauxdata_tables("plug.yaml")
            again = fauxdata_tables("plug.yaml")
            assert first["users"].height == 20
            assert first["users"].equals(again["users"])
            assert fauxdata_seed == 7
            other = fauxdata_tables("plug.yaml", seed=8)
            assert not other["users"].equals(first["users"])
        """
    )
    result = pytester.runpytest("--fauxdata-seed", "7")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["fauxdata seed: 7"])


def test_invalid_spec_fails_the_test_with_the_spec_error(pytester: pytest.Pytester) -> None:
    pytester.makefile(".yaml", bad=SPEC.replace("uniform_int", "uniform_itn"))
    pytester.makepyfile(
        """
        def test_users(fauxdata_tables):
            fauxdata_tables("bad.yaml")
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["*unknown generator kind 'uniform_itn'*did you mean 'uniform_int'*"]
    )
