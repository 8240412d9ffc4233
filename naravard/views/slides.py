"""Slides: what a presentation (the Presentera page) and its handouts (PPTX, PDF) show.

A :class:`Slide` is plain data: a title, big numbers, a Plotly figure dict, a table of
numbers with a formatter per column, text, its "Källa:" lines, the assumptions of a
scenario slide and a text alternative. It is built from the live data and the scenario
in force by the same view functions the pages use, so a slide never computes a figure
of its own: a table's numbers are the view's numbers (the view's ``*_numbers`` or
``*_frame`` function), and its formatters are the view's, so a handout cell reads as
the page's cell.

:func:`catalogue` lists the slides the data in use can give (:class:`SlideSpec`, each
with a stable, short ASCII id for links); :func:`parse_slide_ids` reads a link's list
of ids. Region names come from the data, never from this code; text quoted from the
deck (``dialog.toml``) is data.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo
from typing import Any, Callable, Iterable, Sequence

import pandas as pd

from naravard import fmt
from naravard.model import population
from naravard.model import scenario
from naravard.model import supply
from naravard.model.scenario import Assumptions, ModelInputs
from naravard.sources.dataset import Dataset
from naravard.views import befolkning, content, oversikt, tillganglighet
from naravard.views import scenario as scenario_view
from naravard.views.tables import Column

KINDS = ("numbers", "figure", "table", "text")
#: At most this many slides in one presentation (a link asking for more is cut).
MAX_SLIDES = 30
#: A slide id: lower-case ASCII letters, digits and hyphens, short (it goes in links).
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,31}$")
#: The longest list of ids a link may hold (characters); the rest is not read.
MAX_IDS_TEXT = 2000

Formatter = Callable[[Any], str]


def _missing(v: Any) -> bool:
    try:
        return v is None or (isinstance(v, float) and math.isnan(v)) or bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


@dataclass(frozen=True, eq=False)
class Slide:
    """One slide, ready for the screen and the handouts.

    ``table`` holds numbers (text only in text columns such as "Kommun"); ``formats``
    maps a numeric column to the formatter that shows it the Swedish way (the view's
    own), so :meth:`table_text` is what the page would show. ``numbers`` are big
    figures as (label, value text, note). ``body`` is plain text, one paragraph or
    bullet a line (never markup). ``assumptions`` are (label, value text, source) of the
    scenario in force (scenario slides only, as "Antaganden och källor" lists them).
    ``notes`` are remarks a handout prints with the slide (what the data lacks, say)."""

    id: str
    title: str
    kind: str
    numbers: tuple[tuple[str, str, str], ...] = ()
    figure: dict | None = None
    table: pd.DataFrame | None = None
    formats: dict[str, Formatter] = field(default_factory=dict)
    body: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    assumptions: tuple[tuple[str, str, str], ...] = ()
    alt_text: str = ""
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown slide kind {self.kind!r}")
        if not ID_PATTERN.match(self.id):
            raise ValueError(f"slide id {self.id!r} is not short lower-case ASCII")

    def cell_text(self, column: str, value: Any) -> str:
        """One cell as the page shows it: the column's formatter, else the text."""
        f = self.formats.get(column)
        if f is not None:
            return f(value)
        return "–" if _missing(value) else str(value)

    def table_text(self) -> list[list[str]]:
        """The table as text, header row first ([] when the slide has no table)."""
        if self.table is None:
            return []
        cols = [str(c) for c in self.table.columns]
        rows = [[self.cell_text(c, v) for c, v in zip(cols, row)] for row in self.table.itertuples(index=False, name=None)]
        return [cols, *rows]


@dataclass(frozen=True)
class SlideSpec:
    """A slide the presenter can pick: id, title and kind for the picker; :meth:`build`
    makes the :class:`Slide` from the data and scenario the catalogue was made with."""

    id: str
    title: str
    kind: str
    builder: Callable[[], Slide] = field(repr=False, compare=False)

    def build(self) -> Slide:
        return self.builder()


# ---------------------------------------------------------------------- helpers


def source_lines(ds: Dataset, *tables: str, extra: str = "") -> tuple[str, ...]:
    """The "Källa:" line of a slide, and of ``ui.widgets.source_line`` under a chart:
    each distinct citation of the tables once, then the extra note."""
    seen: list[str] = []
    for t in tables:
        if t in ds.info:
            c = ds.source_of(t).citation
            if c not in seen:
                seen.append(c)
    text = "Källa: " + "; ".join(seen) if seen else ""
    if extra:
        text = f"{text}. {extra}" if text else extra
    return (text,) if text else ()


