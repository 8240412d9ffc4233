"""Hostile input: the corpus of bad files in tests/hostile/, a very large file made at
run time, and property-based tests (hypothesis) of every loader and URL parameter.

The contract: any input gives either a valid result or a clear Swedish message,
never an unhandled exception, and nothing stored is changed.
"""

from __future__ import annotations

import hashlib
import string
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from naravard import fmt
from naravard.export import link as share
from naravard.sources.dataset import DEFAULT_DATA_DIR, DataError, load_dataset
from naravard.services.importing import IMPORTABLE, MAX_BYTES, MAX_ROWS, ImportReport, check_import, read_user_csv

CORPUS = Path(__file__).resolve().parents[1] / "hostile"


def _data_hashes() -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(DEFAULT_DATA_DIR.iterdir()) if p.is_file()}


HASHES_AT_IMPORT = _data_hashes()


@pytest.fixture(scope="module")
def ds():
    return load_dataset()


@pytest.fixture(scope="module", autouse=True)
def _embedded_data_unchanged():
    before = _data_hashes()
    yield
    assert _data_hashes() == before, "an import wrote to the embedded data/"


def _safe_markdown(text: str) -> bool:
    """Messages are rendered as Markdown: no HTML, links, images or LaTeX from a file."""
    return not any(s in text for s in ("<", ">", "[", "](", "$", "\\"))


def _check_message_hygiene(r: ImportReport, filename: str) -> None:
    assert r.unexpected == "", r.unexpected
    for text in (*r.problems_sv, *r.notices_sv, r.message_sv):
        assert _safe_markdown(text), text
        assert "Traceback" not in text and "Error" not in text, text
    assert filename in r.message_sv or r.filename in r.message_sv


# --------------------------------------------------------------------------- the corpus

# (file, table, words every problem text must contain together). Accepted files are in OK below.
BAD = [
    ("tom.csv", "befolkning", ["tom"]),
    ("bara_avgransare.csv", "befolkning", ["inga värden"]),
    ("binar.csv", "utbud", ["binära data"]),
    ("zip_forklaedd.csv", "utbud", ["zip-fil", "Excel", "CSV"]),
    ("ogiltig_kodning.csv", "utbud", ["teckenkodningen", "rad 2"]),
    ("saknad_kolumn_utbud.csv", "utbud", ["kolumnen `filialer` saknas"]),
    ("extra_kolumn_befolkning.csv", "befolkning", ["okänd kolumn `kommentar`"]),
    ("dubblett_kommunkod_utbud.csv", "utbud", ["Kungsbacka 1384", "2 rader", "rad 2, 8"]),
    ("okand_kommunkod_befolkning.csv", "befolkning", ["okänd kommunkod 9999", "rad 7"]),
    ("negativt_varde_befolkning_alder.csv", "befolkning_alder", ["rad 5", "Kungsbacka 1384, 80+", "`2020`", "−4 536", "negativt"]),
    ("orimlig_procent_tillganglighet.csv", "tillganglighet", ["rad 2", "`2016`", "876", "0–100"]),
    ("orimlig_folkmangd_befolkning.csv", "befolkning", ["849 300 000", "utanför", "0–20 000 000"]),
    ("jattetal_utbud.csv", "utbud", ["orimligt stort", "`invanare_2022`"]),
    ("formel_utbud.csv", "utbud", ["kalkylbladsformel", "`kommun`", "rad 2"]),
    ("html_befolkning.csv", "befolkning", ["HTML", "`region`", "rad 3"]),
    ("markdown_befolkning.csv", "befolkning", ["otillåtna tecken", "`region`"]),
    ("bara_rubrik_utbud.csv", "utbud", ["rubrikrad", "inga datarader"]),
    ("dubbel_rubrik_utbud.csv", "utbud", ["`vardcentraler` finns 2 gånger"]),
    ("komma_och_decimalkomma_tillganglighet.csv", "tillganglighet", ["rad 2 har 13 värden", "decimalkomma"]),
    ("text_i_talkolumn_utbud.csv", "utbud", ["«elva» är inget tal", "`vardcentraler`"]),
    ("summa_stammer_inte_befolkning.csv", "befolkning", ["summerar", "2020", "länsraden"]),
    ("saknad_rad_befolkning.csv", "befolkning", ["rader saknas", "Hylte 1315"]),
    ("saknat_ar_befolkning.csv", "befolkning", ["kolumnen `2030` saknas"]),
    ("decimal_i_heltal_utbud.csv", "utbud", ["«7800.5» är inget heltal"]),
    ("punkt_tusental_befolkning.csv", "befolkning", ["«84.930»", "tusentalsavgränsare"]),
    ("for_fa_varden_befolkning.csv", "befolkning", ["rad 4 har 10 värden", "11 kolumner"]),
    ("kort_kommunkod_utbud.csv", "utbud", ["«138»", "inledande nolla"]),
    ("felkodad_befolkning.csv", "befolkning", ["otillåtna tecken", "`region`"]),
    ("okand_aldersgrupp_befolkning_alder.csv", "befolkning_alder", ["«80 och äldre»", "inte tillåtet", "80+"]),
    ("okand_tabell_restid.csv", "restid", ["kan inte laddas in här", "Folkmängd per kommun"]),
    # issue 11, defect 5: rows × columns past MAX_CELLS (empty cells count: each is read and checked)
    ("manga_celler_tillganglighet.csv", "tillganglighet", ["1 260 rader × 200 kolumner = 252 000 värden", "gränsen 250 000 värden"]),
]

