"""The written rules, checked: docs match the code, layers keep their promises."""

import re
from pathlib import Path

from naravard import ui

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def py_files(*dirs: str) -> list[Path]:
    return [p for d in dirs for p in (ROOT / d).rglob("*.py")]


def test_readme_gives_the_two_commands_and_ci_runs_the_test_one():
    assert "./scripts/run.sh" in README and "./scripts/test.sh" in README
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "./scripts/test.sh" in ci


def test_every_page_is_documented_in_the_readme():
    for p in ui.PAGES:
        assert f"| {p.title} |" in README, p.title
        assert (ROOT / p.script).exists(), p.script


def test_every_environment_variable_is_documented():
    used = set()
    for p in py_files("naravard"):
        used |= set(re.findall(r"NARAVARD_[A-Z_]+", p.read_text(encoding="utf-8")))
    assert used, "the package reads its configuration from NARAVARD_* variables"
    for var in used:
        assert var in README, var



def test_pages_are_thin():
    heavy = re.compile(r"\.groupby\(|\.merge\(|read_csv\(|read_parquet\(|go\.Figure\(|px\.|\bopen\(|\.pivot")
    offenders = [str(p.relative_to(ROOT)) for p in py_files("pages") if heavy.search(p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_no_unsafe_html_and_no_pickle_or_eval_of_user_data():
    for p in py_files("naravard", "pages") + [ROOT / "app.py"]:
        text = p.read_text(encoding="utf-8")
        assert "unsafe_allow_html=True" not in text.replace(" ", ""), p
        assert not re.search(r"\bpickle\.loads?\(|\beval\(|\bexec\(", text), p


def test_cache_resource_is_not_used_for_data():
    for p in py_files("naravard", "pages") + [ROOT / "app.py"]:
        assert "cache_resource" not in p.read_text(encoding="utf-8"), p


def test_session_state_keys_are_prefixed():
    keys = set()
    for p in py_files("pages", "naravard/ui"):
        keys |= set(re.findall(r'key="([^"]+)"', p.read_text(encoding="utf-8")))
    assert keys and all(k.startswith("nv_") for k in keys), sorted(k for k in keys if not k.startswith("nv_"))


def test_requirements_are_pinned():
    for name in ("requirements.txt", "requirements-dev.txt"):
        for line in (ROOT / name).read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if line and not line.startswith(("#", "-r")):
                assert "==" in line, f"{name}: {line}"


def test_streamlit_config_is_safe():
    cfg = (ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8")
    assert "enableXsrfProtection = true" in cfg
    assert "gatherUsageStats = false" in cfg
    assert re.search(r"maxUploadSize = \d+", cfg)


def test_page_url_paths_equal_their_file_names():
    """Deep links must resolve the same way in Streamlit's legacy pages/ mode (see
    naravard.ui.ensure_frame) and in st.navigation."""
    for p in ui.PAGES:
        assert Path(p.script).stem == p.url_path, p


def test_the_app_draws_only_through_plotly():
    """Every chart and map is a Plotly figure drawn by ui.widgets.chart: no Vega-Lite
    or Altair anywhere in the app, plotly pinned in requirements.txt (what
    scripts/run.sh installs), and st.plotly_chart called in one place only."""
    runtime = (ROOT / "requirements.txt").read_text(encoding="utf-8")
    assert re.search(r"^plotly==\d+\.\d+\.\d+$", runtime, re.M)
    files = py_files("naravard", "pages") + [ROOT / "app.py"]
    vega = [
        str(p.relative_to(ROOT))
        for p in files
        if re.search(r"vega_lite_chart|altair|vega-lite|\bst\.(line|bar|area|scatter|map)_chart\b|pydeck", p.read_text(encoding="utf-8"), re.I)
    ]
    assert vega == []
    drawers = [str(p.relative_to(ROOT)) for p in files if "plotly_chart(" in p.read_text(encoding="utf-8")]
    assert drawers == ["naravard/ui/widgets.py"]


def test_architecture_doc_names_every_layer_and_module():
    """docs/architecture.md stays true: each layer folder and each module is named."""
    doc = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    missing = []
    for p in py_files("naravard"):
        rel = p.relative_to(ROOT / "naravard")
        if rel.name in ("__init__.py", "__main__.py"):
            if len(rel.parts) > 1 and f"naravard/{rel.parts[0]}/" not in doc:
                missing.append(f"naravard/{rel.parts[0]}/")
            continue
        if f"`{p.stem}`" not in doc and f"{p.stem}.py" not in doc:
            missing.append(str(rel))
    assert missing == [], f"not described in docs/architecture.md: {sorted(set(missing))}"