def numeric_table(df: pd.DataFrame, columns: Sequence[Column], keep: Iterable[str] | None = None) -> tuple[pd.DataFrame, dict[str, Formatter]]:
    """A view's numbers and its column spec (source column, Swedish header, formatter)
    → (table with Swedish headers and the numbers, header → formatter). ``keep`` picks
    columns by header (in the spec's order); a spec's ``None`` formatter is a text column."""
    wanted = set(keep) if keep is not None else None
    cols = [c for c in columns if wanted is None or c[1] in wanted]
    out = pd.DataFrame({label: df[col].to_list() for col, label, _ in cols})
    return out, {label: f for _, label, f in cols if f is not None}


def _plain_text(text: str) -> str:
    """Quoted deck text as plain text: the file allows Markdown bold (``**…**``)."""
    return " ".join(text.replace("**", "").split())


def _numbers_alt(title: str, numbers: Sequence[tuple[str, str, str]]) -> str:
    return f"{title}: " + "; ".join(f"{label} {value}" + (f" ({note})" if note else "") for label, value, note in numbers) + "."


# ------------------------------------------------------------------- builders


def _headline_slide(ds: Dataset, variant: str) -> Slide:
    items = oversikt.headlines(ds, variant)
    title = oversikt.title(ds)
    numbers = tuple((h.label, h.value, h.delta or "") for h in items)
    return Slide(
        "oversikt", title, "numbers", numbers=numbers,
        sources=source_lines(ds, *oversikt.headline_tables(ds, variant), extra=oversikt.headline_note(ds, variant)),
        alt_text=_numbers_alt(title, numbers),
    )


KOMMUN_COLUMNS_SKIPPED = ("Snitt listade per VC",)


def _kommun_slide(ds: Dataset, variant: str) -> Slide:
    t, cols = oversikt.kommun_numbers(ds, variant)
    # The region's average listing is the deck's approximate figure ("ca 7 400"), which
    # the page writes in its own way; it stays on the headline slide.
    keep = [label for _, label, _ in cols if label not in KOMMUN_COLUMNS_SKIPPED]
    table, formats = numeric_table(t, cols, keep)
    return Slide(
        "kommuner", "Invånare och vårdcentraler per kommun", "table", table=table, formats=formats,
        sources=source_lines(ds, *oversikt.kommun_tables(ds, variant),
                             extra="Invånare per VC = invånare / antal vårdcentraler. Listade kan bo i en annan kommun."),
        alt_text=oversikt.kommun_alt(),
    )


def _pop80_slide(ds: Dataset) -> Slide:
    chart, alt = befolkning.pop80_chart(ds)
    table, formats = numeric_table(*befolkning.pop80_numbers(ds))
    return Slide(
        "aldre80", "Invånare 80 år och äldre per kommun", "figure", figure=chart.figure, table=table, formats=formats,
        sources=source_lines(ds, "befolkning_alder", extra=befolkning.pop80_note(ds)), alt_text=alt,
    )


#: The scenario's per-kommun outputs on its slide (the page's table has all of them).
SCENARIO_SLIDE_OUTPUTS = ("pop_80", "inskrivna_ordinart", "inskrivna_sabo", "sabo_platser_behov", "korttid_platser_behov", "lakare_behov")
SCENARIO_SOURCE_TABLES = ("utbud", "befolkning", "befolkning_alder", "nyckeltal")
ASSUMPTIONS_NOTE = "Scenariots antaganden med källa står under Antaganden."


def _assumptions(a: Assumptions, inputs: ModelInputs) -> tuple[tuple[str, str, str], ...]:
    return tuple(scenario_view.assumption_rows(a, inputs))


def _scenario_headline_slide(ds: Dataset, inputs: ModelInputs, a: Assumptions, name: str) -> Slide:
    res = scenario.run(inputs, a)
    numbers = tuple((label, value, delta) for label, value, delta, _ in scenario_view.headline_items(res, inputs))
    title = f"{scenario_view.export_title(res)}: nyckeltal"
    return Slide(
        "sc-tal", title, "numbers", numbers=numbers,
        body=(f"Scenario: {name}",) if name else (),
        sources=source_lines(ds, *SCENARIO_SOURCE_TABLES, extra=ASSUMPTIONS_NOTE),
        assumptions=_assumptions(a, inputs),
        notes=tuple(res.notes_sv) if getattr(res, "notes_sv", None) else (),
        alt_text=_numbers_alt(title, numbers),
    )