# (file, table, words in the notices, expected values {(key..., column): value})
OK = [
    ("latin1_befolkning.csv", "befolkning", ["Latin-1", "å, ä och ö", "semikolon"], {("1384", "2030"): 86449, ("13", "2040"): 359865}),
    ("tusental_mellanslag_befolkning.csv", "befolkning", ["Mellanslag mellan tusental"], {("1384", "2030"): 86449, ("13", "2025"): 346088}),
    ("semikolon_decimalkomma_tillganglighet.csv", "tillganglighet", ["semikolon", "Decimalkomma"], {("N79179", "Halland", "2025"): 89.8, ("U71451", "Riket", "2016"): 79.0}),
    ("bom_utbud.csv", "utbud", ["BOM"], {("1380", "vardcentraler"): 14, ("1315", "prognos_forandring_2030"): -340}),
    ("blandade_radslut_befolkning.csv", "befolkning", [], {("1384", "2030"): 86449, ("1315", "2040"): 9169}),
    ("utf16_tabb_befolkning.csv", "befolkning", ["UTF-16", "tabb"], {("1384", "2030"): 86449}),
    ("sep_rad_utbud.csv", "utbud", ["semikolon"], {("1384", "listade_per_vc"): 7800}),
    ("versaler_mellanslag_utbud.csv", "utbud", [], {("1384", "invanare_2022"): 86100}),
]


# Workbooks (.xlsx): (file, table, words the problem text must contain). Made by tests/xlsxfiles.py.
BAD_XLSX = [
    ("zipbomb.xlsx", "utbud", ["zip-bomb", "packas upp"]),
    ("entitetsbomb.xlsx", "utbud", ["DTD"]),
    ("manga_blad.xlsx", "utbud", ["120 blad", "gränsen 50"]),
    ("jattedimension_rad.xlsx", "utbud", ["fler än 10 000 rader"]),
    ("formel_cell.xlsx", "utbud", ["Cell C2", "formel"]),
    ("zip_utan_arbetsbok.xlsx", "utbud", ["zip-fil", "ingen Excel-arbetsbok", "CSV"]),
    ("trasig_zip.xlsx", "befolkning", ["skadad"]),
]


def test_every_corpus_file_has_a_case():
    listed = {f for f, *_ in BAD} | {f for f, *_ in OK} | {f for f, *_ in BAD_XLSX}
    assert listed == {p.name for p in CORPUS.iterdir() if p.suffix in (".csv", ".xlsx")}
    assert len(listed) >= 42


