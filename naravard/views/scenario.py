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

import json
import math
from dataclasses import dataclass
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

# Headline outputs for the region, in the order the page shows them. Labels, short
# labels, units and decimals are the model's Output records (scenario.OUTPUT).
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
# Derived from the Output records (kept for callers of the old names).
SHORT_LABELS = {k: scenario.OUTPUT[k].short_sv for k in HEADLINES}
DECIMALS = {o.key: o.decimals for o in scenario.OUTPUT_SPECS if o.decimals}
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
        return int(round(float(value) * p.scale))
    if param == "horisont":
        return int(value)
    return float(value)


def _shown_in_widget(param: str, value: float) -> float:
    """A value as its widget shows it (whole percent, or the widget's decimals)."""
    p = PARAMS[param]
    return float(round(float(value) * p.scale)) if p.is_share else round(float(value), p.decimals)


def _default_rates(inputs: scenario.ModelInputs) -> dict[str, dict[str, float]]:
    """The own-forecast rates a kommun gets when the user has not changed it."""
    return {
        "egen_tillvaxt_total": dict(inputs.tillvaxt_total_ref),
        "egen_tillvaxt_80": dict(inputs.tillvaxt_80_ref),
    }


def state_from_assumptions(a: Assumptions, codes: list[str], inputs: scenario.ModelInputs) -> dict[str, Any]:
    """Field values that show ``a`` (shares as whole percent).

    :data:`FORECAST` is present only for a published forecast: the own forecast turns
    :data:`EGEN` on and leaves the app's forecast choice as it is. A value left to the
    data (None: the default forecast, a calibrated ratio) shows the data's value.
    """
    st: dict[str, Any] = {}
    for k in SCALARS:
        v = getattr(a, k)
        if v is None:
            v = inputs.value(a, k)
        if v is not None:
            st[field(k)] = _widget_value(k, v)
    st[EGEN] = a.prognos == scenario.PROGNOS_EGEN
    if not st[EGEN]:
        st[FORECAST] = a.prognos if a.prognos is not None else inputs.default_forecast
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
        # None: the data's default forecast (so a saved scenario follows the data)
        kw["prognos"] = None if state[FORECAST] == inputs.default_forecast else state[FORECAST]
    for k in SCALARS:
        if field(k) not in state:
            continue
        v = state[field(k)]
        data = inputs.data_defaults.get(k)
        # the data's value as long as the control still shows it (keeps it exact)
        if data is not None and math.isclose(_shown_in_widget(k, data.value), float(v) if PARAMS[k].is_share else round(float(v), PARAMS[k].decimals), abs_tol=1e-9):
            continue
        kw[k] = float(v) / PARAMS[k].scale if PARAMS[k].is_share else v
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


def param_label(param: str, inputs: scenario.ModelInputs | None = None) -> str:
    """A control's label. For a Param with ``label_names_source`` the label says whose
    figure the default is, from the data (e.g. the key figure's description "Region
    Kronobergs mål i handlingsplan"), so a borrowed target never passes as the region's."""
    p = PARAMS[param]
    label = p.label_sv + (f" ({p.unit_sv})" if p.unit_sv and not p.is_share and p.unit_sv != p.label_sv.lower() else "")
    data = inputs.data_defaults.get(param) if inputs is not None else None
    if p.label_names_source and data is not None:
        whose = data.text_sv.split(":")[0].strip()
        label = f"{p.label_sv} (standard: {whose})"
    return label


def param_help(param: str, inputs: scenario.ModelInputs | None = None) -> str:
    """A widget's help: what the assumption means and where its default comes from,
    with the computed value for a data default (e.g. the calibrated share)."""
    p = PARAMS[param]
    data = inputs.data_defaults.get(param) if inputs is not None else None
    source = f"Standard: {data.text_sv}." if data is not None else f"Källa: {p.source_sv}"
    return f"{p.help_sv} {source}"


def default_target(inputs: scenario.ModelInputs) -> float:
    """Starting value for the region-wide listing target, shown when the user ticks it.

    Today's average from the deck's kommun table (listed per VC × VCs, summed, over
    all VCs), rounded to the widget's step, so it is traceable rather than typed in.
    """
    vc = float(inputs.vardcentraler.sum())
    p = PARAMS["listade_per_vc_mal"]
    # a region without any VC has no average: start at the bound, not at a typed-in figure
    avg = float((inputs.listade_per_vc * inputs.vardcentraler).sum()) / vc if vc else float(p.min)
    step = float(p.step or 1)
    return round(avg / step) * step


