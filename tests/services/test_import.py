"""The importer: lenient reading of a planner's CSV, strict checks, the diff, and
``load_dataset(overrides=...)`` that uses an accepted file for one load only."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from tests.apptables import APP
from naravard import fmt
from naravard.services import importing as importer
from naravard.views import ladda_data as view
from naravard.sources.dataset import DEFAULT_DATA_DIR, DataError, load_dataset
from naravard.services.importing import IMPORTABLE, check_import, parse_number, read_user_csv, template_csv


@pytest.fixture(scope="module")
def ds():
    return load_dataset()


def embedded(name: str, ds) -> bytes:
    return (DEFAULT_DATA_DIR / ds.info[name].file).read_bytes()


# ------------------------------------------------------------------ numbers


@pytest.mark.parametrize(
    "text, value, flags",
    [
        ("86,1", 86.1, {"decimalkomma"}),
        ("86.1", 86.1, set()),
        ("343 000", 343000, {"tusental"}),
        ("343\u00a0000", 343000, {"tusental"}),
        ("1\u202f200\u202f000", 1200000, {"tusental"}),
        ("\u2212340", -340, set()),
        ("-340", -340, set()),
        ("+4 850", 4850, {"tusental"}),
        ("86,1 %", 86.1, {"decimalkomma", "procent"}),
        ("0", 0, set()),
    ],
)
def test_parse_number_swedish_and_english(text, value, flags):
    got = parse_number(text)
    assert got is not None and math.isclose(got[0], value) and got[1] == flags


@pytest.mark.parametrize("text", ["", "elva", "1 2", "12 34", "1,2,3", "=SUM(A1)", "1e5", "inf", "NaN", "--1", "1 000,", ",5"])
def test_parse_number_rejects_non_numbers(text):
    assert parse_number(text) is None


# ------------------------------------------------------------------ reading


def test_reader_keeps_codes_as_text_and_converts_numbers():
    raw = "Regionkod ; Region ; 2030\n1384;Kungsbacka;86 449\n0114;Upplands Väsby;48 000\n".encode("cp1252")
    df, notes = read_user_csv(raw, "prognos.csv")
    assert list(df.columns) == ["regionkod", "region", "2030"]
    assert list(df["regionkod"]) == ["1384", "0114"]  # leading zero kept
    assert list(df["2030"]) == [86449.0, 48000.0]
    assert df.loc[1, "region"] == "Upplands Väsby"
    text = " ".join(notes)
    assert "Latin-1" in text and "semikolon" in text and "tusental" in text


def test_reader_handles_bom_quotes_and_trailing_separators():
    raw = b'\xef\xbb\xbfkpi_id,omrade,2024,,\nN79179,Halland,"89,8",,\n,,,,\n'
    df, notes = read_user_csv(raw, "t.csv")
    assert list(df.columns) == ["kpi_id", "omrade", "2024"]
    assert df.loc[0, "2024"] == 89.8
    assert any("BOM" in n for n in notes) and any("tomma rader" in n for n in notes)


def test_reader_true_false_columns_become_bool():
    df, _ = read_user_csv(b"nyckel,ungefarligt\na,true\nb,FALSKT\n", "n.csv")
    assert df["ungefarligt"].tolist() == [True, False]


@pytest.mark.parametrize(
    "raw, words",
    [
        (b"", ["tom"]),
        (b"   \n\n", ["tom"]),
        (b"\xef\xbb\xbf", ["tom"]),
        (b"a b c\n1 2 3\n", ["bara en kolumn"]),
        (b"a,b\n", ["inga datarader"]),
        (b"a,,b\n1,2,3\n", ["kolumn nr 2", "saknar namn"]),
        (b"a,A\n1,2\n", ["finns 2 gånger"]),
        (b'a,b\n"1,2\n', ["rad"]),
        (b"PK\x03\x04rest", ["zip"]),
        (b"%PDF-1.4", ["PDF"]),
        (b"a,b\n1,\x002\n", ["binära data"]),
        (b"a,b\n1,\x072\n", ["rad 2", "U+0007"]),
    ],
)
def test_reader_errors_are_swedish_and_name_the_problem(raw, words):
    with pytest.raises(DataError) as e:
        read_user_csv(raw, "min fil.csv")
    msg = e.value.message_sv
    assert msg.startswith("Filen min fil.csv kunde inte användas:")
    for w in words:
        assert w in msg, (w, msg)


def test_reader_size_and_row_limits():
    big = b"a,b\n" + b"1,2\n" * (importer.MAX_BYTES // 4 + 10)
    with pytest.raises(DataError, match="limit"):
        read_user_csv(big, "big.csv")
    many = b"a,b\n" + b"1,2\n" * (importer.MAX_ROWS + 5)
    with pytest.raises(DataError) as e:
        read_user_csv(many, "many.csv")
    assert "datarader" in e.value.problem_sv or "rader" in e.value.problem_sv


def test_filename_is_made_safe_for_markdown():
    assert importer.safe_filename("../../etc/[x](javascript:alert(1)).csv") == "_x_(javascript_alert(1)).csv"
    assert importer.safe_filename("") == "filen"
    with pytest.raises(DataError) as e:
        read_user_csv(b"", "<img src=x>.csv")
    assert "<" not in e.value.message_sv


# ------------------------------------------------------------------ checking


@pytest.mark.parametrize("name", list(IMPORTABLE))
@pytest.mark.parametrize("excel", [False, True])
def test_template_round_trip_is_accepted_without_changes(ds, name, excel):
    raw = template_csv(ds, name, excel=excel)
    r = check_import(ds, name, raw, f"{name}.csv")
    assert r.ok, r.problems_sv
    assert r.changed_values == 0 and r.added_rows == 0 and r.added_columns == ()
    assert "samma värden" in r.summary_sv


@pytest.mark.parametrize("name", list(IMPORTABLE))
def test_embedded_file_is_accepted_and_loads_identically(ds, name):
    raw = embedded(name, ds)
    assert check_import(ds, name, raw, "x.csv").ok
    ds2 = load_dataset(overrides={name: raw})
    assert ds2.problems == {}
    pd.testing.assert_frame_equal(ds2.table(name), ds.table(name), check_dtype=False)


def test_importable_tables_have_title_columns_and_an_example_from_the_data(ds):
    for name, spec in IMPORTABLE.items():
        title, cols = spec
        example = importer.example_csv(ds, name)
        assert title and cols and example.count("\n") >= 3, name
        assert example.split("\n")[0].replace(";", ",").split(",")[0] in cols, name
    # the examples show the data in use: its kommuner and its län row (FACTS S2)
    bef = importer.example_csv(ds, "befolkning")
    assert "1384,Kungsbacka,86333,86449" in bef and bef.rstrip().endswith("13,Hallands län,346088,349997,354567,359865")
    age = importer.example_csv(ds, "befolkning_alder")
    assert "1384,80+,6146,7346" in age and age.rstrip().endswith("13,80+,25246,30147,32316,34165")
    assert "N79179;Halland;93,6;;;89,8" in importer.example_csv(ds, "tillganglighet")


def test_population_update_shows_the_differences(ds):
    raw = embedded("befolkning", ds).replace(b"86449", b"86480").replace(b"349997", b"350028")
    r = check_import(ds, "befolkning", raw, "prognos 2027.csv")
    assert r.ok, r.problems_sv
    assert r.changed_values == 2
    d = r.diff.set_index(["rad", "kolumn"])
    assert d.loc[("Kungsbacka 1384", "2030"), "tidigare"] == 86449
    assert d.loc[("Kungsbacka 1384", "2030"), "nytt"] == 86480
    assert d.loc[("Halland 13", "2030"), "nytt"] == 350028
    shown = view.diff_display(r)
    assert list(shown.columns) == ["Rad", "Kolumn", "Nu", "I filen", "Förändring"]
    assert "+31" in set(shown["Förändring"])
    assert "2 värden skiljer sig" in r.message_sv and "prognos 2027.csv" in r.message_sv
    pv = view.preview_display(r)
    assert pv.loc[pv["regionkod"] == "1384", "2030"].iloc[0] == "86\u00a0480"


def test_new_year_column_is_accepted_and_reported(ds):
    text = embedded("tillganglighet", ds).decode()
    lines = text.strip().split("\n")
    lines = [lines[0] + ",2026"] + [ln + ",90.5" for ln in lines[1:]]
    r = check_import(ds, "tillganglighet", ("\n".join(lines) + "\n").encode(), "t.csv")
    assert r.ok, r.problems_sv
    assert r.added_columns == ("2026",) and r.changed_values == len(lines) - 1


def test_big_changes_give_a_notice_but_are_accepted(ds):
    raw = embedded("utbud", ds).replace(b",7800,", b",17800,")
    r = check_import(ds, "utbud", raw, "u.csv")
    assert r.ok
    assert any("mer än 25" in n and "Kungsbacka 1384 listade_per_vc: 7\u00a0800 → 17\u00a0800" in n for n in r.notices_sv)


def test_other_table_becoming_inconsistent_is_a_notice_naming_both_tables(ds):
    """A new population forecast is accepted even though the age table no longer adds
    up; the notice names both tables and the gap (either order would otherwise block)."""
    raw = embedded("befolkning", ds).replace(b"86449", b"86600").replace(b"349997", b"350148")
    r = check_import(ds, "befolkning", raw, "b.csv")
    assert r.ok
    note = fmt.plain(" ".join(r.notices_sv))
    assert "”Folkmängd per kommun och åldersgrupp” (befolkning_alder.csv)" in note
    assert "(befolkning_total.csv (egen data))" in note
    assert "Kungsbacka 1384 år 2030: 86 448 mot 86 600 (+152)" in note  # age groups 19 946 + 46 029 + 13 127 + 7 346


def test_utbud_with_other_totals_than_the_key_figures_is_accepted_with_a_note(ds):
    """A planner's newer supply file may have 48 VCs where the deck says 47."""
    raw = embedded("utbud", ds).replace(b"1380,Halmstad,14,5", b"1380,Halmstad,15,5")
    r = check_import(ds, "utbud", raw, "u.csv")
    assert r.ok, r.problems_sv
    note = fmt.plain(" ".join(r.notices_sv))
    assert "kolumnen vardcentraler summerar till 48 men nyckeltalen anger 47" in note
    ds2 = load_dataset(overrides={"utbud": raw})
    assert ds2.has("utbud") and ds2.has("nyckeltal")
    assert [n.tables for n in ds2.notes] == [("utbud", "nyckeltal")]


