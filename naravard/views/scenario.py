"""What the Scenario page shows, and the mapping between its controls and the model.

The controls hold values in the units a person thinks in (whole percent, a checkbox
for "one region-wide listing target"); :func:`assumptions_from_state` turns them into
validated :class:`~naravard.model.scenario.Assumptions`, :func:`state_from_assumptions`
goes back (for presets, the URL and opened saved scenarios). Both speak in *field
names* ("andel_ordinart", "vc_1380", "egen_prognos"); which session key holds a field
is the ui layer's business (``naravard.ui.state.sc_key``), so this module knows
neither Streamlit nor session keys.

The population forecast is the app's one forecast choice (the sidebar's), carried
here as the field :data:`FORECAST` with a published variant; the own forecast is a
scenario option on top of it (field ``egen_prognos``), because only the scenario can
take per-kommun growth rates.
"""

from __future__ import annotations

import math
from typing import Any, Mapping

import pandas as pd

from naravard import fmt
from naravard.views import figures
from naravard.model import scenario
from naravard.model.scenario import PARAMS, Assumptions, ScenarioResult

# The field that carries the published forecast (the ui maps it to the app's choice).
FORECAST = "prognos"
# The own forecast is on (per-kommun rates replace the published forecast).
EGEN = "egen_prognos"
# A region-wide listing target is on (else each kommun's average today).
MAL_ON = "mal_pa"
# scalar params with a control each; the per-kommun ones get one control per kommun
SCALARS = (
    "horisont",
    "andel_ordinart",
    "andel_sabo",
    "sabo_platser_per_inskriven",
    "korttid_per_1000_80",
    "invanare_per_lakare",
)
PER_KOMMUN = {
    "vc_forandring": "vc",
    "filial_forandring": "fil",
    "egen_tillvaxt_total": "gt",
    "egen_tillvaxt_80": "g80",
}

# Headline outputs for the region, in the order the page shows them.
HEADLINES = (
    "pop_80",
    "inskrivna_ordinart",
    "inskrivna_sabo",
    "sabo_platser_behov",
    "korttid_platser_behov",
    "listade_per_vc",
    "vc_behov_exakt",
    "lakare_behov",
)
# Short labels for the headline metrics (the full label is in the help tooltip).
SHORT_LABELS = {
    "pop_80": "Invånare 80+",
    "inskrivna_ordinart": "Inskrivna, ordinärt boende",
    "inskrivna_sabo": "Inskrivna, SäBo",
    "sabo_platser_behov": "SäBo-platser som behövs",
    "korttid_platser_behov": "Korttidsplatser som behövs",
    "listade_per_vc": "Listade per vårdcentral",
    "vc_behov_exakt": "Vårdcentraler som behövs",
    "lakare_behov": "Läkare som behövs",
}
# Rounding up per kommun makes any growth "need" a whole extra VC, which misleads a
# room; the headline shows the unrounded figure with one decimal instead.
DECIMALS = {"vc_behov_exakt": 1}
# Outputs a user can chart per kommun: the headlines plus the population.
CHARTABLE = (*HEADLINES, "pop_total")

# What the studio shows under the headline, one at a time ("Visa"): a slider step
# redraws only the view in use, so each step stays cheap.
VIEWS = {
    "diagram": "Diagram per kommun",
    "tabell": "Tabell per kommun",
    "vagval": "Underlag för vägvalen",
    "antaganden": "Antaganden och källor",
}
# Why the vägval view shows these figures (the deck's description of the options).
VAGVAL_VIEW_INTRO = (
    "Inskrivna i ordinärt boende är patientgruppen för Läkarmedverkan i hemsjukvården; "
    "korttidsplatserna är där den har medicinskt ansvar; SäBo-boende möter sin vårdcentral."
)


def field(param: str, kommunkod: str | None = None) -> str:
    """The field name of a scalar param, or of one kommun's value of a per-kommun param."""
    if kommunkod is None:
        return param
    return f"{PER_KOMMUN[param]}_{kommunkod}"


def fields(codes: list[str]) -> list[str]:
    """Every field the scenario's controls hold (not :data:`FORECAST`, which is the app's)."""
    out = [*SCALARS, MAL_ON, "listade_per_vc_mal", EGEN]
    out += [field(p, c) for p in PER_KOMMUN for c in codes]
    return out


def _widget_value(param: str, value: Any) -> Any:
    p = PARAMS[param]
    if p.is_share:
        return int(round(float(value) * 100))
    if param == "horisont":
        return int(value)
    return float(value)