def _scenario_kommun_slide(ds: Dataset, inputs: ModelInputs, a: Assumptions, name: str) -> Slide:
    res = scenario.run(inputs, a)
    frame = scenario_view.kommun_frame(res)
    cols: list[Column] = [("Kommun", "Kommun", None)]
    for k in SCENARIO_SLIDE_OUTPUTS:
        o = scenario.OUTPUT[k]
        cols.append((o.label_sv, f"{o.short_sv} {res.horizon}", (lambda d, s: lambda v: fmt.number(v, d, signed=s))(o.decimals, o.signed)))
    table, formats = numeric_table(frame, cols)
    title = f"{scenario_view.export_title(res)}: per kommun"
    alt = f"Tabell per kommun år {res.horizon}: " + ", ".join(h for h in table.columns[1:]) + "."
    return Slide(
        "sc-kommun", title, "table", table=table, formats=formats,
        body=(f"Scenario: {name}",) if name else (),
        sources=source_lines(ds, *SCENARIO_SOURCE_TABLES, extra=ASSUMPTIONS_NOTE),
        assumptions=_assumptions(a, inputs), alt_text=alt,
        notes=tuple(res.notes_sv) if getattr(res, "notes_sv", None) else (),
    )


def map_slide_id(measure: str) -> str:
    return "karta-" + measure.replace("_", "-")


def _map_slide(ds: Dataset, variant: str, measure: str, boundaries, boundary_note: str) -> Slide:
    from naravard.views import maps

    m = supply.measure_for(ds, variant, measure)
    values = supply.map_values(ds, measure, variant)
    chart = maps.map_figure(boundaries, ds.table("kommuner"), values, m.label_sv, m.format, title=m.label_sv)
    names = ds.kommun_names()
    ordered = values.sort_values(ascending=False, na_position="last")
    table = pd.DataFrame({"Kommun": [names.get(k, k) for k in ordered.index], "Värde": ordered.to_list()})
    return Slide(
        map_slide_id(measure), f"Karta: {m.label_sv}", "figure", figure=chart.figure, table=table, formats={"Värde": m.format},
        sources=source_lines(ds, *m.sources, "kommuner", extra=boundary_note), alt_text=supply.map_message(ds, values, m),
    )


def tg_slide_id(kpi: str) -> str:
    return "tg-" + re.sub(r"[^a-z0-9]+", "-", kpi.lower()).strip("-")


def _access_slide(ds: Dataset, kpi: str) -> Slide:
    chart, alt = tillganglighet.indicator_chart(ds, kpi)
    table, formats = numeric_table(*tillganglighet.indicator_numbers(ds, kpi))
    return Slide(
        tg_slide_id(kpi), chart.title or tillganglighet.indicator_names(ds).get(kpi, kpi), "figure",
        figure=chart.figure, table=table, formats=formats,
        sources=source_lines(ds, "tillganglighet", extra=tillganglighet.indicator_note(ds, kpi)), alt_text=alt,
    )


#: The deck's themes, in its order: (slide id, theme name).
THEMES = (("dialog-aldre", "Äldre"), ("dialog-geo", "Geografi och utbudspunkter"), ("dialog-tg", "Tillgänglighet"))


def _theme_questions(ds: Dataset, slide_id: str) -> tuple[str, ...]:
    """The theme's questions from the data dir's dialogue file ((), when it has none)."""
    d = content.dialog(ds)
    if d is None:
        return ()
    if slide_id == "dialog-aldre":
        lines = [d.strategic_question] if d.strategic_question else []
        lines += [f"Vägval {o.title}" for o in d.options]
        return tuple(lines)
    if slide_id == "dialog-geo":
        # read when the data's dialogue file has the theme (the geography issue adds it)
        return tuple(getattr(d, "geo_questions", ()) or ())
    return tuple(d.access_questions)


def _dialog_slide(ds: Dataset, slide_id: str, theme: str) -> Slide:
    lines = [_plain_text(content.fill_facts(ds, q)) for q in _theme_questions(ds, slide_id)]
    closing = content.closing_question(ds)
    if closing:
        lines.append(closing)
    title = f"Frågor till dialogen: {theme}"
    return Slide(
        slide_id, title, "text", body=tuple(lines),
        sources=(f"Källa: {content.citation(ds).removeprefix('Texterna: ')}",) if content.citation(ds) else (),
        alt_text=f"{title}. " + " ".join(lines),
    )