@pytest.mark.parametrize("filename, table, words", BAD_XLSX, ids=[c[0] for c in BAD_XLSX])
def test_hostile_workbook_gives_a_swedish_message_and_costs_little(ds, filename, table, words):
    """Zip bombs, entity bombs, a million-row dimension, many sheets, formulas: a Swedish
    message, never an exception; the session path (load_dataset) refuses them too."""
    import tracemalloc

    raw = (CORPUS / filename).read_bytes()
    tracemalloc.start()
    try:
        r = check_import(ds, table, raw, filename)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert not r.ok
    _check_message_hygiene(r, filename)
    text = fmt.plain(" ".join(r.problems_sv))
    for w in words:
        assert w in text, (w, text)
    assert peak < 64 * 1024 * 1024, peak  # the 60 MB bomb is never expanded
    ds2 = load_dataset(overrides={table: raw})
    assert table in ds2.problems and ds2.problems[table].message_sv.startswith("Filen ")


def test_workbook_whose_dimension_claims_a_million_rows_is_read_by_its_content():
    from naravard.sources.userfile import read_user_table
    from tests import xlsxfiles

    df, _ = read_user_table(xlsxfiles.huge_dimension(real_far_cell=False), "dim.xlsx")
    assert df.to_dict("list") == {"kommunkod": ["1384"], "kommun": ["Kungsbacka"], "vardcentraler": [11.0]}


@pytest.mark.filterwarnings("ignore:invalid value encountered in cast:RuntimeWarning")  # 1e40 coerced by pandera
@pytest.mark.parametrize("filename, table, words", BAD, ids=[c[0] for c in BAD])
def test_bad_file_gives_a_swedish_message_naming_the_problem(ds, filename, table, words):
    raw = (CORPUS / filename).read_bytes()
    r = check_import(ds, table, raw, filename)
    assert not r.ok
    _check_message_hygiene(r, filename)
    text = fmt.plain(" ".join(r.problems_sv))
    for w in words:
        assert w.lower() in text.lower(), (w, text)
    assert r.message_sv.startswith(f"Filen {filename} kan inte användas:")
    # the plain loader path never raises either, and never accepts what the check refused
    # on the schema/consistency level
    if table in IMPORTABLE:
        try:
            read_user_csv(raw, filename)
        except DataError as e:
            assert e.message_sv.startswith(f"Filen {filename} kunde inte användas:")
        load_dataset(overrides={table: raw})


@pytest.mark.parametrize("filename, table, words, values", OK, ids=[c[0] for c in OK])
def test_acceptable_variant_is_read_with_a_notice_and_the_right_numbers(ds, filename, table, words, values):
    raw = (CORPUS / filename).read_bytes()
    r = check_import(ds, table, raw, filename)
    assert r.ok, r.problems_sv
    _check_message_hygiene(r, filename)
    notes = " ".join(r.notices_sv)
    for w in words:
        assert w in notes, (w, notes)
    assert r.changed_values == 0  # the same figures as the embedded table, in another format
    key = {"befolkning": ["regionkod"], "utbud": ["kommunkod"], "tillganglighet": ["kpi_id", "omrade"]}[table]
    pv = r.preview.set_index(key)
    for (*k, col), v in values.items():
        got = pv.loc[tuple(k) if len(k) > 1 else k[0], col]
        assert got == pytest.approx(v), (k, col, got)
    # the session path (load_dataset with the bytes) gives the same table
    ds2 = load_dataset(overrides={table: raw})
    assert ds2.problems == {}
    assert ds2.table(table).equals(ds.table(table)) or ds2.table(table).reset_index(drop=True).astype(str).equals(
        ds.table(table).reset_index(drop=True).astype(str)
    )


def test_latin1_names_are_decoded(ds):
    r = check_import(ds, "befolkning", (CORPUS / "latin1_befolkning.csv").read_bytes(), "l.csv")
    assert "Hallands län" in set(r.preview["region"])