def test_name_differing_from_kommun_table_is_a_notice(ds):
    raw = embedded("utbud", ds).replace(b"1384,Kungsbacka", b"1384,Kungsbacka kommun")
    r = check_import(ds, "utbud", raw, "u.csv")
    assert r.ok and any("Kungsbacka kommun" in n and "kommuntabellen" in n for n in r.notices_sv)


def test_unknown_table_and_unexpected_input_types(ds):
    r = check_import(ds, "kommuner", b"kommunkod,kommun\n", "k.csv")
    assert not r.ok and "kan inte laddas in här" in r.problems_sv[0]
    r = check_import(ds, "utbud", "inte bytes", "u.csv")  # type: ignore[arg-type]
    assert not r.ok and r.unexpected == ""


def test_check_import_from_a_data_dir_with_session_overrides(ds):
    new_bef = embedded("befolkning", ds).replace(b"86449", b"86480").replace(b"349997", b"350028")
    # Against the embedded data the age table's sum rule holds within 50 persons …
    r = check_import(None, "befolkning_alder", embedded("befolkning_alder", ds), "a.csv", overrides={"befolkning": new_bef})
    assert r.ok
    # … and the session's population file is what the diff compares with.
    r = check_import(None, "befolkning", new_bef, "b.csv", overrides={"befolkning": new_bef})
    assert r.ok and r.changed_values == 0


