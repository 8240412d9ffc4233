"""Loading and validation of the embedded dataset, and what happens with bad files."""

import shutil
from pathlib import Path

import pytest

from naravard.sources.dataset import DEFAULT_DATA_DIR, DataError, load_dataset


@pytest.fixture()
def data_copy(tmp_path: Path) -> Path:
    d = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA_DIR, d)
    return d


def test_embedded_dataset_loads_without_problems():
    ds = load_dataset()
    assert ds.problems == {}
    assert set(ds.tables) == set(ds.info)
    assert ds.region.lanskod == "13" and ds.region.basar == 2025


def test_every_table_has_a_known_source_with_title_and_date():
    ds = load_dataset()
    for name, ti in ds.info.items():
        src = ds.sources[ti.source]
        assert src.title and src.publisher and src.date, name
        assert ti.title and ti.date, name


def test_halland_totals_from_the_deck():
    ds = load_dataset()
    u = ds.table("utbud")
    assert u["vardcentraler"].sum() == 47 == ds.fact("vardcentraler").value
    assert u["filialer"].sum() == 11 == ds.fact("filialer").value
    assert u["invanare_2022"].sum() == 342_900  # "ca 343 000"
    assert ds.fact("invanare").value == 343_000 and ds.fact("invanare").approximate
    assert u["prognos_forandring_2030"].sum() == 18_762  # "ca 19 000"
    assert ds.fact("listade_per_vc").value == 7_400 and ds.fact("listade_per_vc").approximate
    assert ds.fact("max_avstand_vc_km").value == 25
    assert ds.fact("max_avstand_filial_km").value == 21


def test_kommun_rows_as_in_the_deck():
    u = load_dataset().table("utbud").set_index("kommun")
    assert u.loc["Kungsbacka"].to_dict() | {} == {
        "kommunkod": "1384", "vardcentraler": 11, "filialer": 0, "listade_per_vc": 7800,
        "invanare_2022": 86100, "prognos_forandring_2030": 4850,
    }
    assert tuple(u.loc["Halmstad", ["vardcentraler", "filialer", "listade_per_vc"]]) == (14, 5, 7500)
    assert tuple(u.loc["Hylte", ["vardcentraler", "filialer", "listade_per_vc", "prognos_forandring_2030"]]) == (1, 1, 10100, -340)
    assert tuple(u.loc["Laholm", ["invanare_2022", "prognos_forandring_2030"]]) == (26500, 1398)


def test_80_plus_figures():
    ds = load_dataset()
    a = ds.table("befolkning_alder")
    lan = a[(a["regionkod"] == "13") & (a["aldersgrupp"] == "80+")].set_index("year")["population"]
    assert lan[2020] == 19_815 and lan[2025] == 25_246 and lan[2030] == 30_147 and lan[2040] == 34_165
    assert ds.fact("invanare_80_idag").value == 20_000 and ds.fact("invanare_80_2030").value == 30_000
    assert ds.fact("khsv_ordinart").value == 4_100 and ds.fact("khsv_sabo").value == 3_000
    assert ds.fact("sabo_platser").value == 2_964 and ds.fact("korttid_platser").value == 208


def test_population_table_long_form():
    b = load_dataset().table("befolkning")
    lan = b[b["regionkod"] == "13"].set_index("year")["population"]
    assert lan[2022] == 342_805 and lan[2025] == 346_088 and lan[2030] == 349_997 and lan[2040] == 359_865
    assert sorted(b["year"].unique()) == [2020, 2021, 2022, 2023, 2024, 2025, 2030, 2035, 2040]


def test_access_series_keeps_gaps():
    t = load_dataset().table("tillganglighet")
    hal = t[(t["kpi_id"] == "N79179") & (t["omrade"] == "Halland")].set_index("year")["value"]
    assert hal[2022] == 93.6 and hal[2025] == 89.8
    assert 2023 not in hal.index and 2024 not in hal.index


