"""Hypothesis strategies shared by the scenario and URL tests."""

from hypothesis import strategies as st

from naravard.model.scenario import PARAMS


def param_values(key: str, integer: bool = False):
    """Any valid value of one assumption, within its declared bounds."""
    p = PARAMS[key]
    if integer:
        return st.integers(int(p.min), int(p.max))
    return st.floats(p.min, p.max, allow_nan=False, allow_infinity=False)