# ------------------------------------------------------------------ load_dataset(overrides=...)


def test_override_replaces_the_table_for_one_load_and_cites_the_user(ds):
    raw = embedded("befolkning", ds).replace(b"86449", b"86480").replace(b"349997", b"350028")
    ds2 = load_dataset(overrides={"befolkning": raw})
    b = ds2.table("befolkning")
    assert b[(b["regionkod"] == "1384") & (b["year"] == 2030)]["population"].item() == 86480
    assert ds2.info["befolkning"].file == "befolkning_total.csv (egen data)"
    assert ds2.source_of("befolkning").title.startswith("Egen data")
    # the next plain load is the embedded data again
    b0 = load_dataset().table("befolkning")
    assert b0[(b0["regionkod"] == "1384") & (b0["year"] == 2030)]["population"].item() == 86449
    assert "EGEN" not in load_dataset().sources


def test_override_that_fails_is_a_problem_naming_the_users_data():
    ds2 = load_dataset(overrides={"utbud": b"kommunkod;kommun\n1384;Kungsbacka\n", "okand": b"x"})
    assert "utbud" in ds2.problems and not ds2.has("utbud")
    msg = ds2.problems["utbud"].message_sv
    assert "hsu2023_utbud.csv (egen data)" in msg and "saknas" in msg
    assert ds2.has("befolkning")