# ------------------------------------------------------------------ geography


@dataclass(frozen=True, eq=False)
class GeoInput:
    """What the geography slides need besides the dataset and the scenario: the
    population grid and its year, the unit register in use with its label and credit
    (the example's "ofullständigt" label goes on every slide the register feeds), the
    detour factor of the Geografi page and the credits for the Källa lines. The ui
    gathers it from the session; the slides call the Geografi page's use case
    (:func:`naravard.services.geografi.analyse`) and views with it, so the numbers are
    the page's."""

    grid: pd.DataFrame | None = None
    grid_year: int | None = None
    grid_citation: str = ""
    boundary_citation: str = ""
    register: pd.DataFrame | None = None
    register_label_sv: str = ""
    register_attribution: str = ""
    detour: float = 1.0


#: The geography slides' ids (stable, for links).
GEO_IDS = ("geo-avstand", "geo-kommun", "geo-andring", "geo-befolkning")


def _geo_analysis(ds: Dataset, inputs: ModelInputs, a: Assumptions, geo: GeoInput):
    """The Geografi page's use case for the scenario in force: its forecast and
    horizon scale the squares, its unit changes are the what-if."""
    from naravard.services import geografi as geo_service

    return geo_service.analyse(
        ds, a.replace(enheter=()), geo.register, a.enheter, detour=geo.detour, grid=geo.grid,
        grid_year=geo.grid_year, inputs=inputs, register_label_sv=geo.register_label_sv,
        register_attribution=geo.register_attribution,
    )


def _geo_sources(ds: Dataset, an, geo: GeoInput) -> tuple[str, ...]:
    from naravard.views import geografi as geo_view

    return tuple(geo_view.source_lines(ds, an, grid_citation=geo.grid_citation, boundary_citation=geo.boundary_citation))


def _register_line(an) -> str:
    """The register's label as the slide's first line (the example says it is incomplete)."""
    label = an.register_label_sv or "Inläst register"
    credit = f" ({an.register_attribution})" if an.register_attribution else ""
    return f"Enheterna: {label}{credit}."


def _geo_numbers(ds: Dataset, an) -> tuple[tuple[str, str, str], ...]:
    """The Geografi page's headline figures (views.geografi.headline); the note is the
    change after the what-if, else the deck's figure for the same distance; a distance
    the register cannot give ("–": no unit of that type) says so."""
    import math

    from naravard.sources import geoframes as gf
    from naravard.views import geografi as geo_view

    out = []
    for label, value, delta, _help in geo_view.headline(an, ds):
        note = f"förändring {delta}" if delta and delta != "–" else ""  # "–": nothing to compare with
        for lg in an.longest:
            if label != f"Längst till {gf.TYPE_LABELS_SV.get(lg.key, '')}":
                continue
            parts = [note] if note else []
            if math.isnan(lg.after):
                parts = [f"registret har ingen {gf.TYPE_LABELS_SV[lg.key]}"]
            if lg.deck_km is not None and not note:
                parts.append(f"dialogunderlaget: {fmt.number(lg.deck_km)} km ({lg.deck_period})")
            note = "; ".join(parts)
        out.append((label, value, note))
    return tuple(out)


def _geo_distance_slide(ds: Dataset, inputs: ModelInputs, an_of, geo: GeoInput) -> Slide:
    from naravard.views import geografi as geo_view

    an = an_of()
    numbers = _geo_numbers(ds, an)
    title = f"Avstånd till vårdcentral och filial {an.scaling.year}"
    body = (_register_line(an), *geo_view.deck_distance_lines(ds))
    return Slide(
        "geo-avstand", title, "numbers", numbers=numbers, body=body,
        sources=_geo_sources(ds, an, geo), notes=tuple(an.notes_sv),
        alt_text=_numbers_alt(title, numbers) + " " + _register_line(an),
    )