# ------------------------------------------------------------------ presentation


def intro_sv(inputs: scenario.ModelInputs) -> str:
    """The page's opening sentence, from the data in use (the one 80+ rule: the sum
    of the kommuner, as in the results below)."""
    res = scenario.run(inputs, Assumptions())
    c = res.change("pop_80")
    deck = inputs.figures
    side = (
        f" (Dialogunderlagets avrundade tal: ca {fmt.number(deck.deck_80)} år {deck.deck_80_period}.)"
        if deck.deck_80
        else ""
    )
    return (
        f"Antalet invånare 80 år och äldre i {inputs.region_namn} ökar från {fmt.number(c.start)} år "
        f"{res.base_year} till {fmt.number(c.end)} år {res.horizon} enligt {inputs.forecast_label(None)}.{side} "
        "Vad betyder det per kommun för kommunal hälso- och sjukvård, särskilt boende, korttidsplatser, "
        "vårdcentraler och läkare? Ändra antagandena och se resultatet direkt."
    )


def headline_items(res: ScenarioResult, inputs: scenario.ModelInputs | None = None) -> list[tuple[str, str, str, str]]:
    """(short label, value at horizon, change text, help) for the headline metrics.

    Value and change are rounded as the Output record says, and the change is the
    difference of the two shown values, so the two figures never disagree.
    """
    out = []
    for k in HEADLINES:
        o = scenario.OUTPUT[k]
        c = res.change(k)
        end, start = scenario.shown(k, c.end), scenario.shown(k, c.start)
        val = fmt.number(end, o.decimals)
        diff = end - start
        delta = f"{fmt.number(diff, o.decimals, signed=True)} sedan {res.base_year}" if math.isfinite(diff) else ""
        out.append((o.short_sv, val, delta, f"{o.label_sv}. {scenario.formula(k, inputs, res.assumptions)}"))
    return out


def gap_items(res: ScenarioResult) -> list[tuple[str, str]]:
    """Region-only comparisons with today's places (the sources give totals only).

    The gap shown is need minus today as both are shown (whole places)."""
    items = []
    for need, today, gap in (
        ("sabo_platser_behov", "sabo_platser_idag", "sabo_platser_skillnad"),
        ("korttid_platser_behov", "korttid_platser_idag", "korttid_platser_skillnad"),
    ):
        n, t = scenario.shown(need, res.level(need)), scenario.shown(today, res.level(today))
        items.append(
            (
                scenario.OUTPUT[gap].label_sv,
                f"{fmt.number(n)} behövs {res.horizon}, {fmt.number(t)} idag: {fmt.number(n - t, signed=True)} platser",
            )
        )
    return items


def gap_markdown(res: ScenarioResult) -> str:
    """The region-only place comparisons as one Markdown list (one element to redraw)."""
    return "\n".join(f"- **{label}:** {text}" for label, text in gap_items(res))


@dataclass(frozen=True)
class AssumptionRecord:
    """One assumption in force: ``value`` is a number where the assumption is one
    (shares in percent), else text; ``text`` is how the screen shows it."""

    label: str
    value: float | str
    unit: str
    text: str
    source: str