def test_override_parsed_leniently_semicolons_decimal_commas_latin1():
    text = (DEFAULT_DATA_DIR / "tillganglighet_kolada.csv").read_text(encoding="utf-8")
    sv = "\r\n".join(";".join(c.replace(".", ",") for c in ln.split(",")) for ln in text.strip().split("\n"))
    ds2 = load_dataset(overrides={"tillganglighet": sv.encode("cp1252")})
    assert ds2.problems == {}
    t = ds2.table("tillganglighet")
    assert t[(t["kpi_id"] == "N79179") & (t["omrade"] == "Halland") & (t["year"] == 2025)]["value"].item() == 89.8


# ------------------------------------------------------------------ Excel workbooks (.xlsx)

from tests import xlsxfiles  # noqa: E402


@pytest.mark.parametrize("name", list(IMPORTABLE))
def test_workbook_saved_from_the_template_is_accepted_without_changes(ds, name):
    """A planner opens the template in Excel and saves it as .xlsx: numbers are number cells."""
    raw = xlsxfiles.workbook(importer.current_frame(ds, name), sheet="Blad1")
    r = check_import(ds, name, raw, f"{name}.xlsx")
    assert r.ok, r.problems_sv
    assert r.changed_values == 0 and r.added_rows == 0
    ds2 = load_dataset(overrides={name: raw})
    assert ds2.problems == {} and ds2.notes == []

    def rows(t):
        t = t.reset_index(drop=True)
        return t.sort_values(list(t.columns)).reset_index(drop=True)

    pd.testing.assert_frame_equal(rows(ds2.table(name)), rows(ds.table(name)), check_dtype=False)


def test_workbook_with_swedish_formats_title_row_and_a_notes_sheet(ds):
    """Number cells formatted as Swedish Excel shows thousands, a title above the header,
    and the table on a sheet named like the table (not the first sheet)."""
    frame = importer.current_frame(ds, "befolkning")
    frame.loc[frame["regionkod"] == "1383", "2030"] = 73718
    frame.loc[frame["regionkod"] == "13", "2030"] = 351997
    raw = xlsxfiles.workbook(frame, sheet="befolkning", title="Folkmängd per kommun", extra_sheets=("Anteckningar",), number_format="# ##0")
    r = check_import(ds, "befolkning", raw, "prognos.xlsx")
    assert r.ok, r.problems_sv
    notes = " ".join(r.notices_sv)
    assert "bladet `befolkning` lästes" in notes and "ovanför rubrikraden" in notes
    d = r.diff.set_index(["rad", "kolumn"])
    assert d.loc[("Varberg 1383", "2030"), "tidigare"] == 71718 and d.loc[("Varberg 1383", "2030"), "nytt"] == 73718
    assert r.changed_values == 2
    b = load_dataset(overrides={"befolkning": raw}).table("befolkning")
    assert b[(b["regionkod"] == "13") & (b["year"] == 2030)]["population"].item() == 351997