def _geo_kommun_slide(ds: Dataset, inputs: ModelInputs, an_of, geo: GeoInput) -> Slide:
    """Coverage per kommun: the numbers of the Geografi page's table per kommun (its
    summary after the changes, the same key), with the page's formats."""
    from naravard.model.geo.distance import REGION_ROW, share_column
    from naravard.services.geografi import KEY_LABELS_SV
    from naravard.views import geografi as geo_view

    an = an_of()
    key = an.keys[-1] if "alla" in an.keys or len(an.keys) == 1 else an.keys[0]  # views.geografi's default key
    s = an.summary(key)
    names = ds.kommun_names()
    codes = [c for c in s.index if c != REGION_ROW]
    order = [c for c in names if c in set(codes)] + sorted(c for c in codes if c not in names) + [REGION_ROW]
    unit = "km" if not an.uses_matrix else an.cost_unit
    frame = pd.DataFrame({
        "Kommun": [ds.region.kort_namn if c == REGION_ROW else names.get(c, c) for c in order],
        "Invånare i rutorna": [float(s.loc[c, "pop"]) for c in order],
        f"Medel, {unit}": [float(s.loc[c, "mean_cost"]) for c in order],
        f"Inom 10 {unit}": [float(s.loc[c, share_column(10)]) for c in order],
        f"Inom 20 {unit}": [float(s.loc[c, share_column(20)]) for c in order],
        f"Längst, {unit}": [float(s.loc[c, "max_cost"]) for c in order],
    })
    formats = {
        "Invånare i rutorna": lambda v: fmt.number(v),
        f"Medel, {unit}": lambda v: fmt.number(v, 1),
        f"Inom 10 {unit}": lambda v: fmt.share(v, 1),
        f"Inom 20 {unit}": lambda v: fmt.share(v, 1),
        f"Längst, {unit}": lambda v: fmt.number(v, 1),
    }
    title = f"Avstånd till närmaste {KEY_LABELS_SV[key]} per kommun {an.scaling.year}"
    return Slide(
        "geo-kommun", title, "table", table=frame, formats=formats, body=(_register_line(an),),
        sources=_geo_sources(ds, an, geo), notes=(geo_view.kommun_table_note(an, ds), *an.notes_sv),
        alt_text=f"{title}, mätt som {an.distance_label_sv}: invånare, medelavstånd, andel inom 10 och 20 och längsta "
                 f"avstånd per kommun. {_register_line(an)}",
    )


def _geo_change_slide(ds: Dataset, inputs: ModelInputs, a: Assumptions, an_of, geo: GeoInput) -> Slide:
    """The scenario's what-if: the headline figures with their change, the changes, and
    the scenario's assumptions (the changes are one of them)."""
    from naravard.sources import geoframes as gf

    an = an_of()
    numbers = _geo_numbers(ds, an)
    sup = an.supply_before
    names = {str(i): str(n) for i, n in zip(sup[gf.SUPPLY_ID], sup[gf.SUPPLY_NAME])}
    changes = tuple(_describe_change(c, names) for c in an.changes)
    title = f"Scenariots ändringar av enheterna: avstånd {an.scaling.year}"
    return Slide(
        "geo-andring", title, "numbers", numbers=numbers,
        body=(_register_line(an), *changes, *an.warnings_sv),
        sources=_geo_sources(ds, an, geo), assumptions=_assumptions(a, inputs), notes=tuple(an.notes_sv),
        alt_text=_numbers_alt(title, numbers) + " Ändringar: " + "; ".join(changes) + ". " + _register_line(an),
    )


def _describe_change(c, names) -> str:
    from naravard.model.geo.changes import ADD, REMOVE

    if c.op == ADD:
        return c.describe_sv()
    who = names.get(c.unit_id, c.unit_id)
    if c.op == REMOVE:
        return f"{who} tas bort"
    return f"{who} flyttas till {c.x} / {c.y} (SWEREF 99 TM)"