def assumption_records(a: Assumptions, inputs: scenario.ModelInputs | None = None) -> list[AssumptionRecord]:
    """Every assumption in force, with its value as a number and its unit, its text
    as the screen shows it, and its source (for a data default: its derivation)."""
    rows = []
    for k, p in PARAMS.items():
        v = getattr(a, k)
        source = p.source_sv
        if k == "prognos":
            text = inputs.forecast_label(v) if inputs is not None else (v or "Standardprognosen")
            rows.append(AssumptionRecord(p.label_sv, text, "", text, source))
            continue
        if k == "listade_per_vc_mal":
            if v is None:
                rows.append(AssumptionRecord(p.label_sv, "Kommunens snitt idag", "", "Kommunens snitt idag", source))
            else:
                rows.append(AssumptionRecord(p.label_sv, float(v), p.unit_sv, f"{fmt.number(v)} listade per vårdcentral", source))
            continue
        if p.per_kommun:
            if not v:
                own = inputs is not None and getattr(inputs.forecast_map.get(a.prognos or ""), "method", "") == "egen"
                if k.startswith("egen_") and not own:
                    continue
                text = "Ingen ändring" if not k.startswith("egen_") else "Standardprognosens takt"
            else:
                names = dict(zip(inputs.kommunkod, inputs.kommun)) if inputs is not None else {}
                text = ", ".join(f"{names.get(c, c)}: {fmt.number(x, p.decimals, signed=True)}" for c, x in v.items())
            rows.append(AssumptionRecord(p.label_sv, text, p.unit_sv, text, source))
            continue
        if v is None:
            data = inputs.data_defaults.get(k) if inputs is not None else None
            if data is None:
                rows.append(AssumptionRecord(p.label_sv, "Datans värde", p.unit_sv, "Datans värde", source))
                continue
            v, source = data.value, f"Standard, {data.text_sv}"
        if p.is_share:
            # whole percent as the user set it (15 %), one decimal for a computed share (13,6 %)
            d = 0 if math.isclose(float(v) * 100.0, round(float(v) * 100.0), abs_tol=1e-9) else 1
            rows.append(AssumptionRecord(p.label_sv, round(float(v) * 100.0, d), "procent av invånarna 80+", fmt.share(v, d), source))
        elif k == "horisont":
            rows.append(AssumptionRecord(p.label_sv, int(v), "år", str(int(v)), source))
        else:
            rows.append(AssumptionRecord(p.label_sv, round(float(v), p.decimals), p.unit_sv, fmt.number(v, p.decimals), source))
    return rows


def assumption_rows(a: Assumptions, inputs: scenario.ModelInputs | None = None) -> list[tuple[str, str, str]]:
    """(label, value as shown, source) for every assumption in force — shown beside results."""
    return [(r.label, r.text, r.source) for r in assumption_records(a, inputs)]


def kommun_chart(res: ScenarioResult, output: str) -> tuple[figures.Chart, str]:
    """Base year vs horizon per kommun for one output."""
    o = scenario.OUTPUT[output]
    t = res.horizon_table(output)
    t = t[t["kommunkod"].notna()]
    long = pd.concat(
        [
            pd.DataFrame({"kommun": t["kommun"], "serie": str(res.base_year), "v": t["start"]}),
            pd.DataFrame({"kommun": t["kommun"], "serie": f"{res.horizon} (scenario)", "v": t["end"]}),
        ]
    )
    fig = figures.grouped_bars(
        long,
        "kommun",
        "serie",
        "v",
        # no years in the title: it is part of the spec, which must not change with the
        # horizon slider (the legend names the two years)
        title=f"{o.label_sv}, per kommun",
        y_title=o.unit_sv.capitalize(),
        value_format=lambda v: fmt.number(v, o.decimals),
    )
    d = o.decimals
    parts = [f"{r.kommun} {fmt.number(r.start, d)} → {fmt.number(r.end, d)}" for r in t.itertuples()]
    alt = f"Stapeldiagram, {o.label_sv.lower()} per kommun {res.base_year} och {res.horizon}: " + "; ".join(parts) + "."
    return fig, alt


# The per-kommun table's outputs, and those that also get a change column.
TABLE_OUTPUTS = (
    "pop_80",
    "inskrivna_ordinart",
    "inskrivna_sabo",
    "sabo_platser_behov",
    "korttid_platser_behov",
    "vardcentraler",
    "filialer",
    "listade_per_vc",
    "vc_behov_exakt",
    "vc_behov",
    "lakare_behov",
)
TABLE_CHANGES = ("pop_80", "inskrivna_ordinart", "inskrivna_sabo", "lakare_behov")


def _change_header(k: str, base_year: int) -> str:
    head = scenario.OUTPUT[k].label_sv.split(",")[0]
    return f"± {head[:1].lower()}{head[1:]} sedan {base_year}"  # keeps "SäBo" as written