def _default_rates(inputs: scenario.ModelInputs) -> dict[str, dict[str, float]]:
    """The own-forecast rates a kommun gets when the user has not changed it."""
    return {
        "egen_tillvaxt_total": dict(inputs.tillvaxt_total_rh2026),
        "egen_tillvaxt_80": dict(inputs.tillvaxt_80_rh2026),
    }


def state_from_assumptions(a: Assumptions, codes: list[str], inputs: scenario.ModelInputs) -> dict[str, Any]:
    """Field values that show ``a`` (shares as whole percent).

    :data:`FORECAST` is present only for a published forecast: the own forecast turns
    :data:`EGEN` on and leaves the app's forecast choice as it is.
    """
    st: dict[str, Any] = {field(k): _widget_value(k, getattr(a, k)) for k in SCALARS}
    st[EGEN] = a.prognos == scenario.PROGNOS_EGEN
    if not st[EGEN]:
        st[FORECAST] = a.prognos
    st[MAL_ON] = a.listade_per_vc_mal is not None
    st["listade_per_vc_mal"] = float(a.listade_per_vc_mal if a.listade_per_vc_mal is not None else default_target(inputs))
    for param in ("vc_forandring", "filial_forandring"):
        m = getattr(a, param)
        for c in codes:
            st[field(param, c)] = int(m.get(c, 0))
    rates = _default_rates(inputs)
    for param in ("egen_tillvaxt_total", "egen_tillvaxt_80"):
        m = getattr(a, param)
        for c in codes:
            st[field(param, c)] = round(float(m.get(c, rates[param][c])), 2)
    return st


def assumptions_from_state(state: Mapping[str, Any], codes: list[str], inputs: scenario.ModelInputs) -> Assumptions:
    """Validated assumptions from field values. Raises :class:`AssumptionError`."""
    kw: dict[str, Any] = {}
    if state.get(EGEN):
        kw["prognos"] = scenario.PROGNOS_EGEN
    elif state.get(FORECAST) is not None:
        kw["prognos"] = state[FORECAST]
    for k in SCALARS:
        if field(k) not in state:
            continue
        v = state[field(k)]
        kw[k] = float(v) / 100.0 if PARAMS[k].is_share else v
    if state.get(MAL_ON):
        kw["listade_per_vc_mal"] = float(state.get("listade_per_vc_mal", default_target(inputs)))
    for param in ("vc_forandring", "filial_forandring"):
        kw[param] = {c: int(state.get(field(param, c), 0)) for c in codes if int(state.get(field(param, c), 0)) != 0}
    if kw.get("prognos") == scenario.PROGNOS_EGEN:
        rates = _default_rates(inputs)
        for param in ("egen_tillvaxt_total", "egen_tillvaxt_80"):
            m = {}
            for c in codes:
                v = state.get(field(param, c))
                # keep only rates the user moved away from the computed default
                if v is not None and not math.isclose(float(v), round(float(rates[param][c]), 2), abs_tol=1e-9):
                    m[c] = float(v)
            kw[param] = m
    return Assumptions(**kw)


def default_target(inputs: scenario.ModelInputs) -> float:
    """Starting value for the region-wide listing target, shown when the user ticks it.

    Today's average from the deck's kommun table (listed per VC × VCs, summed, over
    all VCs), rounded to the widget's step, so it is traceable rather than typed in.
    """
    vc = float(inputs.vardcentraler.sum())
    avg = float((inputs.listade_per_vc * inputs.vardcentraler).sum()) / vc if vc else 7400.0
    step = float(PARAMS["listade_per_vc_mal"].step or 1)
    return round(avg / step) * step


# ------------------------------------------------------------------ presentation


def headline_items(res: ScenarioResult) -> list[tuple[str, str, str, str]]:
    """(label, value at horizon, change text, help) for the headline metrics."""
    out = []
    for k in HEADLINES:
        c = res.change(k)
        dec = DECIMALS.get(k, 0)
        val = fmt.number(c.end, dec)
        if math.isfinite(c.diff):
            delta = f"{fmt.number(c.diff, dec, signed=True)} sedan {res.base_year}"
        else:
            delta = ""
        out.append((SHORT_LABELS[k], val, delta, f"{scenario.OUTPUT_LABELS_SV[k]}. {scenario.FORMULAS_SV[k]}"))
    return out