def test_missing_file_is_reported_and_the_rest_loads(data_copy):
    (data_copy / "restid_vc.csv").unlink()
    ds = load_dataset(data_copy)
    assert "restid" in ds.problems and not ds.has("restid")
    assert "filen saknas" in ds.problems["restid"].message_sv
    assert "restid_vc.csv" in ds.problems["restid"].message_sv
    assert ds.has("utbud") and ds.has("befolkning")
    with pytest.raises(DataError, match="restid_vc.csv: file not found"):
        ds.table("restid")


def test_broken_file_gives_swedish_message_naming_the_column(data_copy):
    p = data_copy / "hsu2023_utbud.csv"
    p.write_text(p.read_text(encoding="utf-8").replace(",11,0,7800", ",elva,0,7800"), encoding="utf-8")
    ds = load_dataset(data_copy)
    err = ds.problems["utbud"]
    assert "hsu2023_utbud.csv" in err.message_sv and "vardcentraler" in err.message_sv
    assert "vardcentraler" in str(err)


def test_supply_total_against_key_figures_is_a_note_and_both_tables_stay(data_copy):
    """A cross-table mismatch never removes a table (issue 10, defect a): 48 VCs in the
    kommun table against the deck's 47 is a note naming both files."""
    p = data_copy / "hsu2023_utbud.csv"
    p.write_text(p.read_text(encoding="utf-8").replace("1380,Halmstad,14,5", "1380,Halmstad,15,5"), encoding="utf-8")
    ds = load_dataset(data_copy)
    assert ds.problems == {} and ds.has("utbud") and ds.has("nyckeltal")
    (note,) = ds.notes
    assert note.tables == ("utbud", "nyckeltal")
    assert "summerar till 48 men nyckeltalen anger 47" in note.message_sv
    assert "(hsu2023_utbud.csv)" in note.message_sv and "(hsu2023_nyckeltal.csv)" in note.message_sv
    assert "sums to 48" in note.message_en


def test_age_groups_against_a_changed_total_is_a_note_and_both_tables_stay(data_copy):
    """Varberg 2030 raised by 2 000 in the population table (län row too): the age
    table stays in use (71 718 = 15 031 + 37 349 + 12 741 + 6 597, FACTS S2) and the
    note names both tables and the gap."""
    p = data_copy / "befolkning_total.csv"
    text = p.read_text(encoding="utf-8")
    text = text.replace("69462,71718,", "69462,73718,").replace("346088,349997,", "346088,351997,")
    p.write_text(text, encoding="utf-8")
    ds = load_dataset(data_copy)
    assert ds.problems == {}
    assert ds.has("befolkning_alder") and ds.has("befolkning")
    (note,) = ds.notes
    assert note.tables == ("befolkning_alder", "befolkning")
    msg = note.message_sv.replace("\u00a0", " ")
    assert "(befolkning_alder.csv)" in msg and "(befolkning_total.csv)" in msg
    assert "Varberg 1383 år 2030: 71 718 mot 73 718 (+2 000)" in msg


def test_age_table_that_contradicts_its_own_lan_row_is_still_a_problem(data_copy):
    """Within one table a mismatch is a broken file, not two sources disagreeing."""
    p = data_copy / "befolkning_alder.csv"
    p.write_text(p.read_text(encoding="utf-8").replace("13,80+,19815,", "13,80+,29815,"), encoding="utf-8")
    ds = load_dataset(data_copy)
    assert "befolkning_alder" in ds.problems and "länsraden" in ds.problems["befolkning_alder"].message_sv


def test_population_rows_must_sum_to_the_lan_row(data_copy):
    p = data_copy / "befolkning_total.csv"
    p.write_text(p.read_text(encoding="utf-8").replace("10649,", "11649,"), encoding="utf-8")
    ds = load_dataset(data_copy)
    assert "befolkning" in ds.problems and "2020" in ds.problems["befolkning"].message_sv


def test_unknown_kommun_code_and_missing_column(data_copy):
    p = data_copy / "restid_vc.csv"
    p.write_text(p.read_text(encoding="utf-8").replace("1315,Hylte", "9999,Hylte"), encoding="utf-8")
    q = data_copy / "kommuner.csv"
    q.write_text(q.read_text(encoding="utf-8").replace(",lon\n", ",longitud\n"), encoding="utf-8")
    ds = load_dataset(data_copy)
    assert "kommuner" in ds.problems
    assert "lon" in ds.problems["kommuner"].message_sv


