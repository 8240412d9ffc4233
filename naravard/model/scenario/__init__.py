"""The scenario model: what the population forecast means for primary-care capacity.

Pure Python (numpy/pandas), no Streamlit, in five modules:

* :mod:`.params` – every assumption as one :class:`Param` record (URL key, widget,
  percent scaling, label, unit, bounds, source): :data:`PARAMS`.
* :mod:`.assumptions` – :class:`Assumptions`, the user's validated choices.
* :mod:`.inputs` – :class:`ModelInputs`, the data the model needs, and the data's
  defaults (the 80+ ratios calibrated to the base year, the physician target).
* :mod:`.outputs` – every output as one :class:`Output` record (:data:`OUTPUT`), the
  :class:`ScenarioResult` and :func:`compare`.
* :mod:`.run` – :func:`run`.

``from naravard.model.scenario import X`` works for every public name.
"""

from naravard.model.forecast import EGEN as PROGNOS_EGEN
from naravard.model.scenario.assumptions import SCHEMA_VERSION, Assumptions
from naravard.model.scenario.inputs import (
    Calibration,
    DataDefault,
    KeyFigures,
    ModelInputs,
    interp_rows,
    preset_descriptions,
    presets,
    year_of_date,
)
from naravard.model.scenario.outputs import (
    FORMULAS_SV,
    KOMMUN_OUTPUTS,
    OUTPUT,
    OUTPUT_LABELS_SV,
    OUTPUT_SPECS,
    OUTPUT_UNITS_SV,
    OUTPUTS,
    SIGNED_OUTPUTS,
    TOTAL_ONLY_OUTPUTS,
    Change,
    Output,
    ScenarioResult,
    compare,
    formula,
    formulas,
    shown,
)
from naravard.model.scenario.params import (
    CALIBRATED_PARAMS,
    DATA_DEFAULT_PARAMS,
    DEFAULT_HORISONT,
    DEFAULT_LISTADE_PER_VC_MAL,
    DEFAULT_PROGNOS,
    HORISONT_MAX,
    HORISONT_MIN,
    JOINT_LIMITS,
    PARAMS,
    AssumptionError,
    JointLimit,
    KommunMap,
    Param,
    check_joint_limits,
)
from naravard.model.scenario.run import default_inputs, resolve, run

__all__ = [
    "CALIBRATED_PARAMS",
    "DATA_DEFAULT_PARAMS",
    "DEFAULT_HORISONT",
    "DEFAULT_LISTADE_PER_VC_MAL",
    "DEFAULT_PROGNOS",
    "FORMULAS_SV",
    "HORISONT_MAX",
    "HORISONT_MIN",
    "JOINT_LIMITS",
    "KOMMUN_OUTPUTS",
    "OUTPUT",
    "OUTPUTS",
    "OUTPUT_LABELS_SV",
    "OUTPUT_SPECS",
    "OUTPUT_UNITS_SV",
    "PARAMS",
    "PROGNOS_EGEN",
    "SCHEMA_VERSION",
    "SIGNED_OUTPUTS",
    "TOTAL_ONLY_OUTPUTS",
    "AssumptionError",
    "Assumptions",
    "Calibration",
    "Change",
    "DataDefault",
    "JointLimit",
    "KeyFigures",
    "KommunMap",
    "ModelInputs",
    "Output",
    "Param",
    "ScenarioResult",
    "check_joint_limits",
    "compare",
    "default_inputs",
    "formula",
    "formulas",
    "interp_rows",
    "preset_descriptions",
    "presets",
    "resolve",
    "run",
    "shown",
    "year_of_date",
]