def gap_items(res: ScenarioResult) -> list[tuple[str, str]]:
    """Halland-only comparisons with today's places (the sources give totals only)."""
    items = []
    for need, today, gap in (
        ("sabo_platser_behov", "sabo_platser_idag", "sabo_platser_skillnad"),
        ("korttid_platser_behov", "korttid_platser_idag", "korttid_platser_skillnad"),
    ):
        items.append(
            (
                scenario.OUTPUT_LABELS_SV[gap],
                f"{fmt.number(res.level(need))} behövs {res.horizon}, {fmt.number(res.level(today))} idag: "
                f"{fmt.number(res.level(gap), signed=True)} platser",
            )
        )
    return items


def gap_markdown(res: ScenarioResult) -> str:
    """The Halland-only place comparisons as one Markdown list (one element to redraw)."""
    return "\n".join(f"- **{label}:** {text}" for label, text in gap_items(res))


def assumption_rows(a: Assumptions) -> list[tuple[str, str, str]]:
    """(label, value, source) for every assumption in force — shown beside results and exported."""
    rows = []
    for k, p in PARAMS.items():
        v = getattr(a, k)
        if k == "prognos":
            text = scenario.PROGNOS_LABELS_SV.get(v, v)
        elif k == "listade_per_vc_mal":
            text = "Kommunens snitt idag" if v is None else f"{fmt.number(v)} listade per vårdcentral"
        elif p.per_kommun:
            if not v:
                if k.startswith("egen_") and a.prognos != scenario.PROGNOS_EGEN:
                    continue
                text = "Ingen ändring" if not k.startswith("egen_") else "Region Hallands takt 2025–2030"
            else:
                text = ", ".join(f"{c}: {fmt.number(x, p.decimals, signed=True)}" for c, x in v.items())
        elif p.is_share:
            text = fmt.share(v, 0)
        elif k == "horisont":
            text = str(v)
        else:
            text = fmt.number(v, p.decimals)
        rows.append((p.label_sv, text, p.source_sv))
    return rows


def kommun_chart(res: ScenarioResult, output: str) -> tuple[figures.Chart, str]:
    """Base year vs horizon per kommun for one output."""
    t = res.horizon_table(output)
    t = t[t["kommunkod"].notna()]
    long = pd.concat(
        [
            pd.DataFrame({"kommun": t["kommun"], "serie": str(res.base_year), "v": t["start"]}),
            pd.DataFrame({"kommun": t["kommun"], "serie": f"{res.horizon} (scenario)", "v": t["end"]}),
        ]
    )
    label = scenario.OUTPUT_LABELS_SV[output]
    fig = figures.grouped_bars(
        long,
        "kommun",
        "serie",
        "v",
        # no years in the title: it is part of the spec, which must not change with the
        # horizon slider (the legend names the two years)
        title=f"{label}, per kommun",
        y_title=scenario.OUTPUT_UNITS_SV[output].capitalize(),
        value_format=lambda v: fmt.number(v, DECIMALS.get(output, 0)),
    )
    d = DECIMALS.get(output, 0)
    parts = [f"{r.kommun} {fmt.number(r.start, d)} → {fmt.number(r.end, d)}" for r in t.itertuples()]
    alt = f"Stapeldiagram, {label.lower()} per kommun {res.base_year} och {res.horizon}: " + "; ".join(parts) + "."
    return fig, alt


def kommun_table(res: ScenarioResult) -> pd.DataFrame:
    """All per-kommun outputs at the horizon with change since the base year."""
    pk = res.per_kommun
    h = pk[pk["year"] == res.horizon].set_index("kommunkod")
    b = pk[pk["year"] == res.base_year].set_index("kommunkod")
    rows = []
    for code in h.index:
        row = {"Kommun": h.at[code, "kommun"]}
        for k in ("pop_80", "inskrivna_ordinart", "inskrivna_sabo", "sabo_platser_behov", "korttid_platser_behov", "vardcentraler", "filialer", "listade_per_vc", "vc_behov_exakt", "lakare_behov"):
            row[scenario.OUTPUT_LABELS_SV[k]] = fmt.number(h.at[code, k], DECIMALS.get(k, 0))
            if k in ("pop_80", "inskrivna_ordinart", "inskrivna_sabo", "lakare_behov"):
                row[f"Förändring {k}"] = fmt.number(h.at[code, k] - b.at[code, k], signed=True)
        rows.append(row)
    df = pd.DataFrame(rows)
    return df.rename(columns={f"Förändring {k}": f"± {scenario.OUTPUT_LABELS_SV[k].split(',')[0].lower()} sedan {res.base_year}" for k in ("pop_80", "inskrivna_ordinart", "inskrivna_sabo", "lakare_behov")})


