"""Any region by its data (issue 10, part 5).

1. A second region's data dir is written to a temp folder: SYNTHETIC figures under
   Blekinge's real kommun codes (län 10; 1060, 1080, 1081, 1082, 1083). Every page is
   rendered with AppTest and ``NARAVARD_DATA_DIR``: no exception, the region's name
   where the page names its region, and no "Halland" anywhere on the page.
2. A static check: no region or kommun name as a string literal in the code of
   ``naravard/``, ``pages/`` or ``app.py``. The names are read from the data
   (``data/kommuner.csv``, the manifest's ``[region]`` block), not typed here.

The synthetic manifest is the embedded one with every "Halland" rewritten (so sections
other helpers add, such as forecast labels, come along) and every source title marked
SYNTETISK; its tables are generated below, consistent with each other (kommun rows
sum to the län rows) so that the loader accepts them.
"""

from __future__ import annotations

import ast
import re
import shutil
import tomllib
from pathlib import Path

import pandas as pd
import pytest
from google.protobuf import text_format
from streamlit.testing.v1 import AppTest

from naravard import ui
from naravard.sources.dataset import DEFAULT_DATA_DIR, load_dataset
from naravard.sources.vocab import AGE_GROUPS, NATIONAL_AREA
from tests.apptables import APP, all_tables

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 90

# --------------------------------------------------------------- the second region

LAN = "10"
KOMMUNER = {  # real codes and names (SCB); the seats are rough synthetic points inside the län
    "1060": ("Olofström", "Olofström", 56.28, 14.53),
    "1080": ("Karlskrona", "Karlskrona", 56.16, 15.59),
    "1081": ("Ronneby", "Ronneby", 56.21, 15.28),
    "1082": ("Karlshamn", "Karlshamn", 56.17, 14.86),
    "1083": ("Sölvesborg", "Sölvesborg", 56.05, 14.58),
}
REGION = {"lanskod": LAN, "lan": "Blekinge län", "organisation": "Region Blekinge", "kort_namn": "Blekinge", "basar": 2025}
COMPARISON = "Skåne"
SYNTHETIC = "SYNTETISKA TESTDATA, inga verkliga siffror"
# Synthetic figures: population per kommun in 2025 and its yearly drift.
POP_2025 = {"1060": 13000, "1080": 66000, "1081": 28000, "1082": 32000, "1083": 17500}
YEARS = [2020, 2021, 2022, 2023, 2024, 2025, 2030, 2035, 2040]
AGE_SHARES = {"0-19": 0.21, "20-64": 0.55, "65-79": 0.16, "80+": 0.08}
VCS = {"1060": 2, "1080": 8, "1081": 4, "1082": 4, "1083": 2}


def _pop(code: str, year: int) -> int:
    return int(round(POP_2025[code] * (1 + 0.002 * (year - 2025))))


def _toml_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return str(v)
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(v, list):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    raise TypeError(type(v))


def _key(k: str) -> str:
    return k if re.fullmatch(r"[A-Za-z0-9_-]+", k) else _toml_value(k)


def _is_table_list(v) -> bool:
    return isinstance(v, list) and bool(v) and all(isinstance(x, dict) for x in v)


def _toml(d: dict, prefix: str = "") -> str:
    """A minimal TOML writer for the manifest's shape: tables, arrays of tables, scalars, lists."""
    lines = [f"{_key(k)} = {_toml_value(v)}" for k, v in d.items() if not isinstance(v, dict) and not _is_table_list(v)]
    text = "\n".join(lines) + ("\n" if lines else "")
    for k, v in d.items():
        name = f"{prefix}.{_key(k)}" if prefix else _key(k)
        if isinstance(v, dict):
            text += f"\n[{name}]\n" + _toml(v, name)
        elif _is_table_list(v):
            for item in v:
                text += f"\n[[{name}]]\n" + _toml(item, name)
    return text


