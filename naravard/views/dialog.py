"""The Dialog page and the dialogue summary: the deck's themes, questions and options,
the figures that bear on each theme, and a group's saved answers.

The questions and options are quotes of the region's deck (``dialog.toml`` in the data
dir, :mod:`naravard.sources.dialog`), so they are data; this module only orders them per
theme. The figures are :class:`~naravard.views.slides.Slide` records built by the same
view functions the other pages use (the 80+ chart and the scenario's place needs for
Äldre, the longest distance and coverage for Geografi, the access trends for
Tillgänglighet), so the page and the exported summary show the same numbers with the
same "Källa:" lines, and the summary's PDF and PPTX are the handout builders' own.

Neutral by design: the page shows the options and the figures side by side and never
ranks them. A group's answers are stored text (position, notes, author): every function
here returns them as plain text, never markup; the page shows them escaped and the
handouts escape them.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Mapping, Sequence
from zoneinfo import ZoneInfo

import pandas as pd

from naravard import fmt
from naravard.errors import DataError
from naravard.model import scenario
from naravard.model.scenario import Assumptions, ModelInputs
from naravard.services import geografi as geo_service
from naravard.sources.dataset import Dataset
from naravard.store import POSITIONS, SavedAnswer
from naravard.views import content, slides
from naravard.views import scenario as scenario_view

#: What the position picker offers besides the store's short choices: a text of the group's own.
OTHER_POSITION = "Annan ståndpunkt"
POSITION_CHOICES = (*POSITIONS, OTHER_POSITION)
#: Who can read the answers: everyone in open mode (no sign-in, store.access), only
#: the group's members in groups mode. Pages and exports say which (answers_notice_sv).
SHARED_NOTICE_SV = (
    "Svaren sparas med gruppens namn. Verktyget körs utan inloggning, så alla som använder det "
    "kan läsa dem."
)
PRIVATE_NOTICE_SV = "Svaren sparas med gruppens namn och syns bara för gruppens medlemmar."


def answers_notice_sv(private: bool) -> str:
    """Who can read the group's answers, for the page and the summary's title page."""
    return PRIVATE_NOTICE_SV if private else SHARED_NOTICE_SV
NEUTRAL_SV = "Siffrorna visas bredvid frågorna som underlag, utan rekommendation."
NO_ANSWER_SV = "Inget svar sparat"
#: A PPTX text slide holds about this many characters at a readable size; longer
#: answers continue on the next slide (the PDF flows and needs no cut).
PPTX_BODY_CHARS = 700


@dataclass(frozen=True)
class Theme:
    """One theme of the deck: a short stable id (it is stored with each answer) and its title."""

    id: str
    title: str


THEMES = (Theme("aldre", "Äldre"), Theme("geo", "Geografi och utbudspunkter"), Theme("tg", "Tillgänglighet"))
THEME_TITLES = {t.id: t.title for t in THEMES}


@dataclass(frozen=True)
class OptionText:
    """An option or a block of quoted facts beside the questions: a heading and its lines."""

    heading: str
    lines: tuple[str, ...]


def _plain(ds: Dataset, text: str) -> str:
    """Quoted deck text as plain text: figures filled in, the file's Markdown bold dropped."""
    return " ".join(content.fill_facts(ds, text).replace("**", "").split())


def questions(ds: Dataset, theme: str) -> tuple[str, ...]:
    """The theme's questions as the deck asks them, the closing question last (() when
    the data's dialogue file has none for the theme)."""
    d = content.dialog(ds)
    if d is None:
        return ()
    if theme == "aldre":
        qs: Sequence[str] = [d.strategic_question] if d.strategic_question else []
    elif theme == "geo":
        qs = d.geo_questions
    elif theme == "tg":
        qs = d.access_questions
    else:
        return ()
    out = [_plain(ds, q) for q in qs if q.strip()]
    if out and d.closing_question:
        out.append(_plain(ds, d.closing_question))
    return tuple(out)


def themes(ds: Dataset) -> list[Theme]:
    """The themes the data's dialogue file has questions for, in the deck's order."""
    return [t for t in THEMES if questions(ds, t.id)]