def test_very_large_file_is_refused_with_its_size(ds):
    row = b"1384,Kungsbacka,84930,85301,85801,85653,85792,86333,86449,86635,87409\n"
    raw = b"regionkod,region,2020,2021,2022,2023,2024,2025,2030,2035,2040\n" + row * (MAX_BYTES // len(row) + 100)
    assert len(raw) > MAX_BYTES
    r = check_import(ds, "befolkning", raw, "enorm.csv")
    assert not r.ok
    text = fmt.plain(r.problems_sv[0])
    assert "större än gränsen 5 MB" in text and "5,0 MB" in text


def test_file_with_too_many_rows_is_refused(ds):
    raw = b"kpi_id,omrade,2025\n" + b"N79179,Halland,1\n" * (MAX_ROWS + 10)
    assert len(raw) < MAX_BYTES
    r = check_import(ds, "tillganglighet", raw, "lang.csv")
    assert not r.ok and "10 000" in fmt.plain(r.problems_sv[0]) and "rader" in r.problems_sv[0]


def test_many_errors_are_summarised_not_listed(ds):
    text = (DEFAULT_DATA_DIR / "befolkning_total.csv").read_text(encoding="utf-8")
    lines = text.strip().split("\n")
    bad = [lines[0]] + [",".join(c if i < 2 else "x" for i, c in enumerate(ln.split(","))) for ln in lines[1:]]
    r = check_import(ds, "befolkning", "\n".join(bad).encode(), "x.csv")
    assert not r.ok and len(r.problems_sv) <= 9 and "fel till" in r.problems_sv[-1]


def test_embedded_data_files_unchanged_after_the_corpus():
    assert _data_hashes() == HASHES_AT_IMPORT


# --------------------------------------------------------------------------- properties

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _only_data_error(fn, *args):
    try:
        return fn(*args)
    except DataError as e:
        assert e.message_sv and _safe_markdown(e.message_sv), e.message_sv
        return None


@SETTINGS
@given(raw=st.binary(max_size=3000))
def test_read_user_csv_on_arbitrary_bytes_raises_only_data_error(raw):
    out = _only_data_error(read_user_csv, raw, "x.csv")
    if out is not None:
        df, notes = out
        assert len(df.columns) >= 2 and all(isinstance(n, str) for n in notes)


_CSV_ALPHABET = st.sampled_from(list(string.digits + ",;\t\n\r\" -.+=%åäöÅÄÖé\u00a0\u2212") + ["regionkod", "kommunkod", "2030", "80+", "N79179"])


@SETTINGS
@given(text=st.lists(_CSV_ALPHABET, max_size=300).map("".join), enc=st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]))
def test_read_user_csv_on_csv_like_text_raises_only_data_error(text, enc):
    _only_data_error(read_user_csv, text.encode(enc, errors="replace"), "x.csv")


def _embedded_bytes() -> dict[str, bytes]:
    ds = load_dataset()
    return {n: (DEFAULT_DATA_DIR / ds.info[n].file).read_bytes() for n in IMPORTABLE}


EMBEDDED = _embedded_bytes()
DS = load_dataset()


@st.composite
def mutated_csv(draw):
    name = draw(st.sampled_from(sorted(EMBEDDED)))
    raw = bytearray(EMBEDDED[name])
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["replace", "delete", "insert", "cell", "line", "encode", "truncate"]))
        if not raw:
            break
        i = draw(st.integers(0, len(raw) - 1))
        if op == "replace":
            raw[i : i + 1] = draw(st.binary(min_size=1, max_size=3))
        elif op == "delete":
            del raw[i : i + draw(st.integers(1, 20))]
        elif op == "insert":
            raw[i:i] = draw(st.sampled_from([b",", b";", b"\t", b"\n", b"\r", b'"', b" ", b"-", b",5", b"\xc3", b"\xe5", b"\x00", b"1e9"]))
        elif op == "cell":
            lines = bytes(raw).split(b"\n")
            j = draw(st.integers(0, len(lines) - 1))
            cells = lines[j].split(b",")
            k = draw(st.integers(0, len(cells) - 1))
            cells[k] = draw(
                st.sampled_from([b"", b"-1", b"99999999999", b"86,1", b'"86,1"', b"1 000", b"=1+1", b"<b>x</b>", b"nan", b"13", b"9999", b"80+", b"Riket", b"2030"])
                | st.text(max_size=8).map(lambda s: s.encode())
            )
            lines[j] = b",".join(cells)
            raw = bytearray(b"\n".join(lines))
        elif op == "line":
            lines = bytes(raw).split(b"\n")
            j = draw(st.integers(0, len(lines) - 1))
            lines.insert(j, lines[j]) if draw(st.booleans()) else lines.pop(j)
            raw = bytearray(b"\n".join(lines))
        elif op == "encode":
            try:
                raw = bytearray(bytes(raw).decode("utf-8").encode(draw(st.sampled_from(["cp1252", "utf-16", "utf-8-sig"])), errors="replace"))
            except UnicodeDecodeError:
                pass
        elif op == "truncate":
            raw = raw[:i]
    return name, bytes(raw)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=mutated_csv())