def _rename(obj):
    """Every 'Halland' of the embedded manifest becomes the synthetic region's name."""
    if isinstance(obj, dict):
        return {k: _rename(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_rename(v) for v in obj]
    if isinstance(obj, str):
        return re.sub(r"Halland", "Blekinge", re.sub(r"Hallands län", "Blekinge län", obj))
    return obj


def _source_keys(obj):
    """Every ``source = "…"`` value anywhere in the manifest (tables, dialog, sections others add)."""
    if isinstance(obj, dict):
        for k, v in obj.items():
            if k == "source" and isinstance(v, str):
                yield v
            else:
                yield from _source_keys(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from _source_keys(v)


def write_region(d: Path) -> Path:
    """Write the synthetic Blekinge data dir into ``d`` and return it."""
    d.mkdir(parents=True, exist_ok=True)
    m = _rename(tomllib.loads((DEFAULT_DATA_DIR / "manifest.toml").read_text(encoding="utf-8")))
    m["region"] = {**m["region"], **REGION, "jamforelse": [NATIONAL_AREA, COMPARISON]}
    used = set(_source_keys({k: v for k, v in m.items() if k != "sources"}))
    m["sources"] = {k: {**v, "title": f"{v['title']} ({SYNTHETIC})"} for k, v in m["sources"].items() if k in used}
    for t in m["tables"].values():
        t["notes"] = f"{SYNTHETIC}."
    (d / "manifest.toml").write_text(f"# {SYNTHETIC}: a second region for tests/test_region.py\n" + _toml(m), encoding="utf-8")
    files = {name: t["file"] for name, t in m["tables"].items()}
    codes = list(KOMMUNER)

    pd.DataFrame(
        [{"kommunkod": c, "kommun": n, "centralort": s, "lat": la, "lon": lo} for c, (n, s, la, lo) in KOMMUNER.items()]
    ).to_csv(d / files["kommuner"], index=False)

    rows = []
    for c in codes:
        rows.append({"regionkod": c, "region": KOMMUNER[c][0], **{str(y): _pop(c, y) for y in YEARS}})
    lan_row = {"regionkod": LAN, "region": "Blekinge län", **{str(y): sum(_pop(c, y) for c in codes) for y in YEARS}}
    pd.DataFrame([*rows, lan_row]).to_csv(d / files["befolkning"], index=False)

    age_years = [2020, 2025, 2030, 2035, 2040]
    age = []
    for c in codes:
        for g in AGE_GROUPS:
            age.append({"regionkod": c, "aldersgrupp": g, **{str(y): 0 for y in age_years}})
    age_df = pd.DataFrame(age)
    for c in codes:
        for y in age_years:
            total = _pop(c, y)
            parts = {g: int(total * AGE_SHARES[g] * (1 + (0.01 * (y - 2025) if g == "80+" else 0))) for g in AGE_GROUPS}
            parts["20-64"] += total - sum(parts.values())  # groups sum to the total
            for g, v in parts.items():
                age_df.loc[(age_df["regionkod"] == c) & (age_df["aldersgrupp"] == g), str(y)] = v
    lan_age = age_df.groupby("aldersgrupp", sort=False)[[str(y) for y in age_years]].sum().reset_index()
    lan_age.insert(0, "regionkod", LAN)
    pd.concat([age_df, lan_age], ignore_index=True).to_csv(d / files["befolkning_alder"], index=False)

    utbud = pd.DataFrame(
        [
            {
                "kommunkod": c,
                "kommun": KOMMUNER[c][0],
                "vardcentraler": VCS[c],
                "filialer": 1,
                "listade_per_vc": 6000 + 100 * i,
                "invanare_2022": _pop(c, 2022),
                "prognos_forandring_2030": _pop(c, 2030) - _pop(c, 2022),
            }
            for i, c in enumerate(codes)
        ]
    )
    utbud.to_csv(d / files["utbud"], index=False)

    facts = pd.read_csv(DEFAULT_DATA_DIR / "hsu2023_nyckeltal.csv", dtype={"nyckel": str})
    facts["beskrivning"] = facts["beskrivning"].str.replace("Halland", "Blekinge")
    facts = facts[facts["kalla"] == m["tables"]["nyckeltal"]["source"]]  # the deck's own rows only
    facts["varde"] = (facts["varde"] * 0.45).round()  # synthetic, of a plausible size
    exact = {
        "vardcentraler": utbud["vardcentraler"].sum(),
        "filialer": utbud["filialer"].sum(),
        "invanare": utbud["invanare_2022"].sum(),
        "prognos_forandring_2030": utbud["prognos_forandring_2030"].sum(),
        "invanare_prognos_2030": utbud["invanare_2022"].sum() + utbud["prognos_forandring_2030"].sum(),
    }
    for k, v in exact.items():
        facts.loc[facts["nyckel"] == k, "varde"] = v
    for k in ("khsv_ordinart_andel", "khsv_sabo_andel", "kommuner_utan_kvallsvard", "vc_oppet_timmar_vecka"):
        facts.loc[facts["nyckel"] == k, "varde"] = pd.read_csv(DEFAULT_DATA_DIR / "hsu2023_nyckeltal.csv").set_index("nyckel").loc[k, "varde"]
    facts.to_csv(d / files["nyckeltal"], index=False)

    pd.DataFrame(
        [
            {"indikator": "Telefontillgänglighet (syntetisk)", "varde": 90, "riket": None, "decimaler": 0, "period": "2022",
             "riket_text": "ingen siffra", "not": None, "kpi_id": "N79179", "ar": 2022},
        ]
    ).to_csv(d / files["tillganglighet_hsu"], index=False)

    kpis = pd.read_csv(DEFAULT_DATA_DIR / "tillganglighet_indikatorer.csv")
    kpis.to_csv(d / files["indikatorer"], index=False)
    kolada = []
    for i, kpi in enumerate(kpis["kpi_id"]):
        for j, area in enumerate(["Blekinge", NATIONAL_AREA, COMPARISON]):
            kolada.append({"kpi_id": kpi, "omrade": area, **{str(y): 70 + i + j + 0.1 * (y - 2016) for y in range(2016, 2026)}})
    pd.DataFrame(kolada).to_csv(d / files["tillganglighet"], index=False)

    pd.DataFrame(
        [{"regionkod": LAN, "omrade": "Blekinge", "bil": 6, "cykel": 9, "kollektivtrafik": 15, "gang": 22}]
        + [{"regionkod": c, "omrade": KOMMUNER[c][0], "bil": 5 + i, "cykel": 8 + i, "kollektivtrafik": 14 + i, "gang": None if i == 0 else 20 + i}
           for i, c in enumerate(codes)]
    ).to_csv(d / files["restid"], index=False)

    (d / m["dialog"]["file"]).write_text(
        f'# {SYNTHETIC}\n'
        'strategisk_fraga = "Vilket val passar regionen bäst? (syntetisk)"\n'
        'avslutande_fraga = "Vad är bäst för blekingarna? (syntetisk)"\n'
        'lmh_lage = "Syntetisk lägesbeskrivning."\n'
        "[tillganglighet]\n"
        'krav = ["Öppet minst **{vc_oppet_timmar_vecka} timmar i veckan** (syntetisk text).", "Saknas: {finns_inte}."]\n'
        'fragor = ["Vilka öppettider behövs? (syntetisk)"]\n',
        encoding="utf-8",
    )
    # Tables this test does not generate (national ones another helper may add, such as
    # SCB's boundaries of all kommuner) are copied as they are.
    for f in files.values():
        if not (d / f).exists() and (DEFAULT_DATA_DIR / f).exists():
            shutil.copy(DEFAULT_DATA_DIR / f, d / f)
    return d


@pytest.fixture(scope="module")
def region_dir(tmp_path_factory) -> Path:
    return write_region(tmp_path_factory.mktemp("blekinge") / "data")


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("NARAVARD_STORE", str(tmp_path / "scenarier.sqlite3"))
    monkeypatch.setenv("NARAVARD_CACHE_DIR", str(tmp_path / "cache"))


def test_second_region_loads_without_problems(region_dir):
    ds = load_dataset(region_dir)
    assert ds.problems == {}, {k: str(v) for k, v in ds.problems.items()}
    assert ds.region.kort_namn == "Blekinge" and ds.region.access_areas == ("Blekinge", "Riket", "Skåne")
    assert ds.kommun_codes == list(KOMMUNER)
    assert ds.dialog is not None and ds.dialog.closing_question.startswith("Vad är bäst för blekingarna?")
    assert ds.dialog.options == ()  # a region's deck without options: the Scenario page leaves them out


def test_access_area_outside_the_manifest_is_reported(region_dir, tmp_path):
    d = tmp_path / "d"
    shutil.copytree(region_dir, d)
    kolada = d / "tillganglighet_kolada.csv"
    kolada.write_text(kolada.read_text(encoding="utf-8").replace(",Skåne,", ",Kronoberg,"), encoding="utf-8")
    ds = load_dataset(d)
    assert "okänt område Kronoberg" in ds.problems["tillganglighet"].message_sv
    assert "Blekinge, Riket, Skåne" in ds.problems["tillganglighet"].message_sv


# ----------------------------------------------------------------------- the pages


def _texts(at: AppTest) -> str:
    """Every text of the rendered page, main area and sidebar, tables included."""
    parts = []

    def walk(node):
        proto = getattr(node, "proto", None)
        if proto is not None:
            parts.append(text_format.MessageToString(proto, as_utf8=True))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    parts += [df.to_string() for df in all_tables(at)]
    return "\n".join(parts)


def _open(region_dir: Path, monkeypatch, script: str) -> AppTest:
    monkeypatch.setenv("NARAVARD_DATA_DIR", str(region_dir))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    if script != ui.PAGES[0].script:
        at.switch_page(script)
        at.run()
    return at


ALL_PAGES = [p.script for p in ui.PAGES]


@pytest.mark.parametrize("script", [p.script for p in ui.PAGES])
def test_every_page_renders_for_another_region(region_dir, monkeypatch, script):
    at = _open(region_dir, monkeypatch, script)
    assert not at.exception, [e.value for e in at.exception]
    assert at.title, "every page has a title"
    assert "Region Blekinge" in " ".join(str(m.value) for m in at.sidebar.markdown)  # the sidebar names the region


@pytest.mark.parametrize("script", ALL_PAGES)
def test_page_names_the_region_not_halland(region_dir, monkeypatch, script):
    at = _open(region_dir, monkeypatch, script)
    assert not at.exception, [e.value for e in at.exception]
    text = _texts(at)
    leaks = sorted({m.group(0) for m in re.finditer(r"[^\n]{0,60}(?i:hallan|hallän|kungsbacka|varberg|falkenberg|halmstad|laholm|hylte|kronoberg)[^\n]{0,60}", text)})
    assert leaks == [], leaks
    assert "Blekinge" in text


def test_region_name_in_the_overview_title_and_texts(region_dir, monkeypatch):
    at = _open(region_dir, monkeypatch, "pages/oversikt.py")
    assert at.title[0].value == "Primärvården i Blekinge – översikt"
    total = [df for df in all_tables(at) if "Vårdcentraler" in df.columns][0].iloc[-1]
    assert total["Kommun"] == "Blekinge totalt" and total["Vårdcentraler"] == "20"  # 2 + 8 + 4 + 4 + 2
    at = _open(region_dir, monkeypatch, "pages/tillganglighet.py")
    text = _texts(at)
    assert "primärvården i Blekinge, jämfört med riket och Skåne" in text
    assert "Vad är bäst för blekingarna? (syntetisk)" in text  # the closing question from the data dir
    assert "Saknas: (uppgift saknas)." in text  # a placeholder the key figures lack says so
    assert "Vad gäller för vårdcentralerna" in text


@pytest.mark.parametrize("script", ALL_PAGES)
def test_no_halland_anywhere(region_dir, monkeypatch, script):
    at = _open(region_dir, monkeypatch, script)
    text = _texts(at)
    leaks = sorted({m.group(0) for m in re.finditer(r"[^\n]{0,60}(?i:hallan|hallän)[^\n]{0,60}", text)})
    assert leaks == [], leaks


# -------------------------------------------------------------------- static check


def region_names() -> list[str]:
    """Every region and kommun name of the embedded data, read from the data."""
    m = tomllib.loads((DEFAULT_DATA_DIR / "manifest.toml").read_text(encoding="utf-8"))
    r = m["region"]
    k = pd.read_csv(DEFAULT_DATA_DIR / "kommuner.csv", dtype=str)
    names = {r["kort_namn"], r["lan"], *k["kommun"], *k["centralort"], *(a for a in r.get("jamforelse", []) if a != NATIONAL_AREA)}
    # the demonym's stem, as in the deck's closing question ("hallänningen")
    names.add(r["kort_namn"][:-3] + "än" if r["kort_namn"].endswith("and") else r["kort_namn"])
    return sorted(names, key=str.casefold)


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                ids.add(id(body[0].value))
    return ids


def name_literals(path: Path, names: list[str]) -> list[str]:
    """String literals (f-string parts included, docstrings and comments not) naming a region or kommun."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = _docstrings(tree)
    pattern = re.compile("|".join(re.escape(n) for n in names), re.IGNORECASE)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs:
            if pattern.search(node.value):
                found.append(f"line {node.lineno}: {node.value[:80]!r}")
    return found


CODE = sorted([*(ROOT / "naravard").rglob("*.py"), *(ROOT / "pages").glob("*.py"), ROOT / "app.py"])
@pytest.mark.parametrize("path", CODE, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_region_or_kommun_name_in_code(path: Path):
    assert name_literals(path, region_names()) == []


def test_the_static_check_can_fail(tmp_path):
    names = region_names()
    assert {"halland", "hallands län", "kronoberg", "hylte", "hyltebruk", "hallän"} <= {n.casefold() for n in names}
    f = tmp_path / "x.py"
    f.write_text('"""Docstrings may say Halland."""\n# so may comments: Varberg\nT = f"Primärvården i {x} och halmstad"\n')
    assert name_literals(f, names) == ["line 3: ' och halmstad'"]