def options(ds: Dataset, theme: str) -> tuple[OptionText, ...]:
    """What the deck puts beside the theme's questions: the strategic options (Äldre),
    the establishment rules (Geografi), the requirements on the vårdcentraler
    (Tillgänglighet); quoted, in the deck's order, never ranked."""
    d = content.dialog(ds)
    if d is None:
        return ()
    out: list[OptionText] = []
    if theme == "aldre":
        out += [OptionText(f"Vägval {o.title}", tuple(_plain(ds, p) for p in o.points)) for o in d.options]
        if d.complements:
            out.append(OptionText("Möjliga komplement", tuple(_plain(ds, c) for c in d.complements)))
        if d.lmh_status:
            out.append(OptionText("Läget", (_plain(ds, d.lmh_status),)))
    elif theme == "geo":
        if d.geo_facts:
            out.append(OptionText("Fakta ur dialogunderlaget", tuple(_plain(ds, f) for f in d.geo_facts)))
        if d.geo_establishment:
            out.append(OptionText("Etablering", tuple(_plain(ds, e) for e in d.geo_establishment)))
    elif theme == "tg" and d.access_requirements:
        out.append(OptionText("Vad gäller för vårdcentralerna", tuple(_plain(ds, r) for r in d.access_requirements)))
    return tuple(out)


def citation(ds: Dataset) -> str:
    """The "Källa:" line of the quoted questions and options ('' without a source)."""
    c = content.citation(ds)
    return f"Källa: {c.removeprefix('Texterna: ')}" if c else ""


# ------------------------------------------------------------------ figures per theme


PLACE_OUTPUTS = (
    ("sabo_platser_behov", "sabo_platser_idag", "sabo_platser_skillnad"),
    ("korttid_platser_behov", "korttid_platser_idag", "korttid_platser_skillnad"),
)


def _places_slide(ds: Dataset, inputs: ModelInputs, a: Assumptions, scenario_name: str) -> slides.Slide:
    """The scenario's SäBo and short-term place needs against today's places (the
    Scenario page's comparison), with the assumptions in force."""
    res = scenario.run(inputs, a)
    numbers = []
    for need, today, gap in PLACE_OUTPUTS:
        # as the Scenario page's comparison (views.scenario.gap_items): the gap is need
        # minus today as both are shown, so the three figures never disagree
        n, t = scenario.shown(need, res.level(need)), scenario.shown(today, res.level(today))
        numbers.append((scenario.OUTPUT[gap].label_sv, f"{fmt.number(n - t, signed=True)} platser",
                        f"{fmt.number(n)} behövs {res.horizon}, {fmt.number(t)} idag"))
    title = f"Platser i särskilt boende och korttidsboende {res.horizon}"
    return slides.Slide(
        "dlg-platser", title, "numbers", numbers=tuple(numbers),
        body=(f"Scenario: {scenario_name}",) if scenario_name else (),
        sources=slides.source_lines(ds, *slides.SCENARIO_SOURCE_TABLES, extra=slides.ASSUMPTIONS_NOTE),
        assumptions=tuple(scenario_view.assumption_rows(a, inputs)),
        alt_text=f"{title}: " + "; ".join(f"{label}: {value} ({note})" for label, value, note in numbers) + ".",
    )


def _deck_distance_slide(ds: Dataset) -> slides.Slide | None:
    """The deck's longest distances (no register in use): its figures as it gives them."""
    numbers = []
    for unit_type, key in geo_service.DECK_FACT_KEYS.items():
        try:
            f = ds.fact(key)
        except DataError:
            continue
        label = "Längst till vårdcentral" if key.endswith("_vc_km") else "Längst till filial"
        numbers.append((label, f"{fmt.number(f.value, approx=f.approximate)} km", "enligt dialogunderlaget"))
    if not numbers:
        return None
    title = "Längsta avstånd till vård enligt dialogunderlaget"
    return slides.Slide(
        "dlg-geo-deck", title, "numbers", numbers=tuple(numbers),
        body=("Inget enhetsregister är inläst: siffrorna är dialogunderlagets; täckningen räknas på sidan Geografi "
              "när ett register är inläst.",),
        sources=slides.source_lines(ds, "nyckeltal", extra=geo_service.DECK_UNMEASURED_SV.capitalize() + "."),
        alt_text=f"{title}: " + "; ".join(f"{label} {value}" for label, value, _ in numbers) + ".",
    )


def _geo_slide(ds: Dataset, analysis, source_lines: Sequence[str]) -> slides.Slide:
    """Longest distance, coverage within 10 km and inhabitants per unit with the register
    in use (the Geografi page's headline figures)."""
    from naravard.views import geografi as geo_view

    items = geo_view.headline(analysis, ds)
    numbers = tuple((label, value, delta) for label, value, delta, _ in items)
    title = "Avstånd och täckning med enhetsregistret"
    return slides.Slide(
        "dlg-geo", title, "numbers", numbers=numbers, sources=tuple(source_lines),
        notes=tuple(help_ for *_, help_ in items),
        alt_text=f"{title}: " + "; ".join(f"{label} {value}" for label, value, _ in numbers) + ".",
    )


