"""The sign-in gate (naravard.ui.auth) with AppTest.from_function and a real SQLite store.

Each test's script is the gate followed by a marker line standing for the page: the
marker must appear only for a session that may see the pages.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from naravard.store import ScenarioStore
from naravard.ui.state import (
    KEY_AUTH_CHECKED_AT,
    KEY_AUTH_GROUP,
    KEY_AUTH_NAME,
    KEY_AUTH_PASSPHRASE,
    KEY_AUTH_SIGNED_IN_AT,
    KEY_SC_GROUP,
)

PASS_A = "rätt häst batteri häftklammer"
PASS_B = "en helt annan lösenfras"
PAGE_MARKER = "SIDANS INNEHÅLL"


@pytest.fixture
def store(tmp_path, monkeypatch) -> ScenarioStore:
    path = tmp_path / "scenarier.sqlite3"
    monkeypatch.setenv("NARAVARD_STORE", str(path))
    monkeypatch.setenv("NARAVARD_ACCESS", "groups")
    monkeypatch.delenv("NARAVARD_DATABASE_URL", raising=False)
    monkeypatch.delenv("NARAVARD_SIGNIN_HOURS", raising=False)
    # the gate lists the app's pages (hidden) for st.navigation; st.Page resolves scripts
    # against the running script's folder, a temp dir under from_function
    import types

    import streamlit

    monkeypatch.setattr(streamlit, "Page", lambda script, **kw: types.SimpleNamespace(
        script=script, url_path=kw.get("url_path", ""), title=kw.get("title", ""), **{"_kw": kw}))
    monkeypatch.setattr(streamlit, "navigation", lambda pages, **kw: pages[0])
    s = ScenarioStore(path)  # unbound: the system, as the CLI bootstraps groups
    s.create_group("Grupp A")
    s.create_group("Grupp B")
    s.set_passphrase("Grupp A", PASS_A, "gruppmedlem")
    s.set_passphrase("Grupp B", PASS_B, "gruppmedlem")
    return s


def _gated_page():
    import streamlit as st

    from naravard.ui import auth

    auth.gate()
    st.markdown("SIDANS INNEHÅLL")
    auth.group_input("Grupp", "nv_sc_ui_grupp")


def _app() -> AppTest:
    at = AppTest.from_function(_gated_page, default_timeout=30)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [m.value for m in at.sidebar.markdown] + [c.value for c in at.sidebar.caption]
    parts += [w.value for w in at.warning] + [e.value for e in at.error] + [i.value for i in at.info]
    return "\n".join(str(p).replace("\\", "") for p in parts)


def _sign_in(at: AppTest, group: str, passphrase: str, name: str = "") -> AppTest:
    at.selectbox(key=KEY_AUTH_GROUP).set_value(group)
    at.text_input(key=KEY_AUTH_PASSPHRASE).input(passphrase)
    if name:
        at.text_input(key=KEY_AUTH_NAME).input(name)
    next(b for b in at.button if b.label == "Logga in").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _page_shown(at: AppTest) -> bool:
    return any(m.value == PAGE_MARKER for m in at.markdown)


def test_open_mode_shows_the_page_and_says_everyone_sees_everything(tmp_path, monkeypatch):
    monkeypatch.setenv("NARAVARD_STORE", str(tmp_path / "s.sqlite3"))
    monkeypatch.setenv("NARAVARD_ACCESS", "open")
    at = _app()
    assert _page_shown(at)
    assert any("Lokalt läge utan inloggning" in m.value for m in at.sidebar.markdown)
    assert at.text_input(key=KEY_SC_GROUP).label == "Grupp", "open mode: a free-text group as before"


def test_groups_mode_shows_only_the_sign_in_view_until_signed_in(store):
    at = _app()
    assert not _page_shown(at), "no page content before sign-in"
    assert [t.value for t in at.title] == ["Logga in"]
    assert at.selectbox(key=KEY_AUTH_GROUP).options == ["Grupp A", "Grupp B"]
    assert at.text_input(key=KEY_AUTH_PASSPHRASE).proto.type == at.text_input(key=KEY_AUTH_PASSPHRASE).proto.PASSWORD
    assert not any("organisationens konto" in b.label for b in at.button), "no [auth] in secrets: no OIDC button"


def test_right_passphrase_signs_in_and_limits_the_group_choice(store):
    at = _sign_in(_app(), "Grupp A", PASS_A, "Eva")
    assert _page_shown(at)
    assert at.selectbox(key=KEY_SC_GROUP).options == ["Grupp A"], "only the signed-in group is offered"
    text = _texts(at)
    assert "Eva" in text and "Grupp A: gruppmedlem" in text
    assert any(b.label == "Logga ut" for b in at.sidebar.button)
    assert at.session_state[KEY_AUTH_PASSPHRASE] == "", "the passphrase is not kept in the session"


def test_wrong_passphrase_is_refused_with_one_message(store):
    at = _sign_in(_app(), "Grupp A", PASS_B)
    assert not _page_shown(at)
    assert "Fel grupp eller lösenfras." in _texts(at)
    at = _sign_in(at, "Grupp A", "' OR '1'='1' --", "x'); DROP TABLE scenario; --")
    assert not _page_shown(at), "an injection attempt is just a wrong passphrase"
    assert "Fel grupp eller lösenfras." in _texts(at)
    assert [g.name for g in store.list_groups()] == ["Grupp A", "Grupp B"]
    # and the right one still works afterwards
    at = _sign_in(at, "Grupp A", PASS_A)
    assert _page_shown(at)


def test_five_wrong_passphrases_throttle_the_group(store):
    at = _app()
    for _ in range(5):
        at = _sign_in(at, "Grupp A", "fel fel fel fel fel")
    at = _sign_in(at, "Grupp A", PASS_A)
    assert not _page_shown(at), "throttled: even the right passphrase waits"
    assert "För många misslyckade försök. Försök igen om" in _texts(at)
    # another group is not affected
    at = _sign_in(at, "Grupp B", PASS_B)
    assert _page_shown(at)


def test_sign_out_returns_to_the_sign_in_view_and_forgets_the_session(store):
    at = _sign_in(_app(), "Grupp A", PASS_A)
    at.session_state["nv_sc_ui_anteckning"] = "gruppens hemliga utkast"
    at.run()
    next(b for b in at.sidebar.button if b.label == "Logga ut").click().run()
    assert not _page_shown(at)
    assert [t.value for t in at.title] == ["Logga in"]
    assert "nv_sc_ui_anteckning" not in at.session_state, "the next person does not inherit the draft"


def test_an_expired_sign_in_asks_again(store):
    at = _sign_in(_app(), "Grupp A", PASS_A)
    at.session_state[KEY_AUTH_SIGNED_IN_AT] = at.session_state[KEY_AUTH_SIGNED_IN_AT] - 8 * 3600 - 1
    at.run()
    assert not _page_shown(at)
    assert "Inloggningen har gått ut. Logga in igen." in _texts(at)


def test_sign_in_hours_come_from_the_environment(store, monkeypatch):
    at = _sign_in(_app(), "Grupp A", PASS_A)
    at.session_state[KEY_AUTH_SIGNED_IN_AT] = at.session_state[KEY_AUTH_SIGNED_IN_AT] - 2 * 3600
    at.run()
    assert _page_shown(at), "two hours old: within the default eight"
    monkeypatch.setenv("NARAVARD_SIGNIN_HOURS", "1,5")
    at.run()
    assert not _page_shown(at)
    assert "Inloggningen har gått ut" in _texts(at)


def test_a_cleared_passphrase_ends_the_sign_in_within_a_minute(store):
    at = _sign_in(_app(), "Grupp A", PASS_A)
    store.clear_passphrase("Grupp A")
    at.run()
    assert _page_shown(at), "read again at most once a minute"
    at.session_state[KEY_AUTH_CHECKED_AT] = at.session_state[KEY_AUTH_CHECKED_AT] - 61
    at.run()
    assert not _page_shown(at)
    assert "inte längre medlem" in _texts(at)


def test_oidc_user_gets_their_memberships_and_loses_them_when_removed(store, monkeypatch):
    from naravard.ui import auth

    store.add_member("Grupp B", "Per@Example.se", "gruppmedlem")
    monkeypatch.setattr(auth, "_oidc_user", lambda: "per@example.se")
    at = _app()
    assert _page_shown(at), "the identity provider's user is signed in without a form"
    assert at.selectbox(key=KEY_SC_GROUP).options == ["Grupp B"]
    store.remove_member("Grupp B", "Per@Example.se")
    at.session_state[KEY_AUTH_CHECKED_AT] = at.session_state[KEY_AUTH_CHECKED_AT] - 61
    at.run()
    assert not at.exception
    assert not any(s.key == KEY_SC_GROUP for s in at.selectbox), "no group left to save into"
    assert any("inte gruppmedlem i någon grupp" in i.value for i in at.info)


def test_oidc_button_needs_the_auth_section_and_authlib(store, monkeypatch):
    from naravard.ui import auth

    at = AppTest.from_function(_gated_page, default_timeout=30)
    at.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x",
                          "client_id": "x", "client_secret": "x",
                          "server_metadata_url": "https://idp.example/.well-known/openid-configuration"}
    monkeypatch.setattr(auth, "_authlib_installed", lambda: False)
    at.run()
    assert "servern saknar paketet Authlib" in _texts(at)
    monkeypatch.setattr(auth, "_authlib_installed", lambda: True)
    at.run()
    assert [b.label for b in at.button if "organisationens konto" in b.label] == ["Logga in med organisationens konto"]
    assert not _page_shown(at)


def test_a_typo_in_the_access_mode_does_not_open_the_app(tmp_path, monkeypatch):
    monkeypatch.setenv("NARAVARD_STORE", str(tmp_path / "s.sqlite3"))
    monkeypatch.setenv("NARAVARD_ACCESS", "opn")
    at = _app()
    assert not _page_shown(at)
    assert "felaktigt inställt" in _texts(at)


def test_the_sign_in_view_says_so_when_the_database_is_away(store, monkeypatch):
    from naravard.store import StoreUnavailableError
    from naravard.store.sqlite import ScenarioStore as Impl

    def down(self, op, *, write):
        raise StoreUnavailableError("database down", "Databasen går inte att nå just nu.")

    monkeypatch.setattr(Impl, "_run", down)
    at = _app()
    assert not _page_shown(at)
    assert "Databasen går inte att nå just nu." in _texts(at)