def test_workbook_with_swedish_text_numbers_and_percent_cells(ds):
    """Numbers typed as Swedish text ("86 449", "89,8") and shares stored as percent cells
    (0,898 shown as 89,8 %) read as the same figures (Kolada N79179 Halland 2025: 89,8)."""
    frame = importer.current_frame(ds, "tillganglighet")
    for raw in (xlsxfiles.workbook(frame, text_numbers=True), xlsxfiles.workbook(frame, percent=True)):
        r = check_import(ds, "tillganglighet", raw, "kolada.xlsx")
        assert r.ok, r.problems_sv
        assert r.changed_values == 0
        assert r.preview.set_index(["kpi_id", "omrade"]).loc[("N79179", "Halland"), "2025"] == pytest.approx(89.8)
    r = check_import(ds, "befolkning", xlsxfiles.workbook(importer.current_frame(ds, "befolkning"), text_numbers=True), "b.xlsx")
    assert r.ok and r.changed_values == 0 and any("Mellanslag mellan tusental" in n for n in r.notices_sv)


def test_workbook_date_cell_is_refused_naming_the_cell(ds):
    import datetime
    import io

    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(xlsxfiles.workbook(importer.current_frame(ds, "utbud"))))
    wb.active["E3"] = datetime.date(2025, 7, 30)
    buf = io.BytesIO()
    wb.save(buf)
    r = check_import(ds, "utbud", buf.getvalue(), "u.xlsx")
    assert not r.ok and "Cell E3 är ett datum" in r.problems_sv[0]


def test_workbook_bytes_are_recognised_whatever_the_file_name(ds):
    raw = xlsxfiles.workbook(importer.current_frame(ds, "utbud"))
    assert check_import(ds, "utbud", raw, "utbud.csv").ok


def test_age_table_that_disagrees_with_the_totals_is_accepted_with_a_note(ds):
    """The other order of defect a: a new age table whose sums differ from the population
    table (Varberg 80+ 2030: 6 597 → 6 697, län row 30 147 → 30 247)."""
    raw = embedded("befolkning_alder", ds)
    raw = raw.replace(b"1383,80+,3984,5267,6597,", b"1383,80+,3984,5267,6697,").replace(b"13,80+,19815,25246,30147,", b"13,80+,19815,25246,30247,")
    r = check_import(ds, "befolkning_alder", raw, "alder.xlsx")
    assert r.ok, r.problems_sv
    note = fmt.plain(" ".join(r.notices_sv))
    assert "Varberg 1383 år 2030: 71 818 mot 71 718 (−100)" in note
    ds2 = load_dataset(overrides={"befolkning_alder": raw})
    assert ds2.problems == {} and [n.tables for n in ds2.notes] == [("befolkning_alder", "befolkning")]


def test_template_of_a_table_that_failed_everywhere_is_its_header_row(tmp_path):
    """Whatever state the data is in, a template can be downloaded (issue 10, defect a)."""
    import shutil

    d = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA_DIR, d)
    (d / "befolkning_alder.csv").unlink()
    broken = load_dataset(d)
    assert not broken.has("befolkning_alder")
    assert template_csv(broken, "befolkning_alder") == b"regionkod,aldersgrupp,2025\n"  # the base year (manifest)
    assert template_csv(broken, "befolkning_alder", fallback=load_dataset()) == template_csv(load_dataset(), "befolkning_alder")


# ------------------------------------------- heavy checks (issue 11, defect 5)