def test_check_import_on_mutated_valid_csv_gives_a_report_never_an_exception(case):
    name, raw = case
    r = check_import(DS, name, raw, "mutant.csv")
    _check_message_hygiene(r, "mutant.csv")
    assert r.ok == (not r.problems_sv)
    _only_data_error(read_user_csv, raw, "mutant.csv")
    ds2 = load_dataset(overrides={name: raw})  # the session path never raises
    if r.ok:
        # what the check accepted, the session path loads the same way
        assert ds2.has(name), ds2.problems.get(name)


@SETTINGS
@given(raw=st.binary(max_size=2000), name=st.sampled_from(sorted(IMPORTABLE) + ["kommuner", "", "../x"]))
def test_check_import_on_arbitrary_bytes_gives_a_report(raw, name):
    r = check_import(DS, name, raw, "x.csv")
    _check_message_hygiene(r, "x.csv")
    assert not r.ok or name in IMPORTABLE


_query_value = st.text(max_size=40) | st.sampled_from(["1", "-1", "1e308", "nan", "inf", "1384:2,1380:-1", "1384:1,1384:2", ":", ",,", "RH2026", "hsu2023", "9" * 400])
_query_key = st.sampled_from(list(share.FIELD_OF_KEY) + [share.VERSION_KEY, "", "x", "utm_source"]) | st.text(max_size=10)


@SETTINGS
@given(params=st.dictionaries(_query_key, _query_value | st.lists(_query_value, max_size=3), max_size=12))
def test_from_query_on_arbitrary_dicts_never_raises(params):
    a, warnings = share.from_query(params, DS.kommun_codes)
    assert all(isinstance(w, str) and w for w in warnings)
    a.check_kommuner(DS.kommun_codes)  # every accepted kommun code is a real one


@SETTINGS
@given(params=st.dictionaries(st.text(max_size=5), st.none() | st.integers() | st.lists(st.integers() | st.none(), max_size=2), max_size=5))
def test_from_query_on_non_string_values_never_raises(params):
    a, warnings = share.from_query(params, DS.kommun_codes)  # type: ignore[arg-type]
    assert isinstance(warnings, list)