def export_sheets(res: ScenarioResult) -> dict[str, pd.DataFrame]:
    """Numeric tables for Excel/CSV export, with Swedish headers."""
    labels = scenario.OUTPUT_LABELS_SV
    pk = res.per_kommun.rename(columns={"kommunkod": "Kommunkod", "kommun": "Kommun", "year": "År", **labels})
    tot = res.totals.rename(columns={"year": "År", **labels})
    return {"Per kommun och år": pk, f"{res.region_namn} per år": tot}


def formulas_table() -> pd.DataFrame:
    return pd.DataFrame(
        [{"Resultat": scenario.OUTPUT_LABELS_SV[k], "Så räknas det": v} for k, v in scenario.FORMULAS_SV.items()]
    )


# ------------------------------------------------------------------ comparison

COMPARE_OUTPUTS = ("pop_80", "inskrivna_ordinart", "inskrivna_sabo", "sabo_platser_skillnad", "korttid_platser_skillnad", "vc_behov_exakt", "lakare_behov")


def compare(results: dict[str, ScenarioResult]) -> tuple[pd.DataFrame, figures.Chart, str]:
    """Key Halland outputs at each scenario's horizon, differences to the first."""
    names = list(results)
    first = results[names[0]]
    rows = []
    long = []
    for k in COMPARE_OUTPUTS:
        row = {"Resultat": scenario.OUTPUT_LABELS_SV[k]}
        base = first.level(k)
        for n in names:
            r = results[n]
            v = r.level(k)
            d = DECIMALS.get(k, 0)
            row[f"{n} ({r.horizon})"] = fmt.number(v, d, signed=k in scenario.SIGNED_OUTPUTS)
            if n != names[0]:
                row[f"{n}: skillnad mot {names[0]}"] = fmt.number(v - base, d, signed=True)
            long.append({"Resultat": scenario.OUTPUT_LABELS_SV[k], "Scenario": n, "v": v})
        rows.append(row)
    table = pd.DataFrame(rows)
    df = pd.DataFrame(long)
    df = df[df["Resultat"].isin([scenario.OUTPUT_LABELS_SV[k] for k in ("inskrivna_ordinart", "inskrivna_sabo", "sabo_platser_skillnad", "korttid_platser_skillnad")])]
    fig = figures.grouped_bars(
        df,
        "Resultat",
        "Scenario",
        "v",
        title="Jämförelse, Halland vid respektive horisont",
        horizontal=True,
        value_format=lambda v: fmt.number(v),
        height=120 + 90 * df["Resultat"].nunique() * max(1, len(names)) // 2,
    )
    alt = "Jämförelse av scenarier: " + "; ".join(
        f"{n}: " + ", ".join(f"{scenario.OUTPUT_LABELS_SV[k].lower()} {fmt.number(results[n].level(k))}" for k in ("inskrivna_ordinart", "inskrivna_sabo"))
        for n in names
    ) + "."
    return table, fig, alt


def vagval_table(res: ScenarioResult) -> pd.DataFrame:
    """Scenario figures that bear on the strategic options, per kommun and in total.

    Enrolled in ordinary housing is the patient group of Läkarmedverkan i
    hemsjukvården (acute home visits); short-term places are where it has medical
    responsibility; SäBo residents are seen by their VC. No option is favoured.
    """
    rows = []
    for key_ in ("inskrivna_ordinart", "inskrivna_sabo", "korttid_platser_behov"):
        t = res.horizon_table(key_).set_index("kommun")
        rows.append(t[["start", "end"]].rename(columns={"start": f"{key_}_start", "end": f"{key_}_end"}))
    df = pd.concat(rows, axis=1).reset_index()
    df["alla_start"] = df["inskrivna_ordinart_start"] + df["inskrivna_sabo_start"]
    df["alla_end"] = df["inskrivna_ordinart_end"] + df["inskrivna_sabo_end"]
    b, h = res.base_year, res.horizon
    arrow = lambda s, e: f"{fmt.number(s)} → {fmt.number(e)}"  # noqa: E731
    out = pd.DataFrame({"Kommun": df["kommun"]})
    out[f"Inskrivna i ordinärt boende {b} → {h}"] = [arrow(s, e) for s, e in zip(df["inskrivna_ordinart_start"], df["inskrivna_ordinart_end"])]
    out[f"Inskrivna i SäBo {b} → {h}"] = [arrow(s, e) for s, e in zip(df["inskrivna_sabo_start"], df["inskrivna_sabo_end"])]
    out[f"Alla inskrivna {b} → {h}"] = [arrow(s, e) for s, e in zip(df["alla_start"], df["alla_end"])]
    out[f"Korttidsplatser som behövs {b} → {h}"] = [arrow(s, e) for s, e in zip(df["korttid_platser_behov_start"], df["korttid_platser_behov_end"])]
    return out