def kommun_frame(res: ScenarioResult) -> pd.DataFrame:
    """The per-kommun table at the horizon as numbers, with the region row last.

    Every value is rounded as the page shows it (:func:`scenario.shown`), and each
    change is the difference of the shown values, so the page's table
    (:func:`kommun_table`) and the export (:func:`export_sheets`) hold the same figures.
    """
    pk = res.per_kommun
    h = pk[pk["year"] == res.horizon].set_index("kommunkod")
    b = pk[pk["year"] == res.base_year].set_index("kommunkod")
    rows = []
    for code in h.index:
        row: dict[str, Any] = {"Kommun": h.at[code, "kommun"]}
        for k in TABLE_OUTPUTS:
            row[scenario.OUTPUT[k].label_sv] = scenario.shown(k, h.at[code, k])
            if k in TABLE_CHANGES:
                row[_change_header(k, res.base_year)] = scenario.shown(k, h.at[code, k]) - scenario.shown(k, b.at[code, k])
        rows.append(row)
    row = {"Kommun": f"{res.region_namn} totalt"}
    for k in TABLE_OUTPUTS:
        row[scenario.OUTPUT[k].label_sv] = scenario.shown(k, res.level(k))
        if k in TABLE_CHANGES:
            row[_change_header(k, res.base_year)] = scenario.shown(k, res.level(k)) - scenario.shown(k, res.level(k, res.base_year))
    rows.append(row)
    return pd.DataFrame(rows)


def kommun_table(res: ScenarioResult) -> pd.DataFrame:
    """All per-kommun outputs at the horizon with change since the base year (formatted)."""
    df = kommun_frame(res)
    out = pd.DataFrame({"Kommun": df["Kommun"]})
    for k in TABLE_OUTPUTS:
        col = scenario.OUTPUT[k].label_sv
        out[col] = [fmt.number(v, scenario.OUTPUT[k].decimals) for v in df[col]]
        if k in TABLE_CHANGES:
            ch = _change_header(k, res.base_year)
            out[ch] = [fmt.number(v, scenario.OUTPUT[k].decimals, signed=True) for v in df[ch]]
    return out


def _export_header(k: str) -> str:
    o = scenario.OUTPUT[k]
    return f"{o.label_sv} ({o.unit_sv})"


def export_sheets(res: ScenarioResult) -> dict[str, pd.DataFrame]:
    """Numeric tables for Excel/CSV, with Swedish headers that name unit and rounding.

    * "Per kommun {horizon}": the page's per-kommun table (:func:`kommun_frame`), the
      same figures as on screen, region row last.
    * "Per kommun och år" and "{region} per år": every output per year, rounded as the
      page shows it (persons and places whole; unrounded VC need to one decimal); the
      rounded-up VC need sits beside the unrounded one, each header says which.
    """
    def rounded(frame: pd.DataFrame, keys: tuple[str, ...]) -> pd.DataFrame:
        out = frame.copy()
        for k in keys:
            out[k] = [scenario.shown(k, v) for v in out[k]]
        return out.rename(columns={k: _export_header(k) for k in keys})

    pk = rounded(res.per_kommun, scenario.KOMMUN_OUTPUTS).rename(columns={"kommunkod": "Kommunkod", "kommun": "Kommun", "year": "År"})
    tot = rounded(res.totals, scenario.OUTPUTS).rename(columns={"year": "År"})
    return {
        f"Per kommun {res.horizon}": kommun_frame(res),
        "Per kommun och år": pk,
        f"{res.region_namn} per år": tot,
    }


ROUNDING_NOTE_SV = (
    "Talen är avrundade som på skärmen: invånare, personer, platser och läkare till hela tal, "
    "vårdcentraler som behövs (oavrundat) till en decimal. ”Avrundat uppåt per kommun” betyder att "
    "varje kommuns behov avrundas uppåt till helt antal innan regionen summeras."
)


def formulas_table(inputs: scenario.ModelInputs | None = None, a: Assumptions | None = None) -> pd.DataFrame:
    return pd.DataFrame(
        [{"Resultat": o.label_sv, "Så räknas det": scenario.formula(o.key, inputs, a)} for o in scenario.OUTPUT_SPECS]
    )


# ------------------------------------------------------------------ comparison

COMPARE_OUTPUTS = ("pop_80", "inskrivna_ordinart", "inskrivna_sabo", "sabo_platser_skillnad", "korttid_platser_skillnad", "vc_behov_exakt", "lakare_behov")


