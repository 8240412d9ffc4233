"""The Dialog page's views (naravard.views.dialog): the deck's questions and options per
theme from the data dir, the figures per theme equal to the model's and the deck's,
answers as plain text, and the summary's slides (long notes split for the PPTX)."""

from __future__ import annotations

import dataclasses
import re

import pytest

from naravard import fmt
from naravard.model import scenario
from naravard.sources.dataset import load_dataset
from naravard.store import SavedAnswer
from naravard.views import dialog as view
from naravard.views import slides
from tests.services import geo_case as case

HOSTILE = "**fet** <script>alert('x')</script> [länk](javascript:alert(1))\n\n| a | b |\n=SUM(A1)"


@pytest.fixture(scope="module")
def ds():
    return load_dataset()


@pytest.fixture(scope="module")
def inputs(ds):
    return scenario.ModelInputs.from_dataset(ds)


def _answer(i: int, theme: str, question: str, position: str = "Ja", notes: str = "", scenario_id=None, version=1) -> SavedAnswer:
    return SavedAnswer(i, "Gruppen", theme, question, position, notes, "Åsa", scenario_id, version,
                       "2026-05-01T10:00:00+00:00", "2026-05-01T10:00:00+00:00")


def test_questions_per_theme_come_from_the_data_dir(ds):
    assert [t.id for t in view.themes(ds)] == ["aldre", "geo", "tg"]
    assert view.questions(ds, "aldre") == (
        "Vilket strategiskt val möter behoven av läkare hos de äldre bäst utifrån de demografiska utmaningar vi står inför?",
        "Vad är bäst för hallänningen?",
    )
    geo = view.questions(ds, "geo")
    assert geo[:2] == ("Vill vi ha och behöver vi fler vårdcentraler?", "Vill vi ha fler filialer?") and len(geo) == 5
    assert view.questions(ds, "tg") == ("Vilka krav på öppettider ska gälla?", "Vilket utbud behövs under jourtid?",
                                        "Ska bemanningen följa Socialstyrelsens riktlinjer?", "Vad är bäst för hallänningen?")
    assert view.questions(ds, "okänt") == ()


def test_options_quote_the_deck_with_figures_filled_in(ds):
    aldre = view.options(ds, "aldre")
    assert [o.heading for o in aldre[:3]] == ["Vägval 1. Förstärka nuvarande organisation",
                                               "Vägval 2. En egen organisation med läkare för kommunal hälso- och sjukvård",
                                               "Vägval 3. Ändra gränssnittet för ansvaret för hemsjukvården i eget boende"]
    tg = " ".join(view.options(ds, "tg")[0].lines)
    assert "minst 45 timmar i veckan" in tg and "**" not in tg and "{" not in tg  # FACTS.md: open ≥ 45 h a week
    assert "i 3 kommuner" in tg
    geo = " ".join(line for o in view.options(ds, "geo") for line in o.lines)
    assert "en vårdcentral har 25 km och till en filial 21 km" in geo  # FACTS.md


def test_a_data_dir_without_a_dialogue_file_has_no_themes(ds):
    bare = dataclasses.replace(ds, dialog=None)
    assert view.themes(bare) == [] and view.options(bare, "aldre") == () and view.citation(bare) == ""


def test_aldre_figures_are_the_models(ds, inputs):
    a = scenario.Assumptions(prognos=inputs.default_forecast)
    ev = view.evidence(ds, "aldre", variant=inputs.default_forecast, assumptions=a, inputs=inputs, scenario_name="Plan")
    assert [s.id for s in ev] == ["aldre80", "dlg-platser"]
    places = ev[1]
    res = scenario.run(inputs, a)
    need = scenario.shown("sabo_platser_behov", res.level("sabo_platser_behov"))
    today = scenario.shown("sabo_platser_idag", res.level("sabo_platser_idag"))
    assert today == 2964  # FACTS.md: 61 SäBo with 2 964 places
    label, value, note = places.numbers[0]
    assert (label, fmt.plain(value), fmt.plain(note)) == (
        "SäBo-platser: behov minus dagens", f"{fmt.plain(fmt.number(need - today, signed=True))} platser",
        f"{fmt.plain(fmt.number(need))} behövs 2030, 2 964 idag")
    k_need = scenario.shown("korttid_platser_behov", res.level("korttid_platser_behov"))
    assert fmt.plain(places.numbers[1][2]) == f"{fmt.plain(fmt.number(k_need))} behövs 2030, 208 idag"  # FACTS.md: 208 places
    assert fmt.plain(places.numbers[1][1]) == f"{fmt.plain(fmt.number(k_need - 208, signed=True))} platser"
    assert places.assumptions and places.body == ("Scenario: Plan",)
    assert any(s.startswith("Källa: ") for s in places.sources)
    # 80+ per kommun: the chart's table is the Befolkning page's, Halland 2030 is 30 147 (FACTS.md)
    assert "30 147" in fmt.plain(" ".join(" ".join(r) for r in ev[0].table_text()))


