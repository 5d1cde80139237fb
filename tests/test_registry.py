"""Every kind the spec accepts has exactly one implementation; unknown kinds fail loudly."""

from __future__ import annotations

import pytest

from fauxdata.errors import FauxdataError
from fauxdata.generators import Generator, implementation
from fauxdata.spec.generators import generator_kinds


def test_every_spec_kind_is_implemented() -> None:
    missing = [kind for kind in generator_kinds() if kind not in Generator.registry]
    assert missing == []


def test_no_implementation_without_a_spec_kind() -> None:
    assert sorted(set(Generator.registry) - set(generator_kinds())) == []


def test_unknown_kind_fails_with_a_suggestion() -> None:
    with pytest.raises(FauxdataError, match="did you mean 'sequence'"):
        implementation("sequense")


def test_registering_a_kind_twice_is_refused() -> None:
    with pytest.raises(TypeError, match="registered twice"):

        class Again(Generator):
            kinds = ("sequence",)

            def generate(self, rows, inputs):  # type: ignore[no-untyped-def]
                raise AssertionError
