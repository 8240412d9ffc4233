"""Hypothesis strategies shared by the scenario and URL tests."""

from hypothesis import strategies as st

from naravard.model.scenario import PARAMS


def param_values(key: str, integer: bool = False):
    """Any valid value of one assumption, within its declared bounds."""
    p = PARAMS[key]
    if integer:
        return st.integers(int(p.min), int(p.max))
    return st.floats(p.min, p.max, allow_nan=False, allow_infinity=False)


def within_joint_limits(kw: dict, data_values: dict | None = None) -> dict:
    """``kw`` (field → value, None = the data's) moved inside the model's joint limits.

    Each share is drawn within its own range; two shares of the same 80+ together may
    not exceed 100 % (``JOINT_LIMITS``), counting a share left to the data at the
    data's value (``data_values``). The last set value of a limit is lowered to fit.
    """
    from naravard.model.scenario import JOINT_LIMITS

    out = dict(kw)
    for limit in JOINT_LIMITS:
        vals = {k: out.get(k) if out.get(k) is not None else (data_values or {}).get(k) for k in limit.keys}
        total = limit.total(vals)
        if total is None or total <= limit.max:
            continue
        for k in reversed(limit.keys):
            if out.get(k) is not None:
                rest = sum(v for kk, v in vals.items() if kk != k)
                out[k] = max(0.0, min(out[k], limit.max - rest))
                break
        else:
            continue
    return out