def evidence(
    ds: Dataset,
    theme: str,
    *,
    variant: str,
    assumptions: Assumptions | None,
    inputs: ModelInputs | None,
    scenario_name: str = "",
    geo_analysis=None,
    geo_source_lines: Sequence[str] = (),
) -> list[slides.Slide]:
    """The figures that bear on a theme, as slides (built from the live data and the
    scenario in force; a figure whose data is missing is left out, the page says so).

    Äldre: 80+ per kommun and the scenario's place needs against today's places, with
    its assumptions. Geografi: longest distance and coverage with the register in use
    (``geo_analysis``, a services.geografi result, and its Källa lines), else the deck's
    longest distances. Tillgänglighet: the access indicators against the nation."""
    a = assumptions if assumptions is not None else Assumptions()
    specs = {s.id: s for s in slides.catalogue(ds, variant, a, inputs, scenario_name=scenario_name)}
    out: list[slides.Slide] = []
    if theme == "aldre":
        if "aldre80" in specs:
            out.append(specs["aldre80"].build())
        if inputs is not None:
            out.append(_places_slide(ds, inputs, a, scenario_name))
    elif theme == "geo":
        if geo_analysis is not None:
            out.append(_geo_slide(ds, geo_analysis, geo_source_lines))
        else:
            s = _deck_distance_slide(ds)
            if s is not None:
                out.append(s)
    elif theme == "tg":
        out += [spec.build() for sid, spec in specs.items() if sid.startswith("tg-")]
    return out


# ------------------------------------------------------------------ answers


def local_time(iso: str) -> str:
    """A stored UTC time as Swedish local time ("2026-05-01 12:00"); the text as it is
    when it does not parse."""
    try:
        t = datetime.fromisoformat(iso)
        try:
            t = t.astimezone(ZoneInfo("Europe/Stockholm"))
        except Exception:  # noqa: BLE001 - no tz database: UTC, said so
            return t.strftime("%Y-%m-%d %H:%M") + " UTC"
        return t.strftime("%Y-%m-%d %H:%M")
    except (TypeError, ValueError):
        return str(iso)


def position_choice(position: str) -> tuple[str, str]:
    """A stored position → (the picker's choice, the text of the group's own)."""
    return (position, "") if position in POSITIONS else (OTHER_POSITION, position)


def position_from(choice: str | None, own: str) -> str:
    """The picker's choice and the own text → the position to store ('' if none)."""
    if choice == OTHER_POSITION:
        return (own or "").strip()
    return choice or ""


def by_question(answers: Sequence[SavedAnswer], theme: str) -> dict[str, SavedAnswer]:
    """A theme's answers keyed by the question compared as the store compares it
    (case, Unicode form and runs of whitespace ignored)."""
    return {question_key(a.question): a for a in answers if a.theme == theme}