def test_geo_figures_without_a_register_are_the_decks(ds, inputs):
    [s] = view.evidence(ds, "geo", variant=inputs.default_forecast, assumptions=None, inputs=inputs)
    assert [(label, fmt.plain(value)) for label, value, _ in s.numbers] == [
        ("Längst till vårdcentral", "25 km"), ("Längst till filial", "21 km")]
    assert "anger inte hur avståndet mättes" in s.sources[0]


def test_geo_figures_with_a_register_are_the_geografi_pages():
    ds = case.dataset()
    an = case.analyse(ds)
    [s] = view.evidence(ds, "geo", variant="RH2026", assumptions=None, inputs=None, geo_analysis=an,
                        geo_source_lines=("Källa: rutnät",))
    got = {label: fmt.plain(value) for label, value, _ in s.numbers}
    assert got["Längst till vårdcentral"] == "24,0 km" and got["Inom 10 km från vårdcentral eller filial"] == "60,0 %"
    assert s.sources == ("Källa: rutnät",) and any("Dialogunderlaget: 25 km" in n for n in s.notes)


def test_access_figures_are_the_catalogues_indicator_slides(ds, inputs):
    ev = view.evidence(ds, "tg", variant=inputs.default_forecast, assumptions=None, inputs=inputs)
    assert ev and all(s.id.startswith("tg-") and s.figure for s in ev)
    assert "Medicinsk bedömning inom tre dagar i primärvård" in [s.title for s in ev]


def test_positions_round_trip():
    for p in ("Ja", "Nej", "Delvis", "Vet inte"):
        assert view.position_from(*view.position_choice(p)) == p
    assert view.position_choice("<b>Vägval 2</b>") == (view.OTHER_POSITION, "<b>Vägval 2</b>")
    assert view.position_from(view.OTHER_POSITION, "  Vägval 2 ") == "Vägval 2"
    assert view.position_from(None, "x") == ""


def test_answers_table_keeps_text_as_written_and_names_a_deleted_scenario():
    rows = view.answers_table([_answer(1, "geo", "Vill vi ha fler filialer?", "<i>Ja</i>", HOSTILE, scenario_id=7),
                               _answer(2, "tg", "Fråga?", scenario_id=8)], {8: "Plan 2030"})
    assert rows["Ståndpunkt"].iloc[0] == "<i>Ja</i>"
    assert rows["Anteckningar"].iloc[0] == " ".join(HOSTILE.split())
    assert rows["Scenario"].tolist() == ["id 7 (borttaget)", "Plan 2030"]
    assert rows["Tema"].tolist() == ["Geografi och utbudspunkter", "Tillgänglighet"]
    assert rows["Sparat"].iloc[0] == "2026-05-01 12:00"  # Swedish summer time


def test_summary_slides(ds):
    q = view.questions(ds, "geo")
    long = " ".join(["ord"] * 1500)  # 5 999 characters
    answers = [_answer(1, "geo", q[1], "Delvis", HOSTILE + "\n" + long)]
    ev = {"geo": [slides.Slide("dlg-geo-deck", "Avstånd", "numbers", numbers=(("Längst", "25 km", ""),))]}
    full = view.summary_slides(ds, "Gruppen", answers, ev)
    assert [s.id for s in full] == ["dlg-svar-geo", "dlg-a1-0", "dlg-geo-deck"]
    table = full[0].table_text()
    assert table[0] == ["Fråga", "Ståndpunkt", "Skrivet av"]
    assert table[2] == [q[1], "Delvis", "Åsa"] and table[1][1] == view.NO_ANSWER_SV and len(table) == 1 + len(q)
    body = "\n".join(full[1].body)
    assert "**fet** <script>alert('x')</script> [länk](javascript:alert(1))" in body and "=SUM(A1)" in body
    # who can read the answers: everyone in open mode, the group only in groups mode
    assert view.SHARED_NOTICE_SV in full[0].notes and view.PRIVATE_NOTICE_SV not in full[0].notes
    private = view.summary_slides(ds, "Gruppen", answers, ev, private=True)
    assert view.PRIVATE_NOTICE_SV in private[0].notes and view.SHARED_NOTICE_SV not in private[0].notes
    cut = view.summary_slides(ds, "Gruppen", answers, ev, max_body_chars=view.PPTX_BODY_CHARS)
    parts = [s for s in cut if s.id.startswith("dlg-a1-")]
    assert len(parts) > 5 and all(sum(len(b) for b in s.body) <= view.PPTX_BODY_CHARS for s in parts)
    assert parts[1].title.endswith("(forts.)")
    # nothing of the answer is lost in the cut
    assert re.sub(r"\s+", " ", " ".join(b for s in parts for b in s.body)) == re.sub(r"\s+", " ", " ".join(full[1].body))
    assert all(slides.ID_PATTERN.match(s.id) for s in cut)
    # a theme without answers is left out
    assert view.summary_slides(ds, "Gruppen", [], ev) == []