# ------------------------------------------------------------- state, store, export

class CurrentScenario:
    """The assumptions the studio last computed, in a box that outlives one rerun.

    The box itself stays in the session state (the ui keeps it) and only its content
    changes, so code that holds the box (an export built on click, outside any script
    run and without access to ``st.session_state``) always reads the latest assumptions.
    """

    __slots__ = ("assumptions",)

    def __init__(self) -> None:
        self.assumptions = Assumptions()


def current(box: Any) -> Assumptions:
    """The assumptions in a box (defaults if there is no box yet)."""
    return box.assumptions if isinstance(box, CurrentScenario) else Assumptions()


def assumptions_markdown(a: Assumptions) -> str:
    """The assumptions in force as a short Markdown list (beside the chart)."""
    return "\n".join(f"- {label}: **{value}**" for label, value, _ in assumption_rows(a))


def assumptions_display_sources(a: Assumptions) -> pd.DataFrame:
    return pd.DataFrame([{"Antagande": l, "Värde": v, "Källa": src} for l, v, src in assumption_rows(a)])


def export_title(res: ScenarioResult) -> str:
    return f"Scenario {res.region_namn} {res.base_year}–{res.horizon}"


def export_sources(ds) -> list[str]:
    """Source lines for the export's first sheet (every table the model reads)."""
    out = []
    for t in ("utbud", "befolkning", "befolkning_alder", "nyckeltal"):
        if t in ds.info:
            c = f"{ds.info[t].title}: {ds.source_of(t).citation}"
            if c not in out:
                out.append(c)
    return out


def assumptions_of(saved) -> Assumptions:
    """The assumptions of a saved scenario (raises AssumptionError if unreadable)."""
    return Assumptions.from_dict(saved.payload)


def saved_label(saved_list, scenario_id: int) -> str:
    for s in saved_list:
        if s.id == scenario_id:
            return f"{s.name} ({s.group})" if s.group else s.name
    return str(scenario_id)


def saved_display(saved_list) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "Namn": s.name,
                "Grupp/författare": s.group,
                "Anteckning": s.note,
                "Sparat": s.updated_at[:16].replace("T", " ") + " UTC",
            }
            for s in saved_list
        ]
    )


def compare_results(inputs: scenario.ModelInputs, current_a: Assumptions, saved: list) -> dict[str, ScenarioResult]:
    """Run the model for the current scenario and the chosen saved ones."""
    out = {"Aktuellt": scenario.run(inputs, current_a)}
    for s in saved:
        label = s.name if s.name not in out else f"{s.name} #{s.id}"
        out[label] = scenario.run(inputs, assumptions_of(s))
    return out


# Outputs the per-kommun comparison offers (those the model has per kommun).
COMPARE_KOMMUN_OUTPUTS = CHARTABLE


def compare_per_kommun(results: dict[str, ScenarioResult], output: str) -> pd.DataFrame:
    """One output per kommun (and the region row) at each scenario's horizon, with the
    difference to the first scenario.

    The difference is taken between the values as shown (rounded to the shown
    decimals), so a reader who subtracts the two columns gets the same figure.
    A stop-gap until the shared comparison function lands (helper B1's).
    """
    names = list(results)
    d = DECIMALS.get(output, 0)
    first = results[names[0]].horizon_table(output).set_index("kommun")["end"]
    out = pd.DataFrame({"Kommun": list(first.index)})
    for n in names:
        r = results[n]
        v = r.horizon_table(output).set_index("kommun")["end"].reindex(first.index)
        out[f"{n} ({r.horizon})"] = [fmt.number(x, d) for x in v]
        if n != names[0]:
            out[f"{n}: skillnad mot {names[0]}"] = [
                fmt.number(round(float(x), d) - round(float(b), d), d, signed=True) for x, b in zip(v, first)
            ]
    return out


def saved_options(saved_list) -> dict[int, str]:
    """Saved scenarios by id → their label (name and group), for a picker."""
    return {s.id: saved_label(saved_list, s.id) for s in saved_list}