def test_empty_and_non_utf8_files(data_copy):
    (data_copy / "restid_vc.csv").write_bytes(b"")
    (data_copy / "kommuner.csv").write_bytes("kommunkod,kommun\n1384,Göteborg\n".encode("latin-1"))
    ds = load_dataset(data_copy)
    assert "tom" in ds.problems["restid"].message_sv
    assert "UTF-8" in ds.problems["kommuner"].message_sv


def test_missing_manifest_raises_english_error(tmp_path):
    with pytest.raises(DataError, match="manifest not found"):
        load_dataset(tmp_path)


def test_problems_survive_pickling(data_copy):
    """st.cache_data pickles the dataset, problems included."""
    import pickle

    (data_copy / "restid_vc.csv").unlink()
    ds = pickle.loads(pickle.dumps(load_dataset(data_copy)))
    assert ds.problems["restid"].message_sv == "Filen restid_vc.csv kunde inte användas: filen saknas"


# ---------------------------------------------------------- region text as data (issue 10)


def test_dialogue_text_is_data_with_its_source():
    ds = load_dataset()
    d = ds.dialog
    assert d is not None and d.source == "HSU-2023" and d.file == "dialog.toml"
    assert d.closing_question == "Vad är bäst för hallänningen?"
    assert [o.title for o in d.options] == [
        "1. Förstärka nuvarande organisation",
        "2. En egen organisation med läkare för kommunal hälso- och sjukvård",
        "3. Ändra gränssnittet för ansvaret för hemsjukvården i eget boende",
    ]
    assert len(d.complements) == 3 and len(d.access_questions) == 3
    assert any("{vc_oppet_timmar_vecka}" in line for line in d.access_requirements)


def test_broken_dialogue_file_is_a_problem_not_a_crash(data_copy):
    (data_copy / "dialog.toml").write_text('strategisk_fraga = "ej avslutad\n', encoding="utf-8")
    ds = load_dataset(data_copy)
    assert ds.dialog is None and "dialog" in ds.problems
    assert "dialog.toml" in ds.problems["dialog"].message_sv and "TOML" in ds.problems["dialog"].message_sv
    assert ds.has("nyckeltal") and ds.has("tillganglighet_hsu")  # the tables still load
    (data_copy / "dialog.toml").write_text("komplement = 3\n", encoding="utf-8")
    assert "lista med texter" in load_dataset(data_copy).problems["dialog"].message_sv


def test_deck_snapshot_stores_the_source_precision_and_its_series():
    t = load_dataset().table("tillganglighet_hsu").set_index("kpi_id")
    assert t.loc["N79179", "varde"] == 92 and t.loc["N79179", "decimaler"] == 0
    assert t.loc["U71451", "varde"] == 86.1 and t.loc["U71451", "decimaler"] == 1
    assert (t.loc["U70450", "varde"], t.loc["U70450", "riket"], t.loc["U70450", "decimaler"]) == (63, 61, 0)
    assert t.loc["U71451", "ar"] == 2021


def test_access_areas_come_from_the_manifest(data_copy):
    ds = load_dataset()
    assert ds.region.access_areas == ("Halland", "Riket", "Kronoberg")
    m = data_copy / "manifest.toml"
    m.write_text(m.read_text(encoding="utf-8").replace('jamforelse = ["Riket", "Kronoberg"]', 'jamforelse = ["Riket"]'), encoding="utf-8")
    ds = load_dataset(data_copy)
    assert "okänt område Kronoberg" in ds.problems["tillganglighet"].message_sv


def test_credits_of_codes_seats_and_travel_times():
    ds = load_dataset()
    assert ds.source_of("kommuner").publisher == "SCB" and ds.info["kommuner"].source != "HSU-2023"
    assert "skrivits in för appen" in ds.info["kommuner"].notes
    assert ds.info["restid"].date == "odaterat" and "2025" not in ds.source_of("restid").date
