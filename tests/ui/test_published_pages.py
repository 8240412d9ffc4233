"""Published data versions through the pages (AppTest, the whole app in groups mode on a
real SQLite store): a planner publishes on Ladda data, a reader's session uses it on
Befolkning and Översikt, a group member gets no publish button, a withdrawn version
leaves the choice, and a stopped database keeps the version already read.

The figures are the deck's 2030 forecast (FACTS.md, HSU-2023) that the variant file of
tests/services/test_publishing.py carries: Kungsbacka 90 950, the län 361 662; the
embedded forecast (FACTS.md S1) has 86 449 and 349 997.
"""

from __future__ import annotations

import time

import pytest
from streamlit.testing.v1 import AppTest

from naravard import fmt
from naravard.services import publishing
from naravard.sources.dataset import load_dataset
from naravard.store import ScenarioStore, StoreUnavailableError
from naravard.store.access import Access
from naravard.ui import cache
from naravard.ui import state as keys
from tests.apptables import APP, table_with
from tests.services.test_publishing import DECK, variant_file
from tests.ui.conftest import app_store

TIMEOUT = 90
LADDA = "pages/ladda_data.py"
BEF = "pages/befolkning.py"
OVERSIKT = "pages/oversikt.py"
PLANNER = Access.of("planerare@region.example", [("Planerare", "planerare")], via="oidc")
READER = Access.of("lasare@region.example", [("HSU", "läsare")], via="oidc")
MEMBER = Access.of("ledamot@region.example", [("Partigrupp A", "gruppmedlem")], via="oidc")


@pytest.fixture
def store(tmp_path, monkeypatch) -> ScenarioStore:
    """A fresh store in groups mode, with the three people as members (so a refresh of
    their memberships from the store gives the same access)."""
    s = app_store(tmp_path, monkeypatch, "groups")
    for access in (PLANNER, READER, MEMBER):
        ((group, role),) = access.roles.items()
        s.create_group(access.group_names[group])
        s.add_member(access.group_names[group], access.user, role)
    return s


def signed_in(access: Access) -> dict:
    """The session state of a person who has just signed in (ui.auth's keys)."""
    now = time.time()
    state = {keys.KEY_AUTH_ACCESS: access}
    for name in ("KEY_AUTH_SIGNED_IN_AT", "KEY_AUTH_CHECKED_AT"):  # the sign-in gate's clock, when it has one
        if hasattr(keys, name):
            state[getattr(keys, name)] = now
    return state


