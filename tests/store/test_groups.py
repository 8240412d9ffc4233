"""Groups, members, passphrases and the sign-in throttle (schema 6, issue 14), on both
backends: admin-only management, scrypt hashes with salt, one message for a wrong
passphrase and an unknown group, five failures in 15 minutes → throttled (the store's
clock moves time), SQL injection in every text field stored as data."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta, timezone

import pytest

from naravard.store import (
    Access,
    StoreAuthError,
    StoreDuplicateError,
    StoreForbiddenError,
    StoreInvalidError,
    StoreNotFoundError,
    StoreThrottledError,
)
from naravard.store.passphrase import verify_passphrase
from tests.store.test_backends import INJECTIONS

PASS = "korrekt häst batteri häftklammer"
T0 = datetime(2026, 5, 9, 12, 0, 0, tzinfo=timezone.utc)


class Clock:
    """The store's clock, moved by the test (no sleeping, no timing asserts)."""

    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> str:
        return self.now.isoformat(timespec="seconds")

    def advance(self, **kw) -> None:
        self.now += timedelta(**kw)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def admin(make_store, clock):
    return make_store(clock=clock)  # unbound: system access, may do everything


def _raw_rows(store, sql: str) -> list[tuple]:
    if hasattr(store, "url"):
        import psycopg

        with psycopg.connect(store.url) as conn:
            return conn.execute(sql).fetchall()
    import sqlite3

    with sqlite3.connect(store.path) as conn:
        return conn.execute(sql).fetchall()


def test_groups_members_and_roles(admin):
    g = admin.create_group("Gröna  gruppen", "Partigrupp")
    assert (g.name, g.key, g.has_passphrase, g.members) == ("Gröna  gruppen", "gröna gruppen", False, 0)
    with pytest.raises(StoreDuplicateError) as exc:
        admin.create_group("gröna gruppen")
    assert "Det finns redan en grupp" in exc.value.message_sv
    admin.create_group("Planerare")
    m = admin.add_member("gröna gruppen", "Anna@Example.se", "gruppmedlem")
    assert (m.group, m.user, m.role, m.added_by) == ("Gröna  gruppen", "Anna@Example.se", "gruppmedlem", "")
    admin.add_member("Planerare", "anna@example.se", "planerare")
    admin.add_member("Planerare", "bo@example.se", "läsare")
    admin.add_member("Planerare", "BO@example.se", "admin")  # again: the role changes
    assert [(x.name, x.members) for x in admin.list_groups()] == [("Gröna  gruppen", 1), ("Planerare", 2)]
    assert [(x.user, x.role) for x in admin.list_members("planerare")] == [("anna@example.se", "planerare"),
                                                                           ("BO@example.se", "admin")]
    anna = admin.access_for_user("ANNA@example.se")
    assert anna.via == "oidc" and anna.roles == {"gröna gruppen": "gruppmedlem", "planerare": "planerare"}
    assert anna.can_use_group("GRÖNA GRUPPEN") and anna.can_publish and not anna.is_admin
    assert anna.item_groups == ["Gröna  gruppen", "Planerare"]
    assert admin.access_for_user("okänd@example.se").roles == {}
    admin.remove_member("Planerare", "anna@EXAMPLE.se")
    assert admin.access_for_user("anna@example.se").roles == {"gröna gruppen": "gruppmedlem"}
    with pytest.raises(StoreNotFoundError):
        admin.remove_member("Planerare", "anna@example.se")
    with pytest.raises(StoreNotFoundError):
        admin.add_member("Finns inte", "x@example.se", "läsare")
    with pytest.raises(StoreInvalidError):
        admin.add_member("Planerare", "x@example.se", "kung")
    actions = [(e.action, e.item_type) for e in reversed(admin.audit_log())]
    assert actions[:2] == [("create", "workgroup"), ("create", "workgroup")]
    assert actions.count(("grant", "member")) == 4 and actions[-1] == ("revoke", "member")


def test_only_an_admin_manages_groups(admin):
    admin.create_group("A")
    admin.add_member("A", "anna@example.se", "planerare")
    anna = admin.with_access(admin.access_for_user("anna@example.se"))
    for call in (lambda: anna.create_group("B"), lambda: anna.add_member("A", "x@example.se", "admin"),
                 lambda: anna.remove_member("A", "anna@example.se"), lambda: anna.list_members(),
                 lambda: anna.set_passphrase("A", PASS), lambda: anna.clear_passphrase("A")):
        with pytest.raises(StoreForbiddenError) as exc:
            call()
        assert "administratör" in exc.value.message_sv
    assert [g.name for g in anna.list_groups()] == ["A"]  # anyone: the sign-in form
    admin.add_member("A", "chef@example.se", "admin")
    chef = admin.with_access(admin.access_for_user("chef@example.se"))
    assert chef.create_group("B").name == "B"
    assert chef.audit_log()[0].actor == "chef@example.se"


def test_passphrase_is_stored_only_as_a_salted_scrypt_hash(admin):
    admin.create_group("A")
    admin.create_group("B")
    admin.set_passphrase("A", PASS)
    admin.set_passphrase("B", PASS, role="läsare")
    hashes = dict(_raw_rows(admin, "SELECT name, pass_hash FROM workgroup"))
    assert all(h.startswith("scrypt$16384$8$1$") for h in hashes.values())
    assert hashes["A"] != hashes["B"], "equal passphrases get different salts"
    dump = repr(_raw_rows(admin, "SELECT * FROM workgroup")) + repr(_raw_rows(admin, "SELECT * FROM audit_log"))
    assert PASS not in dump and PASS.encode().hex() not in dump
    assert verify_passphrase(PASS, hashes["A"]) and not verify_passphrase(PASS + "x", hashes["A"])
    info = {g.name: g for g in admin.list_groups()}
    assert (info["A"].has_passphrase, info["A"].passphrase_role, info["B"].passphrase_role) == (
        True, "gruppmedlem", "läsare")
    with pytest.raises(StoreInvalidError) as exc:
        admin.set_passphrase("A", "kort")
    assert "minst 12" in exc.value.message_sv
    with pytest.raises(StoreInvalidError):
        admin.set_passphrase("A", PASS, role="admin")  # an admin is a named person
    admin.clear_passphrase("B")
    with pytest.raises(StoreAuthError):
        admin.sign_in_with_passphrase("B", PASS)