def compare_per_kommun(
    first: ScenarioResult,
    other: ScenarioResult,
    names: tuple[str, str] = ("Aktuellt", "Jämfört"),
    keys: tuple[str, ...] = COMPARE_OUTPUTS,
) -> pd.DataFrame:
    """Two scenarios per kommun and in total, formatted for the page: the model's
    :func:`scenario.compare` (values as shown, difference of the shown values).
    Columns: Resultat, Kommun, "{name} ({horizon})" for each, "Skillnad"."""
    c = scenario.compare(first, other, keys)
    dec = [scenario.OUTPUT[k].decimals for k in c["key"]]
    signed = [scenario.OUTPUT[k].signed for k in c["key"]]
    return pd.DataFrame(
        {
            "Resultat": [scenario.OUTPUT[k].label_sv for k in c["key"]],
            "Kommun": c["kommun"],
            f"{names[0]} ({first.horizon})": [fmt.number(v, d, signed=s) for v, d, s in zip(c["a"], dec, signed)],
            f"{names[1]} ({other.horizon})": [fmt.number(v, d, signed=s) for v, d, s in zip(c["b"], dec, signed)],
            "Skillnad": [fmt.number(v, d, signed=True) for v, d in zip(c["delta"], dec)],
        }
    )


def _md(name: str) -> str:
    """A scenario's name in a table header: the page draws these tables with
    ``st.table``, which reads headers and cells as Markdown, and a name is stored text."""
    return fmt.as_text(name)