def wide_access_file(ds, rows: int, years=range(1990, 2080), value: str = "8,5") -> bytes:
    """The access table as a planner might export it: every current row, then made-up
    indicators up to ``rows`` rows, one column per year, semicolons and decimal commas
    (the probe's file: 9 990 rows × 90 year columns, 3,7 MB)."""
    from naravard.services.import_tables import current_frame

    cur = current_frame(ds, "tillganglighet")
    cols = [str(y) for y in years]
    lines = [";".join(["kpi_id", "omrade", *cols])]
    for _, r in cur.iterrows():
        cells = [r[c] if c in cur.columns and pd.notna(r[c]) else None for c in cols]
        lines.append(";".join([r["kpi_id"], r["omrade"], *("" if v is None else fmt.plain(str(v)).replace(".", ",") for v in cells)]))
    areas = ds.region.access_areas
    i = 0
    while len(lines) - 1 < rows:
        lines.append(";".join([f"Q{i // len(areas):05d}", areas[i % len(areas)], *([value] * len(cols))]))
        i += 1
    return ("\n".join(lines) + "\n").encode()


def test_probe_sized_file_is_refused_by_its_cells_before_it_is_checked(ds):
    """9 990 rows × 92 columns of decimal commas (the probe's 3,7 MB, under the 5 MB
    limit) took 11 s and 746 MB: now refused while it is read, naming its size."""
    import tracemalloc

    raw = wide_access_file(ds, 9990)
    assert 3_500_000 < len(raw) < importer.MAX_BYTES
    tracemalloc.start()
    try:
        r = check_import(ds, "tillganglighet", raw, "stor.csv")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert not r.ok and r.unexpected == ""
    text = fmt.plain(r.problems_sv[0])
    assert "9 990 rader × 92 kolumner = 919 080 värden" in text and "gränsen 250 000 värden" in text, text
    assert peak < 100 * 1024 * 1024, peak  # reading stops at the limit (measured 37 MB; 746 MB before)
    with pytest.raises(DataError) as e:  # the session path refuses it the same way
        read_user_csv(raw, "stor.csv")
    assert "250 000" in fmt.plain(e.value.problem_sv)


def test_largest_allowed_access_file_is_checked_within_the_limits(ds):
    """2 700 rows × 92 columns (248 400 cells, just under MAX_CELLS) is read, checked
    and accepted, its made-up indicators named in a notice."""
    raw = wide_access_file(ds, 2700)
    assert 2700 * 92 <= importer.MAX_CELLS
    r = check_import(ds, "tillganglighet", raw, "bred.csv")
    assert r.unexpected == ""
    assert r.ok, r.problems_sv
    assert len(r.preview) == 2700 and r.preview.shape[1] == 92
    assert r.preview.set_index(["kpi_id", "omrade"]).loc[("N79179", "Halland"), "2025"] == 89.8
    assert "Decimalkomma" in " ".join(r.notices_sv)


def test_workbook_with_too_many_cells_is_refused_while_read(ds):
    from tests import xlsxfiles

    frame = pd.DataFrame({"kpi_id": [f"Q{i:05d}" for i in range(1400)], "omrade": "Halland", **{str(y): 8.5 for y in range(1900, 2080)}})
    raw = xlsxfiles.workbook(frame)
    r = check_import(ds, "tillganglighet", raw, "bred.xlsx")
    assert not r.ok and "gränsen 250 000 värden" in fmt.plain(r.problems_sv[0]), r.problems_sv
    assert "minst" in r.problems_sv[0]  # reading stopped at the limit


def test_decimal_columns_are_read_a_column_at_a_time_like_parse_number():
    """The vectorised path for plain decimals gives exactly what parse_number gives."""
    cells = ["86,1", "-0,5", "+1.25", "1 234,5", "7", "", "0,000001", "99999999999,9"]
    raw = ("a;b\n" + "\n".join(f"x{i};{c}" for i, c in enumerate(cells)) + "\n").encode()
    df, notes = read_user_csv(raw, "d.csv")
    want = [parse_number(c)[0] if c else math.nan for c in cells]
    got = df["b"].tolist()
    assert all((math.isnan(w) and math.isnan(g)) or w == g for w, g in zip(want, got)), (got, want)
    assert "Decimalkomma" in " ".join(notes) and "Mellanslag mellan tusental" in " ".join(notes)