def app(access: Access, page: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for k, v in signed_in(access).items():
        at.session_state[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return go(at, page)


def go(at: AppTest, page: str) -> AppTest:
    at.switch_page(page)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def texts(elements) -> str:
    """The elements' text as a reader sees it (without Markdown's escapes)."""
    return fmt.plain(" ".join(str(e.value) for e in elements)).replace("\\", "")


def upload_variant(at: AppTest) -> None:
    at.selectbox(key=keys.KEY_IMPORT_TABLE).set_value("befolkning").run()
    at.file_uploader(key=keys.KEY_IMPORT_FILE).set_value(("hsu_variant.csv", variant_file(), "text/csv"))
    at.run()
    assert not at.exception and not at.error, texts(at.error)


def kungsbacka_2030(at: AppTest) -> tuple[str, str]:
    """Befolkning's comparison of the two forecasts for 2030: (the tables' forecast, Skillnad)."""
    t = table_with(at, "Skillnad")
    row = t[t["Kommun"] == "Kungsbacka"].iloc[0]
    rh = [c for c in t.columns if c not in ("Kommun", "Skillnad") and "Dialogunderlagets" not in c][0]
    return fmt.plain(str(row[rh])), fmt.plain(str(row["Skillnad"]))


def publish_as_planner() -> int:
    """A planner's session publishes the variant through the Ladda data page."""
    at = app(PLANNER, LADDA)
    upload_variant(at)
    at.text_input(key=keys.KEY_PUBLISH_NAME).input("HSU-2023 till 2030")
    at.text_input(key=keys.KEY_PUBLISH_SOURCE).input(DECK)
    at.text_area(key=keys.KEY_PUBLISH_NOTE).input("Prognosen ur dialogunderlaget")
    at.button(key=keys.KEY_PUBLISH).click().run()
    assert not at.exception and not at.error, texts(at.error)
    assert "är publicerad för alla" in texts(at.success)
    # the planner's own session now uses the published version
    assert at.selectbox(key=keys.data_version_key("befolkning")).value != 0
    return at.selectbox(key=keys.data_version_key("befolkning")).value


def test_a_planner_publishes_and_a_readers_session_uses_it(store):
    before = app(READER, BEF)
    assert kungsbacka_2030(before)[0] == "86 449"  # FACTS.md S1, the embedded forecast
    assert not [s for s in before.selectbox if s.key == keys.data_version_key("befolkning")]

    vid = publish_as_planner()
    (info,) = store.list_data_versions("befolkning")
    assert info.id == vid and info.source == DECK and info.published_by == PLANNER.user

    at = app(READER, BEF)  # a second person's session: the newest published version by default
    assert kungsbacka_2030(at) == ("90 950", "0")  # the deck's 86 100 + 4 850; both forecasts now agree
    label = f"Publicerad version ”HSU-2023 till 2030” ({info.published_at[:10]}, {DECK})"
    assert f"Källa: {label}" in texts(at.caption)
    go(at, OVERSIKT)
    assert {m.label: fmt.plain(m.value) for m in at.metric}["Invånare 2030 (prognos)"] == "361 662"
    assert "egen data" not in texts(at.sidebar.info)  # a published version is not the session's own

    go(at, LADDA)
    choice = at.selectbox(key=keys.data_version_key("befolkning"))
    assert choice.value == vid and choice.options == ["Inbäddade data (manifest)", f"{label} – nyast"]
    assert not [b for b in at.button if b.key == keys.KEY_PUBLISH]  # a reader publishes nothing
    upload_variant(at)
    assert not [b for b in at.button if b.key == keys.KEY_PUBLISH]
    assert not [b for b in at.button if b.key == keys.KEY_WITHDRAW_PREFIX + "befolkning"]

    at.selectbox(key=keys.data_version_key("befolkning")).set_value(0).run()  # back to the manifest
    go(at, BEF)
    assert kungsbacka_2030(at)[0] == "86 449"
    go(at, LADDA)
    assert at.selectbox(key=keys.data_version_key("befolkning")).value == 0  # the choice holds across pages


def test_a_group_member_has_no_publish_button_and_the_store_refuses_anyway(store):
    at = app(MEMBER, LADDA)
    upload_variant(at)
    assert "kan användas som Folkmängd per kommun" in texts(at.success)
    assert not [b for b in at.button if b.key == keys.KEY_PUBLISH]
    assert [b for b in at.button if b.key == keys.KEY_IMPORT_USE]  # trying it in the session is for everyone
    from naravard.store import StoreForbiddenError

    with pytest.raises(StoreForbiddenError):
        publishing.publish_import(store.with_access(MEMBER), load_dataset(), "befolkning", variant_file(), "v.csv",
                                  "Smygpublicerad", DECK)
    assert store.list_data_versions() == []


def test_a_session_import_overrides_the_published_version_for_that_session_only(store):
    publishing.publish_import(store, load_dataset(), "befolkning", variant_file(), "v.csv", "HSU-2023 till 2030", DECK)
    embedded = (load_dataset().info["befolkning"].file)
    from naravard.sources.dataset import DEFAULT_DATA_DIR

    at = app(READER, LADDA)
    at.session_state[keys.KEY_DATA_IMPORT] = {"befolkning": (DEFAULT_DATA_DIR / embedded).read_bytes()}
    go(at, BEF)
    assert kungsbacka_2030(at)[0] == "86 449"  # the session's own file (prova först) wins
    assert "Egen data" in texts(at.caption)
    assert kungsbacka_2030(app(READER, BEF))[0] == "90 950"  # another session still has the published one


def test_withdraw_removes_the_version_from_the_choice(store):
    vid = publish_as_planner()
    reader = app(READER, LADDA)
    assert reader.selectbox(key=keys.data_version_key("befolkning")).value == vid

    at = app(PLANNER, LADDA)
    at.button(key=keys.KEY_WITHDRAW_PREFIX + "befolkning").click().run()
    assert "Återkalla" in texts(at.warning)  # asks first
    assert store.list_data_versions() != []
    at.button(key=keys.KEY_WITHDRAW_CONFIRM).click().run()
    assert not at.exception and not at.error, texts(at.error)
    assert "återkallad" in texts(at.success)
    assert store.list_data_versions() == []
    assert not [s for s in at.selectbox if s.key == keys.data_version_key("befolkning")]

    # the reader's session (same process: the list is read again after a withdraw here)
    go(reader, BEF)
    assert kungsbacka_2030(reader)[0] == "86 449"
    go(reader, LADDA)
    assert not [s for s in reader.selectbox if s.key == keys.data_version_key("befolkning")]


def test_a_stopped_database_keeps_the_version_already_read(store, monkeypatch):
    publishing.publish_import(store, load_dataset(), "befolkning", variant_file(), "v.csv", "HSU-2023 till 2030", DECK)
    at = app(READER, BEF)
    assert kungsbacka_2030(at)[0] == "90 950"  # read once while the database runs

    def stopped(*args, **kwargs):
        raise StoreUnavailableError("the database is not reachable", "Databasen går inte att nå just nu.")

    for name in ("list_data_versions", "get_data_version", "latest_register", "list_registers"):
        monkeypatch.setattr(ScenarioStore, name, stopped)
    monkeypatch.setattr(cache, "LIST_TTL_S", 0.0)  # every run asks the database again

    go(at, BEF)
    assert kungsbacka_2030(at)[0] == "90 950"
    assert "Publicerad version ”HSU-2023 till 2030”" in texts(at.caption)
    go(at, LADDA)
    warning = texts(at.warning)
    assert "Databasen kan inte nås just nu (Databasen går inte att nå just nu)" in warning
    assert "Folkmängd per kommun (historik och prognos): Publicerad version ”HSU-2023 till 2030”" in warning

    fresh = app(READER, BEF)  # a new session of the same process: the last list read and the cached content
    assert kungsbacka_2030(fresh)[0] == "90 950"


def test_a_database_unreachable_from_the_start_leaves_the_embedded_data_and_says_so(store, monkeypatch):
    publishing.publish_import(store, load_dataset(), "befolkning", variant_file(), "v.csv", "HSU-2023 till 2030", DECK)

    def stopped(*args, **kwargs):
        raise StoreUnavailableError("the database is not reachable", "Databasen går inte att nå just nu.")

    monkeypatch.setattr(ScenarioStore, "list_data_versions", stopped)
    cache.forget_published_list()  # this process has never read the list
    at = app(READER, LADDA)
    assert "Databasen kan inte nås just nu (Databasen går inte att nå just nu). De inbäddade data används" in texts(
        at.warning)
    go(at, BEF)
    assert kungsbacka_2030(at)[0] == "86 449"


def test_a_published_name_and_source_are_shown_as_text(store):
    """A planner's words in the Källa line never become a link or an image (Markdown)."""
    name, source = "Prognos ![x](http://tracker.example/p.png)", "[Klicka](javascript:alert(1)) <b>SCB</b>"
    publishing.publish_import(store, load_dataset(), "befolkning", variant_file(), "v.csv", name, source)
    at = app(READER, BEF)
    [line] = [c.value for c in at.caption if c.value.startswith("Källa: Publicerad version")]
    assert fmt.markdown_escape(name) in line and fmt.markdown_escape(source) in line
    assert "](" not in line.replace("\\](", "")  # every bracket escaped: no link, no image


@pytest.fixture
def pg(tmp_path, monkeypatch):
    """A throw-away PostgreSQL (tests/store/conftest.py's Cluster) as the app's database,
    in groups mode; yields the cluster so a test can stop it."""
    import os

    if os.environ.get("NARAVARD_TEST_POSTGRES", "").strip() == "0":
        pytest.skip("NARAVARD_TEST_POSTGRES=0: the postgres tests are switched off explicitly")
    from naravard.store.postgres import close_pools
    from tests.store.conftest import Cluster

    cluster = Cluster()
    try:
        monkeypatch.setenv("NARAVARD_DATABASE_URL", cluster.new_database())
        monkeypatch.setenv("NARAVARD_ACCESS", "groups")
        monkeypatch.setenv("NARAVARD_CACHE_DIR", str(tmp_path / "cache"))
        monkeypatch.delenv("NARAVARD_DATA_DIR", raising=False)
        yield cluster
    finally:
        close_pools()
        cluster.remove()


def test_postgresql_stopped_while_the_app_runs_keeps_the_published_version(pg):
    """The issue's fault case on the real backend: the server is stopped (pg_ctl stop)
    between two runs; the version already read stays in use and Ladda data says the
    database cannot be reached (the store's own Swedish message)."""
    from naravard.store import open_store

    publishing.publish_import(open_store(), load_dataset(), "befolkning", variant_file(), "v.csv", "HSU-2023 till 2030",
                              DECK)
    at = app(READER, BEF)
    assert kungsbacka_2030(at)[0] == "90 950"
    pg.stop()
    for ident, (read, listing) in list(cache._lists.items()):  # as if LIST_TTL_S had passed since the last read
        cache._lists[ident] = (read - cache.LIST_TTL_S - 1, listing)
    go(at, LADDA)  # asks the stopped server once (its pool waits a few seconds), then keeps the last list
    warning = texts(at.warning)
    assert "Databasen kan inte nås just nu (Databasen går inte att nå just nu" in warning
    assert "Folkmängd per kommun (historik och prognos): Publicerad version ”HSU-2023 till 2030”" in warning
    go(at, BEF)
    assert kungsbacka_2030(at)[0] == "90 950"
    assert "Publicerad version ”HSU-2023 till 2030”" in texts(at.caption)