def test_sign_in_with_passphrase(admin):
    admin.create_group("Gröna")
    admin.set_passphrase("Gröna", PASS)
    acc = admin.sign_in_with_passphrase("gröna", PASS)
    assert (acc.user, acc.via, acc.roles, acc.item_groups) == ("grupp Gröna", "lösenfras", {"gröna": "gruppmedlem"},
                                                                ["Gröna"])
    assert admin.sign_in_with_passphrase("Gröna", PASS, display_name="Åsa").user == "Åsa"
    for group, phrase in (("Gröna", PASS + " "), ("Gröna", ""), ("Okänd", PASS), ("Gröna", None)):
        with pytest.raises(StoreAuthError) as exc:
            admin.sign_in_with_passphrase(group, phrase)
        assert exc.value.message_sv == "Fel grupp eller lösenfras."
    log = [(e.action, e.group, e.actor) for e in reversed(admin.audit_log()) if e.item_type == "workgroup"]
    assert log[-6:] == [("sign_in", "Gröna", "grupp Gröna"), ("sign_in", "Gröna", "Åsa"),
                        ("sign_in_failed", "Gröna", "grupp Gröna"), ("sign_in_failed", "Gröna", "grupp Gröna"),
                        ("sign_in_failed", "Okänd", "grupp Okänd"), ("sign_in_failed", "Gröna", "grupp Gröna")]


def test_five_failures_throttle_the_group_for_15_minutes(admin, clock, make_store):
    admin.create_group("A")
    admin.create_group("B")
    admin.set_passphrase("A", PASS)
    admin.set_passphrase("B", PASS)
    for i in range(4):
        with pytest.raises(StoreAuthError):
            admin.sign_in_with_passphrase("A", f"fel {i}")
        clock.advance(seconds=10)
    with pytest.raises(StoreThrottledError) as exc:  # the fifth failure says so at once
        admin.sign_in_with_passphrase("A", "fel 5")
    assert exc.value.message_sv == "För många misslyckade försök. Försök igen om 15 minuter."
    # now even the right passphrase is not heard, through another replica too
    other = make_store(clock=clock)
    with pytest.raises(StoreThrottledError):
        other.sign_in_with_passphrase("A", PASS)
    assert other.sign_in_with_passphrase("B", PASS).roles == {"b": "gruppmedlem"}  # per group
    clock.advance(minutes=14)
    with pytest.raises(StoreThrottledError) as exc:
        admin.sign_in_with_passphrase("A", PASS)
    assert exc.value.retry_after_s == 20  # the first failure (at 0 s) is 14 min 40 s old
    assert exc.value.message_sv.endswith("Försök igen om 1 minut.")
    clock.advance(seconds=20)  # the oldest failure is now 15 minutes old: four remain in the window
    assert admin.sign_in_with_passphrase("A", PASS).user == "grupp A"
    # a success clears the count: four more failures do not throttle
    for i in range(4):
        with pytest.raises(StoreAuthError):
            admin.sign_in_with_passphrase("A", "fel")


def test_unknown_groups_are_throttled_alike(admin):
    for _ in range(4):
        with pytest.raises(StoreAuthError):
            admin.sign_in_with_passphrase("Finns inte", PASS)
    with pytest.raises(StoreThrottledError):
        admin.sign_in_with_passphrase("finns  INTE", PASS)


@pytest.mark.parametrize("text", INJECTIONS)
def test_sql_injection_in_groups_users_and_passphrases_is_data(admin, text):
    name = text[:80]
    g = admin.create_group(name, text)
    assert [x.name for x in admin.list_groups()] == [name] and g.description == text
    admin.add_member(name, text, "gruppmedlem")
    assert admin.access_for_user(text).roles == {g.key: "gruppmedlem"}
    phrase = (text * 3)[:200]
    admin.set_passphrase(name, phrase)
    assert admin.sign_in_with_passphrase(name, phrase, display_name=text[:80]).user == text[:80]
    with pytest.raises(StoreAuthError):
        admin.sign_in_with_passphrase(text + "x", phrase)
    with pytest.raises(StoreAuthError):
        admin.sign_in_with_passphrase(name, phrase + "x")
    assert [(m.group, m.user) for m in admin.list_members()] == [(name, text)]
    assert len(_raw_rows(admin, "SELECT * FROM workgroup")) == 1


def test_a_passphrase_reader_sees_their_own_sign_ins_only(admin):
    admin.create_group("Läsarna")
    admin.create_group("Andra")
    admin.set_passphrase("Läsarna", PASS, role="läsare")
    admin.set_passphrase("Andra", PASS)
    admin.sign_in_with_passphrase("Andra", PASS, display_name="Åsa")  # a namesake elsewhere
    acc = admin.sign_in_with_passphrase("Läsarna", PASS, display_name="Åsa")
    reader = admin.with_access(acc)
    assert acc.roles == {"läsarna": "läsare"} and reader.list() == []
    assert [(e.action, e.group, e.actor) for e in reader.audit_log()] == [("sign_in", "Läsarna", "Åsa")]