def _geo_population_slide(ds: Dataset, geo: GeoInput, boundaries) -> Slide:
    """The population grid on the map (the Geografi page's map without a register),
    with each kommun's sum of squares beside its official population."""
    from naravard.services import geografi as geo_service
    from naravard.views import geografi as geo_view

    demand = geo.grid
    chart = geo_view.map_figure(boundaries, demand, color_by=geo_view.COLOR_BY_POP, names=ds)
    totals = geo_service.grid_totals(ds, demand, int(geo.grid_year)) if geo.grid_year else ()
    names = ds.kommun_names()
    order = [c for c in names if any(k == c for k, _, _ in totals)]
    by = {k: (g, o) for k, g, o in totals}
    table = pd.DataFrame({
        "Kommun": [names[c] for c in order],
        "Invånare i rutorna": [by[c][0] for c in order],
        f"Folkmängd {geo.grid_year}": [by[c][1] for c in order],
    })
    formats = {"Invånare i rutorna": lambda v: fmt.number(v), f"Folkmängd {geo.grid_year}": lambda v: fmt.number(v)}
    lines = geo_view.source_lines(ds, None, grid_citation=geo.grid_citation, boundary_citation=geo.boundary_citation)
    gaps = [abs(g - o) / o for _, g, o in totals if o]
    body = (
        "En ruta hör till den kommun där dess mittpunkt ligger; därför avviker rutornas summa per kommun "
        f"med upp till {fmt.percent(max(gaps) * 100, 1)} från den officiella folkmängden (SCB).",
    ) if gaps else ()
    return Slide(
        "geo-befolkning", f"Var invånarna bor ({geo.grid_year})", "figure", figure=chart.figure, table=table,
        formats=formats, body=body, sources=tuple(t for t in lines if not t.startswith("Dialogunderlagets")) + source_lines(ds, "befolkning"),
        alt_text=geo_view.map_text_alternative(demand, names=ds),
    )

# ------------------------------------------------------------- handout meta


def handout_meta(ds: Dataset, variant: str, scenario_name: str, today: date | None = None) -> dict[str, str]:
    """The lines every handout's title page carries: date, the data versions (each
    source of a loaded table with its date, from the manifest), the population
    forecast, and the scenario's name (stored text: the handouts escape it)."""
    if today is None:
        try:
            today = datetime.now(ZoneInfo("Europe/Stockholm")).date()
        except Exception:  # no tz database on this machine: the local date is close enough
            today = date.today()
    versions: list[str] = []
    for name in ds.info:
        if ds.has(name):
            src = ds.source_of(name)
            v = f"{src.key} ({src.date})"
            if v not in versions:
                versions.append(v)
    forecast = population.forecasts(ds).get(variant)
    return {
        "Datum": today.isoformat(),
        "Data": "; ".join(versions) if versions else "inga tabeller",
        "Prognos": forecast.label_sv if forecast is not None else variant,
        "Scenario": scenario_name or "Standardantagandena",
    }


# ------------------------------------------------------------------ catalogue


def catalogue(
    ds: Dataset,
    variant: str,
    assumptions: Assumptions | None,
    inputs: ModelInputs | None,
    *,
    scenario_name: str = "",
    boundaries=None,
    boundary_note: str = "",
    geo: GeoInput | None = None,
) -> list[SlideSpec]:
    """Every slide the data in use can give, in presentation order.

    A slide whose tables are missing or failed to load is left out (the pages say why);
    the scenario slides need ``inputs`` (``ModelInputs`` of the same data) and use
    ``assumptions`` (the scenario in force; None: the defaults). ``boundaries`` is the
    kommun polygons the app's map uses (None: the map's labelled circles) and
    ``boundary_note`` its credit for the "Källa:" line. ``geo`` (the grid and the
    register in use) adds the geography slides: the population map with a grid, the
    distances and coverage per kommun with a register too, and the what-if when the
    scenario changes units. Ids are stable: the same data
    gives the same ids, so a saved presentation's link keeps working.
    """
    a = assumptions if assumptions is not None else Assumptions()
    specs: list[SlideSpec] = []

    def add(slide_id: str, title: str, kind: str, builder: Callable[[], Slide]) -> None:
        specs.append(SlideSpec(slide_id, title, kind, builder))

    if all(ds.has(t) for t in ("nyckeltal", "utbud", "befolkning", "befolkning_alder")):
        add("oversikt", "Nyckeltal", "numbers", lambda: _headline_slide(ds, variant))
        add("kommuner", "Invånare och vårdcentraler per kommun", "table", lambda: _kommun_slide(ds, variant))
    if ds.has("befolkning_alder"):
        add("aldre80", "Invånare 80 år och äldre per kommun", "figure", lambda: _pop80_slide(ds))
    if inputs is not None:
        add("sc-tal", "Scenariot: nyckeltal", "numbers", lambda: _scenario_headline_slide(ds, inputs, a, scenario_name))
        add("sc-kommun", "Scenariot per kommun", "table", lambda: _scenario_kommun_slide(ds, inputs, a, scenario_name))
    if ds.has("kommuner"):
        for key in supply.MAP_MEASURES:
            m = supply.measure_for(ds, variant, key)
            if all(ds.has(t) for t in m.sources):
                add(map_slide_id(key), f"Karta: {m.label_sv}", "figure",
                    lambda key=key: _map_slide(ds, variant, key, boundaries, boundary_note))
    if geo is not None and geo.grid is not None and len(geo.grid) and inputs is not None:
        if geo.register is not None and len(geo.register):
            memo: dict[str, Any] = {}

            def an_of():
                """One analysis for the catalogue's geography slides (built on first use)."""
                if "an" not in memo:
                    memo["an"] = _geo_analysis(ds, inputs, a, geo)
                return memo["an"]

            add("geo-avstand", "Avstånd till vårdcentral och filial", "numbers",
                lambda: _geo_distance_slide(ds, inputs, an_of, geo))
            add("geo-kommun", "Avstånd per kommun", "table", lambda: _geo_kommun_slide(ds, inputs, an_of, geo))
            if a.enheter:
                add("geo-andring", "Scenariots ändringar av enheterna", "numbers",
                    lambda: _geo_change_slide(ds, inputs, a, an_of, geo))
        add("geo-befolkning", "Var invånarna bor (karta)", "figure", lambda: _geo_population_slide(ds, geo, boundaries))
    if ds.has("tillganglighet") and ds.has("indikatorer"):
        for kpi, name in tillganglighet.indicator_names(ds).items():
            add(tg_slide_id(kpi), f"Tillgänglighet: {name}", "figure", lambda kpi=kpi: _access_slide(ds, kpi))
    for slide_id, theme in THEMES:
        if _theme_questions(ds, slide_id):
            add(slide_id, f"Frågor till dialogen: {theme}", "text", lambda s=slide_id, t=theme: _dialog_slide(ds, s, t))
    return specs