def test_a_rerun_of_ladda_data_does_not_check_the_file_again(tmp_path, monkeypatch):
    """Streamlit reruns the page on every widget change with the file still in the
    uploader: the check runs once per file (cached by its bytes), not once per rerun."""
    from streamlit.testing.v1 import AppTest

    from naravard.ui import data_import

    monkeypatch.setenv("NARAVARD_STORE", str(tmp_path / "scenarier.sqlite3"))
    monkeypatch.setenv("NARAVARD_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("NARAVARD_DATA_DIR", raising=False)
    calls: list[str] = []
    real = importer.check_import

    def counted(*args, **kwargs):
        calls.append(args[3])
        return real(*args, **kwargs)

    monkeypatch.setattr(importer, "check_import", counted)
    if hasattr(data_import, "_checked"):  # (absent before the fix: the test then counts every rerun)
        data_import._checked.clear()
    ds = load_dataset()
    raw = embedded("befolkning", ds).replace(b"86449", b"86480").replace(b"349997", b"350028")
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    at.switch_page("pages/ladda_data.py")
    at.run()
    at.file_uploader(key="nv_ladda_fil").set_value(("prognos.csv", raw, "text/csv"))
    at.run()
    assert not at.exception and "2 värden skiljer sig" in " ".join(s.value for s in at.success)
    assert calls == ["prognos.csv"]
    at.run()  # reruns, as after any widget change
    at.run()
    assert not at.exception and "2 värden skiljer sig" in " ".join(s.value for s in at.success)
    assert calls == ["prognos.csv"], calls  # checked once
    at.selectbox(key="nv_ladda_tabell").set_value("utbud").run()  # another table: a new check
    assert calls == ["prognos.csv", "prognos.csv"]


def _reference_diff(ds, name, new):
    """The diff as it was computed cell by cell before issue 11 (the oracle)."""
    from naravard.services.import_checks import SHAPES, current_frame, labeler

    def f(x):
        try:
            return math.nan if pd.isna(x) else float(x)
        except (TypeError, ValueError):
            return math.nan

    shape = SHAPES[name]
    old = current_frame(ds, name)
    vals_new = [c for c in new.columns if c not in shape.id_cols]
    _, key_text = labeler(ds, shape, new, list(range(len(new))))
    new_rows = {tuple(str(x) for x in r[list(shape.key)]): r for _, r in new.iterrows()}
    old_rows = {tuple(str(x) for x in r[list(shape.key)]): r for _, r in old.iterrows()}
    records, added, big = [], 0, 0
    for k, r in new_rows.items():
        o = old_rows.get(k)
        added += o is None
        for c in vals_new:
            nv, ov = f(r[c]), (f(o[c]) if o is not None and c in o.index else math.nan)
            if (math.isnan(nv) and math.isnan(ov)) or nv == ov:
                continue
            records.append((key_text(k), c, ov, nv))
            big += not math.isnan(ov) and not math.isnan(nv) and ov != 0 and abs(nv - ov) > 0.25 * abs(ov)
    return records, added, big


@pytest.mark.parametrize("name, edit", [
    ("befolkning", lambda t: t.replace("86449", "86480").replace("349997", "350028")),
    ("befolkning", lambda t: t.replace("86449", "186449").replace("349997", "449997")),  # a big change: a notice
    ("utbud", lambda t: t.replace(",14,", ",15,")),
    ("tillganglighet", lambda t: t.replace("89.8", "91.0").replace("87.6,", ",")),  # a value removed
])
def test_the_column_wise_diff_equals_the_cell_by_cell_one(ds, name, edit):
    raw = edit(embedded(name, ds).decode("utf-8")).encode("utf-8")
    r = check_import(ds, name, raw, "x.csv")
    assert r.ok, r.problems_sv
    records, added, big = _reference_diff(ds, name, r.preview)
    got = list(r.diff.itertuples(index=False, name=None))
    assert len(got) == len(records) == r.changed_values and r.changed_values > 0
    def same(a, b):
        return a == b or (math.isnan(a) and math.isnan(b))

    for g, w in zip(got, records):
        assert g[:2] == w[:2] and same(g[2], w[2]) and same(g[3], w[3]), (g, w)
    assert r.added_rows == added
    assert bool(big) == any("skiljer sig mer än 25" in n for n in r.notices_sv)
