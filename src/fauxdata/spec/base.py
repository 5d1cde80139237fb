"""The strict base model: unknown keys are rejected with the closest known key."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, model_validator
from pydantic_core import PydanticCustomError

from fauxdata.errors import did_you_mean


class Strict(BaseModel):
    """A frozen model that refuses unknown keys and says which key was probably meant."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, populate_by_name=True, allow_inf_nan=False
    )

    @model_validator(mode="before")
    @classmethod
    def _reject_unknown_keys(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        known = set(cls.model_fields)
        known.update(f.alias for f in cls.model_fields.values() if f.alias)
        for key in data:
            if key not in known:
                hint = did_you_mean(str(key), sorted(known))
                raise PydanticCustomError(
                    "unknown_key",
                    "unknown key '{key}'{hint}; expected one of: {known}",
                    {
                        "key": str(key),
                        "hint": f" ({hint})" if hint else "",
                        "known": ", ".join(sorted(known)),
                    },
                )
        return data