def _fmt_int(x: int, style: str) -> str:
    if style == "space":
        return f"{x:,}".replace(",", " ")
    if style == "nbsp":
        return f"{x:,}".replace(",", "\u00a0")
    return str(x)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_valid_population_in_any_spreadsheet_format_is_read_exactly(data):
    """A new forecast with other figures, written as Swedish Excel may write it."""
    b = DS.table("befolkning")
    years = sorted(b["year"].unique())
    codes = [c for c in b["regionkod"].unique() if c != DS.region.lanskod]
    values = {(c, y): data.draw(st.integers(0, 2_000_000)) for c in codes for y in years}
    for y in years:
        values[(DS.region.lanskod, y)] = sum(values[(c, y)] for c in codes)
    sep = data.draw(st.sampled_from([",", ";", "\t"]))
    style = data.draw(st.sampled_from(["plain", "space", "nbsp"]))
    enc = data.draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]))
    eol = data.draw(st.sampled_from(["\n", "\r\n"]))
    names = DS.kommun_names() | {DS.region.lanskod: DS.region.lan}

    def cell(x: int) -> str:
        s = _fmt_int(x, style)
        return f'"{s}"' if sep == "," and " " in s else s

    rows = [sep.join(["regionkod", "region", *map(str, years)])]
    for c in [*codes, DS.region.lanskod]:
        rows.append(sep.join([c, names[c], *(cell(values[(c, y)]) for y in years)]))
    raw = (eol.join(rows) + eol).encode(enc)
    r = check_import(DS, "befolkning", raw, "prognos.csv")
    assert r.ok, r.problems_sv
    pv = r.preview.set_index("regionkod")
    for (c, y), v in values.items():
        assert pv.loc[c, str(y)] == v
    ds2 = load_dataset(overrides={"befolkning": raw})
    got = ds2.table("befolkning").set_index(["regionkod", "year"])["population"]
    assert all(got[(c, y)] == v for (c, y), v in values.items())


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_valid_access_series_in_any_format_is_read_exactly(data):
    t = DS.table("tillganglighet")
    years = sorted(t["year"].unique())
    keys = list(dict.fromkeys(zip(t["kpi_id"], t["omrade"])))
    sep = data.draw(st.sampled_from([",", ";", "\t"]))
    percent = data.draw(st.booleans())
    cells = {}
    rows = [sep.join(["kpi_id", "omrade", *map(str, years)])]
    for k in keys:
        out = []
        for y in years:
            v = data.draw(st.none() | st.integers(0, 1000).map(lambda i: i / 10))
            cells[(*k, str(y))] = v
            if v is None:
                out.append("")
                continue
            s = f"{v:.1f}"
            if sep != ",":
                s = s.replace(".", ",")
            if percent:
                s += " %"
            out.append(s)
        rows.append(sep.join([*k, *out]))
    raw = ("\n".join(rows) + "\n").encode("utf-8")
    r = check_import(DS, "tillganglighet", raw, "kolada.csv")
    assert r.ok, r.problems_sv
    pv = r.preview.set_index(["kpi_id", "omrade"])
    for (kpi, area, y), v in cells.items():
        got = pv.loc[(kpi, area), y]
        assert (v is None and got != got) or got == pytest.approx(v)


@SETTINGS
@given(raw=st.binary(max_size=2000))
def test_arbitrary_bytes_after_a_zip_header_give_a_report(raw):
    r = check_import(DS, "utbud", b"PK\x03\x04" + raw, "x.xlsx")
    _check_message_hygiene(r, "x.xlsx")
    assert not r.ok


# --------------------------------------------------------------------------- server settings and the error page


def test_every_streamlit_setting_exists_and_the_safe_ones_are_set():
    """Each option in .streamlit/config.toml is one that this Streamlit knows (a typo
    or a removed option would be ignored silently), and the safe values hold."""
    import tomllib

    from streamlit import config as st_config

    cfg = tomllib.loads((Path(__file__).resolve().parents[2] / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    known = st_config.get_config_options()
    used = {f"{section}.{name}" for section, opts in cfg.items() for name in opts}
    assert used - set(known) == set(), sorted(used - set(known))
    assert cfg["server"]["enableXsrfProtection"] is True and cfg["server"]["enableCORS"] is True
    assert cfg["server"]["enableAgentApi"] is False and cfg["server"]["enableStaticServing"] is False
    assert cfg["server"]["maxMessageSize"] <= 50 and cfg["server"]["maxUploadSize"] <= 20
    assert cfg["client"]["showErrorDetails"] == "none" and cfg["client"]["showErrorLinks"] == "false"


def test_a_failing_page_shows_a_swedish_message_not_streamlits_english_box(monkeypatch):
    """An unexpected error in a page: a Swedish sentence (the details go to the log),
    no exception box. Under AppTest the error is re-raised unless told otherwise."""
    from streamlit.testing.v1 import AppTest

    from naravard.ui import frame

    def script():
        from naravard.ui.frame import run_page

        class Broken:
            url_path = "trasig"

            def run(self):
                raise ValueError("a bug")

        run_page(Broken())

    monkeypatch.setattr(frame, "_raise_in_tests", lambda: False)
    at = AppTest.from_function(script).run()
    assert not at.exception
    assert [e.value for e in at.error] == [frame.PAGE_ERROR_SV]
    assert "Något gick fel" in frame.PAGE_ERROR_SV and "a bug" not in frame.PAGE_ERROR_SV
    monkeypatch.undo()
    at = AppTest.from_function(script).run()
    assert at.exception  # tests still see every bug