def question_key(question: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", question).casefold().split())


def scenario_label(answer: SavedAnswer, scenario_names: Mapping[int, str]) -> str:
    """The linked scenario as the list shows it: its name, "borttaget" when it is gone, '' when none."""
    if answer.scenario_id is None:
        return ""
    name = scenario_names.get(answer.scenario_id)
    return name if name is not None else f"id {answer.scenario_id} (borttaget)"


NOTES_PREVIEW = 160


def answers_table(answers: Sequence[SavedAnswer], scenario_names: Mapping[int, str] | None = None) -> pd.DataFrame:
    """The group's saved answers as a table of plain text (the page escapes it): theme,
    question, position, the start of the notes, author, time, version, scenario."""
    names = scenario_names or {}
    rows = []
    for a in answers:
        notes = " ".join(a.notes.split())
        if len(notes) > NOTES_PREVIEW:
            notes = notes[: NOTES_PREVIEW - 1] + "…"
        rows.append({
            "Tema": THEME_TITLES.get(a.theme, a.theme),
            "Fråga": a.question,
            "Ståndpunkt": a.position,
            "Anteckningar": notes,
            "Skrivet av": a.author,
            "Sparat": local_time(a.updated_at),
            "Version": fmt.number(a.version),
            "Scenario": scenario_label(a, names),
        })
    return pd.DataFrame(rows, columns=["Tema", "Fråga", "Ståndpunkt", "Anteckningar", "Skrivet av", "Sparat", "Version", "Scenario"])


def answer_lines(a: SavedAnswer, scenario_names: Mapping[int, str] | None = None) -> list[str]:
    """One answer as plain-text lines: question, position, the notes paragraph by
    paragraph, who saved it and when, the linked scenario."""
    lines = [f"Fråga: {a.question}", f"Ståndpunkt: {a.position}"]
    paragraphs = [p.strip() for p in a.notes.split("\n") if p.strip()]
    if paragraphs:
        lines.append("Anteckningar:")
        lines += paragraphs
    else:
        lines.append("Anteckningar: (inga)")
    lines.append(f"Sparat av {a.author}, {local_time(a.updated_at)} (version {a.version}), grupp {a.group}")
    sc = scenario_label(a, scenario_names or {})
    if sc:
        lines.append(f"Kopplat till scenariot: {sc}")
    return lines


def _chunks(lines: list[str], limit: int | None) -> list[list[str]]:
    """Lines in chunks of at most ``limit`` characters (a line longer than that is
    split at a space); one chunk when ``limit`` is None."""
    if limit is None:
        return [lines]
    pieces: list[str] = []
    for line in lines:
        while len(line) > limit:
            cut = line.rfind(" ", 0, limit)
            cut = cut if cut > limit // 2 else limit
            pieces.append(line[:cut].rstrip())
            line = line[cut:].lstrip()
        pieces.append(line)
    out: list[list[str]] = [[]]
    size = 0
    for p in pieces:
        if out[-1] and size + len(p) > limit:
            out.append([])
            size = 0
        out[-1].append(p)
        size += len(p)
    return out


def summary_slides(
    ds: Dataset,
    group: str,
    answers: Sequence[SavedAnswer],
    evidence_by_theme: Mapping[str, Sequence[slides.Slide]],
    *,
    scenario_names: Mapping[int, str] | None = None,
    max_body_chars: int | None = None,
    private: bool = False,
) -> list[slides.Slide]:
    """The group's dialogue summary as slides for the handout builders.

    Per theme with at least one answer: a table of its questions and the group's
    positions (unanswered questions say so), one text slide per answer with its notes
    (split over several slides of at most ``max_body_chars`` characters when given:
    the PPTX), then the figures behind the theme (``evidence_by_theme``) with their
    sources and assumptions. All text is plain; the builders escape it."""
    names = scenario_names or {}
    cite = citation(ds)
    out: list[slides.Slide] = []
    n = 0
    for theme in THEMES:
        mine = [a for a in answers if a.theme == theme.id]
        if not mine:
            continue
        answered = by_question(mine, theme.id)
        asked = list(questions(ds, theme.id))
        keys = {question_key(q) for q in asked}
        asked += [a.question for a in mine if question_key(a.question) not in keys]  # the deck changed since
        table = pd.DataFrame({
            "Fråga": asked,
            "Ståndpunkt": [answered[question_key(q)].position if question_key(q) in answered else NO_ANSWER_SV for q in asked],
            "Skrivet av": [answered[question_key(q)].author if question_key(q) in answered else "" for q in asked],
        })
        title = f"{theme.title}: gruppens svar"
        out.append(slides.Slide(
            f"dlg-svar-{theme.id}", title, "table", table=table,
            sources=(cite,) if cite else (), notes=(f"Grupp: {group}", answers_notice_sv(private)),
            alt_text=f"{title}: " + "; ".join(f"{q} – {p}" for q, p in zip(table["Fråga"], table["Ståndpunkt"])) + ".",
        ))
        for a in mine:
            n += 1
            chunks = _chunks(answer_lines(a, names), max_body_chars)
            for i, body in enumerate(chunks):
                head = f"{theme.title}: svar {n}" + (" (forts.)" if i else "")
                out.append(slides.Slide(
                    f"dlg-a{a.id}-{i}"[:32], head, "text", body=tuple(body),
                    notes=(f"Grupp: {group}",), alt_text=" ".join(body),
                ))
        out += list(evidence_by_theme.get(theme.id, ()))
    return out


def summary_title(group: str) -> str:
    return f"Dialog: {group}"


def notes_length_text(notes: str) -> str:
    """'1 234 av 5 000 tecken' for the notes field (the store's limit)."""
    from naravard.store import MAX_ANSWER_NOTES_CHARS

    n = len((notes or "").strip())
    return f"{fmt.number(n)} av {fmt.number(MAX_ANSWER_NOTES_CHARS)} tecken"