def build(specs: Sequence[SlideSpec], ids: Sequence[str]) -> list[Slide]:
    """The slides of ``ids`` in that order (ids not in ``specs`` are skipped: check
    them with :func:`parse_slide_ids` first)."""
    by_id = {s.id: s for s in specs}
    return [by_id[i].build() for i in ids if i in by_id]


def _shown_id(raw: str) -> str:
    """A user's id for a message: printable, at most 40 characters."""
    s = "".join(ch if ch.isprintable() else "?" for ch in raw)
    return s if len(s) <= 40 else s[:39] + "…"


def parse_slide_ids(text: str, specs: Sequence[SlideSpec]) -> tuple[list[str], list[str]]:
    """A link's slide list (``"oversikt,kommuner,sc-tal"``; commas, semicolons or
    spaces between ids) → (ids in order, Swedish warnings).

    Unknown and repeated ids are dropped with a warning each (named as written, cut
    to 40 characters); more than :data:`MAX_SLIDES` ids are cut with one warning;
    a text longer than :data:`MAX_IDS_TEXT` is read only that far. Never raises.
    """
    warnings: list[str] = []
    if not isinstance(text, str):
        return [], ["Listan med bilder kunde inte läsas."]
    if len(text) > MAX_IDS_TEXT:
        text = text[:MAX_IDS_TEXT]
        warnings.append(f"Listan med bilder är för lång; bara de första {fmt.number(MAX_IDS_TEXT)} tecknen lästes.")
    known = {s.id for s in specs}
    ids: list[str] = []
    unknown: list[str] = []
    repeated: list[str] = []
    extra = 0
    for raw in re.split(r"[,;\s]+", text.strip()):
        if not raw:
            continue
        key = raw.strip().lower()
        if key not in known:
            unknown.append(raw)
        elif key in ids:
            if key not in repeated:
                repeated.append(key)
        elif len(ids) >= MAX_SLIDES:
            extra += 1
        else:
            ids.append(key)
    if unknown:
        shown = ", ".join(f"”{_shown_id(u)}”" for u in unknown[:5])
        more = f" och {fmt.number(len(unknown) - 5)} till" if len(unknown) > 5 else ""
        noun = "Bilden" if len(unknown) == 1 else "Bilderna"
        warnings.append(f"{noun} {shown}{more} finns inte i katalogen och hoppades över.")
    for r in repeated:
        warnings.append(f"Bilden ”{r}” stod flera gånger i listan; den visas bara första gången.")
    if extra:
        warnings.append(f"En presentation har högst {MAX_SLIDES} bilder; {fmt.number(extra)} till hoppades över.")
    return ids, warnings