def compare(results: dict[str, ScenarioResult]) -> tuple[pd.DataFrame, figures.Chart, str]:
    """Key region outputs at each scenario's horizon, differences to the first.

    Each difference is computed from the values as shown (rounded to the output's
    decimals), so +1 504 and +2 397 differ by +893. The names (keys of ``results``,
    as stored) are escaped for the table's Markdown and the chart's HTML-like labels;
    the text alternative is plain (the chart's caption escapes it)."""
    names = list(results)
    first = results[names[0]]
    region = first.region_namn
    rows = []
    long = []
    for k in COMPARE_OUTPUTS:
        o = scenario.OUTPUT[k]
        row = {"Resultat": o.label_sv}
        base = scenario.shown(k, first.level(k))
        for n in names:
            r = results[n]
            v = scenario.shown(k, r.level(k))
            row[f"{_md(n)} ({r.horizon})"] = fmt.number(v, o.decimals, signed=o.signed)
            if n != names[0]:
                row[f"{_md(n)}: skillnad mot {_md(names[0])}"] = fmt.number(v - base, o.decimals, signed=True)
            long.append({"Resultat": o.label_sv, "Scenario": fmt.plotly_text(n), "v": v})
        rows.append(row)
    table = pd.DataFrame(rows)
    df = pd.DataFrame(long)
    df = df[df["Resultat"].isin([scenario.OUTPUT[k].label_sv for k in ("inskrivna_ordinart", "inskrivna_sabo", "sabo_platser_skillnad", "korttid_platser_skillnad")])]
    fig = figures.grouped_bars(
        df,
        "Resultat",
        "Scenario",
        "v",
        title=f"Jämförelse, {region} vid respektive horisont",
        horizontal=True,
        value_format=lambda v: fmt.number(v),
        height=120 + 90 * df["Resultat"].nunique() * max(1, len(names)) // 2,
    )
    alt = "Jämförelse av scenarier: " + "; ".join(
        f"{n}: " + ", ".join(f"{scenario.OUTPUT[k].label_sv.lower()} {fmt.number(results[n].level(k))}" for k in ("inskrivna_ordinart", "inskrivna_sabo"))
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


def assumptions_markdown(a: Assumptions, inputs: scenario.ModelInputs | None = None) -> str:
    """The assumptions in force as a short Markdown list (beside the chart)."""
    return "\n".join(f"- {label}: **{value}**" for label, value, _ in assumption_rows(a, inputs))


def assumptions_display_sources(a: Assumptions, inputs: scenario.ModelInputs | None = None) -> pd.DataFrame:
    return pd.DataFrame([{"Antagande": l, "Värde": v, "Källa": src} for l, v, src in assumption_rows(a, inputs)])


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


def label_of(s) -> str:
    """A saved scenario's plain label (name and group), for pickers and messages; the
    ui shows it as text (a picker's option) or escapes it (Markdown)."""
    return f"{s.name} ({s.group})" if s.group else s.name


def saved_label(saved_list, scenario_id: int) -> str:
    for s in saved_list:
        if s.id == scenario_id:
            return label_of(s)
    return str(scenario_id)


SAVED_COLUMNS = ("Namn", "Grupp/författare", "Anteckning", "Sparat")


def saved_display(saved_list) -> pd.DataFrame:
    """One page of the saved list for ``st.table``: names, groups and notes are stored
    text, escaped so that Markdown shows them as written (never a link, an image, a
    heading or LaTeX)."""
    return pd.DataFrame(
        [
            {
                "Namn": fmt.as_text(s.name),
                "Grupp/författare": fmt.as_text(s.group),
                "Anteckning": fmt.as_text(s.note),
                "Sparat": s.updated_at[:16].replace("T", " ") + " UTC",
            }
            for s in saved_list
        ],
        columns=list(SAVED_COLUMNS),
    )


def page_caption(first: int, shown: int, total: int, search: str) -> str:
    """'Visar 21–40 av 312 sparade scenarier' (plain text; the search is quoted as typed)."""
    what = f"sparade scenarier som innehåller ”{search}”" if search else "sparade scenarier"
    if total == 0:
        return f"Inga {what}." if search else "Inga sparade scenarier ännu."
    if shown == 0:
        return f"Inga på den här sidan av {fmt.number(total)} {what}."
    return f"Visar {fmt.number(first + 1)}–{fmt.number(first + shown)} av {fmt.number(total)} {what}."


def unreadable_sv(n: int) -> str:
    """The notice for damaged rows skipped on a page."""
    if n == 1:
        return "1 sparat scenario kunde inte läsas (det är skadat) och visas inte. De andra visas som vanligt."
    return f"{fmt.number(n)} sparade scenarier kunde inte läsas (de är skadade) och visas inte. De andra visas som vanligt."


def compare_results(inputs: scenario.ModelInputs, current_a: Assumptions, saved: list) -> dict[str, ScenarioResult]:
    """Run the model for the current scenario and the chosen saved ones."""
    out = {"Aktuellt": scenario.run(inputs, current_a)}
    for s in saved:
        label = s.name if s.name not in out else f"{s.name} #{s.id}"
        out[label] = scenario.run(inputs, assumptions_of(s))
    return out


# Outputs the per-kommun comparison offers (those the model has per kommun).
COMPARE_KOMMUN_OUTPUTS = CHARTABLE


def compare_output_per_kommun(results: dict[str, ScenarioResult], output: str) -> pd.DataFrame:
    """One output per kommun (and the region row) at each scenario's horizon, with the
    difference to the first scenario (the Jämför tab's per-kommun table; for all
    outputs of two scenarios see :func:`compare_per_kommun`).

    The difference is taken between the values as shown (rounded to the shown
    decimals), so a reader who subtracts the two columns gets the same figure.
    """
    names = list(results)
    d = DECIMALS.get(output, 0)
    first = results[names[0]].horizon_table(output).set_index("kommun")["end"]
    out = pd.DataFrame({"Kommun": list(first.index)})
    for n in names:
        r = results[n]
        v = r.horizon_table(output).set_index("kommun")["end"].reindex(first.index)
        out[f"{_md(n)} ({r.horizon})"] = [fmt.number(x, d) for x in v]
        if n != names[0]:
            out[f"{_md(n)}: skillnad mot {_md(names[0])}"] = [
                fmt.number(round(float(x), d) - round(float(b), d), d, signed=True) for x, b in zip(v, first)
            ]
    return out


def saved_options(saved_list) -> dict[int, str]:
    """Saved scenarios by id → their label (name and group), for a picker."""
    return {s.id: label_of(s) for s in saved_list}


def save_fingerprint(name: str, group: str, note: str, payload: dict) -> str:
    """What one click on "Spara scenariot" would save, as one comparable string: two
    clicks with the same fingerprint are the same save (see ui.scenario._save)."""
    return json.dumps([name.strip(), group.strip(), note.strip(), payload], sort_keys=True, ensure_ascii=False, default=str)
