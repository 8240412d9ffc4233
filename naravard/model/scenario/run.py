"""Evaluate the scenario model: :func:`run`.

Nothing here invents data. Each output is a table value, a linear interpolation of
table values, or a table value multiplied by a labelled assumption; the formulas are
the :class:`~naravard.model.scenario.outputs.Output` records' texts. Where the sources
lack a figure (places per kommun, today's physicians) the model shows no gap instead
of guessing.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from naravard import fmt
from naravard.model import forecast as fc
from naravard.model.scenario.assumptions import Assumptions
from naravard.model.scenario.inputs import ModelInputs, interp_rows
from naravard.model.scenario.outputs import OUTPUTS, ScenarioResult
from naravard.model.scenario.params import CEIL_EPS, DATA_DEFAULT_PARAMS, JOINT_LIMITS, PARAMS, AssumptionError, KommunMap


def _n(x: float, decimals: int = 0) -> str:
    return fmt.number(x, decimals)


def resolve(inputs: ModelInputs, a: Assumptions) -> dict[str, float]:
    """The values in force: the user's, else the data's.

    A ratio that has neither (another region's data may lack the deck's key figures)
    is NaN, so the outputs that rest on it are NaN ("–" on screen) and :func:`run`
    says which value to set; the rest of the model still runs. Only the horizon is
    required: raises :class:`AssumptionError` (Swedish) without one, and so does a
    value that breaks a joint limit together with the data's value of the other
    (:data:`~naravard.model.scenario.params.JOINT_LIMITS`)."""
    out = {}
    for k in DATA_DEFAULT_PARAMS:
        v = inputs.value(a, k)
        if v is None:
            p = PARAMS[k]
            if k == "horisont":
                raise AssumptionError(
                    f"{k}: no value set and the data has none",
                    f"{p.label_sv}: datan har inget standardvärde. Ange ett värde.",
                    k,
                    "datan har inget standardvärde. Ange ett värde.",
                )
            v = math.nan
        out[k] = float(v)
    for limit in JOINT_LIMITS:
        # The user's values together with the data's: a share moved so far that,
        # with the other left to the data, more than all of the 80+ would be
        # enrolled. The data's own values together are the data checks' business.
        if any(getattr(a, k) is not None for k in limit.keys):
            err = limit.error({k: None if math.isnan(out[k]) else out[k] for k in limit.keys})
            if err is not None:
                raise err
    return out


def missing_values_note(v: dict[str, float]) -> str | None:
    """A Swedish note naming the ratios that have no value (see :func:`resolve`)."""
    missing = [PARAMS[k].label_sv for k, x in v.items() if math.isnan(x)]
    if not missing:
        return None
    return (
        "Datan saknar standardvärde för " + ", ".join(missing) + ". Resultat som bygger på "
        + ("det" if len(missing) == 1 else "dem")
        + " visas som – tills du anger ett värde bland antagandena."
    )


def run(inputs: ModelInputs, a: Assumptions) -> ScenarioResult:
    """Evaluate the model for one set of assumptions (about 1 ms for six kommuner).

    Raises :class:`AssumptionError` if ``a`` names a kommun code or a forecast that
    ``inputs`` does not have. A ratio without a value (the user's or the data's)
    makes the outputs that rest on it NaN, with a note (see :func:`resolve`).
    Every other edge case (no VC, 0 % or 100 % shares, a shrinking or empty kommun,
    horizon = base year, a horizon past the data) gives a defined result, NaN where a
    value is undefined, and a Swedish note."""
    a.check_kommuner(inputs.kommunkod)
    f = inputs.forecast(a.prognos)
    v = resolve(inputs, a)
    horisont = int(v["horisont"])
    notes: list[str] = []
    if (missing := missing_values_note(v)) is not None:
        notes.append(missing)
    names = inputs.kommun
    n = inputs.n

    # --- years
    if f.method == fc.DECK:
        first, end = f.years[0], f.years[-1]
        base = first
        last = min(horisont, end)
        if horisont > end:
            notes.append(
                f"{f.label_sv} sträcker sig bara till {end}. Resultaten visas t.o.m. {end}, inte till "
                f"{horisont}; modellen skriver inte fram prognosen längre."
            )
        if not (inputs.pop_80_years[0] <= base):
            raise ValueError(f"the 80+ table must start no later than {base} for the forecast {f.key}")
        last = min(last, inputs.pop_80_years[-1])
    else:
        base = inputs.basar
        last = horisont
        data_last = inputs.last_year if f.method == fc.TABLES else 10**6
        if last > data_last:
            notes.append(
                f"Befolkningsdata finns bara t.o.m. {data_last}; resultaten visas t.o.m. {data_last}, "
                f"inte till {horisont}."
            )
            last = data_last
    if last < base:
        notes.append(f"Det valda året ligger före basåret {base}; bara basåret visas.")
        last = base
    if last == base:
        notes.append(f"Framskrivningsåret är basåret ({base}); ingen förändring visas.")
    years = np.arange(base, last + 1)
    yf = years.astype(np.float64)
    T = len(years)

    # --- population
    if f.method == fc.DECK:
        first, end = f.years[0], f.years[-1]
        pop_total = inputs.hsu_invanare[:, None] + inputs.hsu_forandring[:, None] * ((yf - first) / (end - first))[None, :]
        pop_total = np.maximum(pop_total, 0.0)
        pop_80 = interp_rows(inputs.pop_80_years, inputs.pop_80, yf)
        notes.append(
            f"Prognos: {f.label_sv}. Basår {first}: invånare {first} plus förändringen till {end}, "
            "linjärt fördelad över åren."
        )
        deck = inputs.figures
        notes.append(
            "Dialogunderlaget anger antalet invånare 80+ bara för regionen totalt"
            + (f" (ca {_n(deck.deck_80)} år {deck.deck_80_period}, källans avrundade tal)" if deck.deck_80 else "")
            + ". Per kommun används därför tabellen över åldersgrupper, linjärt interpolerad."
        )
    elif f.method == fc.OWN:
        g_tot, g_80 = inputs.growth_rates(a)
        gt = np.array([g_tot[c] for c in inputs.kommunkod]) / 100.0
        g8 = np.array([g_80[c] for c in inputs.kommunkod]) / 100.0
        steps = (yf - base)[None, :]
        base_tot = interp_rows(inputs.pop_years, inputs.pop_total, np.array([float(base)]))[:, 0]
        base_80 = interp_rows(inputs.pop_80_years, inputs.pop_80, np.array([float(base)]))[:, 0]
        pop_total = base_tot[:, None] * (1.0 + gt[:, None]) ** steps
        pop_80 = base_80[:, None] * (1.0 + g8[:, None]) ** steps
        own = sorted(set(a.egen_tillvaxt_total) | set(a.egen_tillvaxt_80))
        own_names = ", ".join(names[inputs.index_of(c)] for c in own)
        ref = inputs.reference_year
        ref_label = inputs.forecast_label(None)
        notes.append(
            f"Prognos: egen. Invånare och invånare 80+ från basåret {base} förändras med en fast årlig "
            "takt (ränta på ränta). "
            + (f"Egna tal för: {own_names}. " if own else "")
            + ("Övriga kommuner" if own else "Alla kommuner")
            + f" följer sin årliga takt {base}–{ref} enligt {ref_label} (beräknad)."
        )
        if last > ref:
            notes.append(
                f"Efter {ref} fortsätter den egna prognosen med samma årliga takt. {ref_label} har en annan "
                f"takt efter {ref}, så resultaten skiljer sig från den prognosen."
            )
    else:
        pop_total = interp_rows(inputs.pop_years, inputs.pop_total, yf)
        pop_80 = interp_rows(inputs.pop_80_years, inputs.pop_80, yf)
        notes.append(f"Prognos: {f.label_sv}. Åren mellan publicerade år är linjärt interpolerade.")

    if f.method != fc.OWN and (a.egen_tillvaxt_total or a.egen_tillvaxt_80):
        notes.append("Egna tal för årlig befolkningsförändring används bara med prognosen Egen och påverkar inte resultatet.")

    # --- municipal health care and places
    inskrivna_ordinart = v["andel_ordinart"] * pop_80
    inskrivna_sabo = v["andel_sabo"] * pop_80
    sabo_behov = inskrivna_sabo * v["sabo_platser_per_inskriven"]
    korttid_behov = pop_80 / 1000.0 * v["korttid_per_1000_80"]
    calibrated = [k for k in ("andel_ordinart", "andel_sabo", "korttid_per_1000_80") if getattr(a, k) is None]
    if calibrated and inputs.calibration is not None:
        notes.append(
            "Andelarna och korttidskvoten är kalibrerade till dagens läge: dagens inskrivna och platser delat med "
            f"{inputs.calibration.text_sv}. Då är skillnaden mot dagens platser noll den dagen, och skillnaden "
            "senare är tillväxten av antalet 80+. Källans avrundade andelar finns som förvalet ”Dialogunderlagets andelar”."
        )
    notes.append(
        "Antalet SäBo- och korttidsplatser per kommun idag finns inte i källorna. Behovet visas per "
        f"kommun, men skillnaden mot dagens platser bara för {inputs.region_namn} totalt."
    )

    # --- primary care supply
    today_vc = inputs.vardcentraler
    listade0 = inputs.listade_per_vc * today_vc
    base_pop = pop_total[:, 0]
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(base_pop[:, None] > 0, pop_total / np.where(base_pop > 0, base_pop, 1.0)[:, None], np.nan)
    listade = np.where(listade0[:, None] == 0, 0.0, listade0[:, None] * ratio)
    notes.append(
        "Listade idag = snitt listade per vårdcentral × antal vårdcentraler enligt tabellen över utbudspunkter "
        f"(avrundade värden; för {inputs.region_namn} {_n(float(listade0.sum()))} listade / "
        f"{_n(float(today_vc.sum()))} vårdcentraler"
        + (f" = {_n(float(listade0.sum() / today_vc.sum()))} per vårdcentral" if today_vc.sum() else "")
        + (
            f"; dialogunderlagets eget avrundade snitt för hela regionen är ca {_n(inputs.figures.deck_listade_per_vc)}"
            if inputs.figures.deck_listade_per_vc
            else ""
        )
        + "). De följer befolkningens förändring från basåret."
    )
    no_base_pop = [names[i] for i in range(n) if base_pop[i] <= 0 and listade0[i] > 0]
    if no_base_pop:
        notes.append(f"Inga invånare basåret i {', '.join(no_base_pop)}; antalet listade kan inte räknas om (visas tomt).")

    def supply(today: np.ndarray, change: KommunMap, what_sv: str) -> np.ndarray:
        delta = np.array([change.get(c, 0) for c in inputs.kommunkod], dtype=np.float64)
        after = today + delta
        clipped = [names[i] for i in range(n) if after[i] < 0]
        if clipped:
            notes.append(
                f"Minskningen av antalet {what_sv} är större än antalet idag i {', '.join(clipped)}; "
                "antalet sätts till 0."
            )
        after = np.maximum(after, 0.0)
        out = np.repeat(after[:, None], T, axis=1)
        out[:, 0] = today
        return out

    vardcentraler = supply(today_vc, a.vc_forandring, "vårdcentraler")
    filialer = supply(inputs.filialer, a.filial_forandring, "filialer")
    if (a.vc_forandring or a.filial_forandring) and T == 1:
        notes.append("Ändrat antal vårdcentraler eller filialer syns först året efter basåret.")
    with np.errstate(divide="ignore", invalid="ignore"):
        listade_per_vc = np.where(vardcentraler > 0, listade / np.where(vardcentraler > 0, vardcentraler, 1.0), np.nan)
    zero_vc = [names[i] for i in range(n) if (vardcentraler[i] == 0).any()]
    if zero_vc:
        notes.append(
            f"Ingen vårdcentral i {', '.join(zero_vc)} (i scenariot eller idag); listade per "
            "vårdcentral kan inte räknas där och visas tomt."
        )

    if a.listade_per_vc_mal is None:
        target = inputs.listade_per_vc.astype(np.float64)
        notes.append("Mål för listade per vårdcentral: varje kommuns snitt idag enligt tabellen över utbudspunkter.")
    else:
        target = np.full(n, a.listade_per_vc_mal)
        notes.append(
            f"Mål för listade per vårdcentral: {_n(a.listade_per_vc_mal)} i alla kommuner "
            "(användarens antagande, ingen källa)."
        )
    with np.errstate(divide="ignore", invalid="ignore"):
        vc_behov_exakt = np.where(
            listade == 0,
            0.0,
            np.where(target[:, None] > 0, listade / np.where(target > 0, target, 1.0)[:, None], np.nan),
        )
    # Round up, with a tolerance so that 85 800 / 7 800 computed as 11.000000000001 stays 11.
    vc_behov = np.ceil(vc_behov_exakt - CEIL_EPS) + 0.0  # + 0.0 turns -0.0 into 0.0
    no_target = [names[i] for i in range(n) if target[i] <= 0 and listade0[i] > 0]
    if no_target:
        notes.append(f"Inget snitt listade per vårdcentral idag i {', '.join(no_target)}; behovet av vårdcentraler kan inte räknas där.")
    vc_skillnad = vc_behov - vardcentraler
    vc_skillnad_exakt = vc_behov_exakt - vardcentraler

    lakare_behov = pop_total / v["invanare_per_lakare"]
    lak_default = inputs.data_defaults.get("invanare_per_lakare")
    notes.append(
        f"Läkare: {_n(v['invanare_per_lakare'])} invånare per läkare"
        + (f" ({lak_default.text_sv})." if a.invanare_per_lakare is None and lak_default else " (användarens antagande).")
        + " Antalet läkare idag finns inte i källorna, så ingen skillnad mot idag visas."
    )

    zero80 = [names[i] for i in range(n) if (pop_80[i] == 0).all()]
    if zero80:
        notes.append(f"Inga invånare 80+ i {', '.join(zero80)}; behoven som bygger på 80+ blir 0 där.")

    # --- frames
    cols = {
        "pop_total": pop_total,
        "pop_80": pop_80,
        "inskrivna_ordinart": inskrivna_ordinart,
        "inskrivna_sabo": inskrivna_sabo,
        "sabo_platser_behov": sabo_behov,
        "korttid_platser_behov": korttid_behov,
        "listade": listade,
        "vardcentraler": vardcentraler,
        "filialer": filialer,
        "listade_per_vc": listade_per_vc,
        "vc_behov": vc_behov,
        "vc_behov_exakt": vc_behov_exakt,
        "vc_skillnad": vc_skillnad,
        "vc_skillnad_exakt": vc_skillnad_exakt,
        "lakare_behov": lakare_behov,
    }
    per_kommun = pd.DataFrame(
        {
            "kommunkod": np.repeat(np.array(inputs.kommunkod, dtype=object), T),
            "kommun": np.repeat(np.array(names, dtype=object), T),
            "year": np.tile(years.astype(np.int64), n),
            **{k: np.asarray(x, dtype=np.float64).reshape(-1) for k, x in cols.items()},
        }
    )
    per_kommun["kommunkod"] = per_kommun["kommunkod"].astype("str")
    per_kommun["kommun"] = per_kommun["kommun"].astype("str")

    tot = {k: np.asarray(x, dtype=np.float64).sum(axis=0) for k, x in cols.items() if k != "listade_per_vc"}
    with np.errstate(divide="ignore", invalid="ignore"):
        tot["listade_per_vc"] = np.where(tot["vardcentraler"] > 0, tot["listade"] / np.where(tot["vardcentraler"] > 0, tot["vardcentraler"], 1.0), np.nan)
    nan = np.full(T, np.nan)
    for key, today in (("sabo_platser", inputs.figures.sabo_platser), ("korttid_platser", inputs.figures.korttid_platser)):
        tot[f"{key}_idag"] = np.full(T, today) if today is not None else nan
        tot[f"{key}_skillnad"] = tot[f"{key}_behov"] - today if today is not None else nan
    totals = pd.DataFrame({"year": years.astype(np.int64), **{k: tot[k] for k in OUTPUTS}})
    notes.append(
        f"{inputs.region_namn} totalt = summan av kommunerna (samma regel på alla sidor); den kan skilja sig "
        "några personer från länets publicerade total, som är avrundad för sig."
    )

    # --- base-year consistency when the source's rounded shares are in use
    f_ = inputs.figures
    if f_.sabo_platser and not calibrated:
        b_need = float(tot["sabo_platser_behov"][0])
        if abs(b_need - f_.sabo_platser) > 0.05 * f_.sabo_platser:
            notes.append(
                f"Redan basåret {base} ger kvoterna {_n(b_need)} SäBo-platser mot dagens "
                f"{_n(f_.sabo_platser)}"
                + (
                    f". Källans andelar bygger på ca {_n(f_.deck_80)} invånare 80+ ({f_.deck_80_period}), medan "
                    f"tabellen anger {_n(float(tot['pop_80'][0]))} för {base}"
                    if f_.deck_80
                    else ""
                )
                + ". Med standardvärdena (kalibrerade) är skillnaden bara tillväxt."
            )
    if f_.sabo_platser is None or f_.korttid_platser is None:
        notes.append("Dagens antal SäBo- eller korttidsplatser saknas i tabellen; ingen skillnad mot idag visas.")

    return ScenarioResult(
        assumptions=a,
        base_year=int(base),
        horizon=int(last),
        requested_horizon=horisont,
        per_kommun=per_kommun,
        totals=totals,
        notes_sv=tuple(notes),
        region_namn=inputs.region_namn,
        forecast_key=f.key,
        forecast_label_sv=f.label_sv,
        values=tuple(v.items()),
    )


def default_inputs() -> ModelInputs:
    """Inputs from the embedded dataset (loads it; cache the result in the app)."""
    from naravard.sources.dataset import load_dataset

    return ModelInputs.from_dataset(load_dataset())
