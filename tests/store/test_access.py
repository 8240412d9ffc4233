"""Access control of saved items (issue 14), on both backends: a member of group A can
neither list, read, change, delete nor restore group B's scenarios, presentations and
dialogue answers, and gets StoreNotFoundError for B's ids, exactly as for a missing id;
an admin restores B's deleted item but does not read it; a läsare sees published data
only; an unbound store (CLI, scripts, the older tests) may do everything."""

from __future__ import annotations

import pytest

from naravard.store import (
    Access,
    DeletedItem,
    StoreForbiddenError,
    StoreInvalidError,
    StoreNotFoundError,
)

A_MEMBER = Access.of("anna@example.se", [("Grupp A", "gruppmedlem")], via="oidc")
B_MEMBER = Access.of("bo@example.se", [("Grupp B", "gruppmedlem")], via="oidc")
ADMIN = Access.of("chef@example.se", [("Förvaltning", "admin")], via="oidc")
READER = Access.of("läsa@example.se", [("Grupp A", "läsare")], via="oidc")
PLANNER = Access.of("plan@example.se", [("Planerare", "planerare")], via="oidc")


@pytest.fixture
def world(make_store):
    """Group A's and group B's items, saved through their own bound stores."""
    base = make_store()
    a, b = base.with_access(A_MEMBER), base.with_access(B_MEMBER)
    items = {}
    for who, store, group in (("a", a, "Grupp A"), ("b", b, "Grupp B")):
        sc = store.save(f"Plan {who}", group, f"hemlig anteckning {who}", {"andel": 0.1})
        pr = store.save_presentation(f"Möte {who}", group, ["headline"], "x=1", "Rubrik", scenario_id=sc.id)
        an = store.save_answer(group, "geo", "Fråga?", "Ja", f"hemliga noter {who}", "Åsa", scenario_id=sc.id)
        items[who] = (sc, pr, an)
    return base, a, b, items


def test_a_member_lists_only_their_groups_items(world):
    base, a, b, items = world
    (sa, pa, aa), (sb, pb, ab) = items["a"], items["b"]
    assert [x.id for x in a.list()] == [sa.id] and [x.id for x in b.list()] == [sb.id]
    page = a.page()
    assert [x.id for x in page.items] == [sa.id] and page.total == 1, "page filters in SQL: the count is right"
    assert a.page("grupp b").total == 0 and a.page("plan").total == 1
    assert [x.id for x in a.list_presentations()] == [pa.id] and a.list_presentations("Grupp B") == []
    assert a.list_answers("Grupp B") == [] and [x.id for x in a.list_answers("grupp a")] == [aa.id]
    assert len(base.list()) == 2 and base.page().total == 2  # unbound: the system sees all


def test_another_groups_ids_are_not_found_exactly_as_missing_ones(world):
    base, a, b, items = world
    sb, pb, ab = items["b"]
    missing = 10_000
    calls = {
        "get": lambda i: a.get(i),
        "rename": lambda i: a.rename(i, "Kapad"),
        "update_note": lambda i: a.update_note(i, "Kapad"),
        "delete": lambda i: a.delete(i),
        "get_presentation": lambda i: a.get_presentation(i),
        "open_presentation": lambda i: a.open_presentation(i),
        "delete_presentation": lambda i: a.delete_presentation(i),
        "get_answer": lambda i: a.get_answer(i),
        "update_answer": lambda i: a.update_answer(i, 1, position="Nej", notes="", author="Anna"),
        "delete_answer": lambda i: a.delete_answer(i),
    }
    ids = {"get": sb.id, "rename": sb.id, "update_note": sb.id, "delete": sb.id, "get_presentation": pb.id,
           "open_presentation": pb.id, "delete_presentation": pb.id, "get_answer": ab.id, "update_answer": ab.id,
           "delete_answer": ab.id}
    for name, call in calls.items():
        with pytest.raises(StoreNotFoundError) as theirs:
            call(ids[name])
        with pytest.raises(StoreNotFoundError) as gone:
            call(missing)
        assert theirs.value.message_sv == gone.value.message_sv, name
        assert str(theirs.value).replace(str(ids[name]), "N") == str(gone.value).replace(str(missing), "N"), name
    # nothing of B's changed
    assert base.get(sb.id) == sb and base.get_presentation(pb.id) == pb and base.get_answer(ab.id) == ab
    # linking B's scenario from A's items is refused as if it did not exist
    with pytest.raises(StoreNotFoundError):
        a.save_presentation("Lån", "Grupp A", ["headline"], scenario_id=sb.id)
    with pytest.raises(StoreNotFoundError):
        a.save_answer("Grupp A", "geo", "Annan fråga?", "Ja", "", "Anna", scenario_id=sb.id)


def test_saving_into_another_group_is_forbidden(world):
    base, a, b, items = world
    for call in (lambda: a.save("Plan", "Grupp B"), lambda: a.save("Plan", ""),
                 lambda: a.save_presentation("M", "Grupp B", ["headline"]),
                 lambda: a.save_answer("Grupp B", "geo", "Ny?", "Ja", "", "Anna")):
        with pytest.raises(StoreForbiddenError) as exc:
            call()
        assert "inte gruppmedlem" in exc.value.message_sv
    assert len(base.list()) == 2


def test_restore_is_for_the_owning_group_or_an_admin_who_still_cannot_read(world):
    base, a, b, items = world
    sb, pb, ab = items["b"]
    b.delete(sb.id)
    b.delete_presentation(pb.id)
    b.delete_answer(ab.id)
    assert a.list_deleted() == []
    with pytest.raises(StoreNotFoundError):
        a.restore(sb.id)
    with pytest.raises(StoreNotFoundError):
        a.restore_presentation(pb.id)
    with pytest.raises(StoreNotFoundError):
        a.restore_answer(ab.id)
    theirs = b.list_deleted()
    assert {(d.item_type, d.id, d.name, d.group) for d in theirs} == {
        ("scenario", sb.id, "Plan b", "Grupp B"), ("presentation", pb.id, "Möte b", "Grupp B"),
        ("dialog_answer", ab.id, "Fråga?", "Grupp B")}
    admin = base.with_access(ADMIN)
    assert {d.id for d in admin.list_deleted()} == {d.id for d in theirs}
    assert admin.list_deleted("Grupp A") == [] and all(isinstance(d, DeletedItem) for d in theirs)
    r = admin.restore(sb.id)
    assert (r.name, r.note, r.payload) == ("Plan b", "", {}), "restoring is not reading"
    p = admin.restore_presentation(pb.id)
    assert (p.name, p.scenario_query, p.slide_ids, p.title) == ("Möte b", "", (), "")
    an = admin.restore_answer(ab.id)
    assert (an.question, an.notes, an.position) == ("Fråga?", "", "")
    with pytest.raises(StoreNotFoundError):
        admin.get(sb.id)
    assert admin.list() == [] and admin.list_presentations() == []
    assert b.get(sb.id).note == "hemlig anteckning b" and b.get_answer(ab.id).notes == "hemliga noter b"
    # the owning group restores its own
    b.delete(sb.id)
    assert b.restore(sb.id).payload == {"andel": 0.1}


def test_a_reader_sees_published_data_only(world):
    base, a, b, items = world
    reader = base.with_access(READER)
    assert reader.list() == [] and reader.page().total == 0 and reader.list_presentations() == []
    assert reader.list_answers("Grupp A") == [] and reader.list_deleted() == []
    with pytest.raises(StoreNotFoundError):
        reader.get(items["a"][0].id)
    with pytest.raises(StoreForbiddenError):
        reader.save("Plan", "Grupp A")
    with pytest.raises(StoreForbiddenError):
        reader.publish_data("enheter", "Lista", "Regionen", "id;namn\n1;A\n", 1)
    v = base.with_access(PLANNER).publish_data("enheter", "Lista", "Regionen", "id;namn\n1;A\n", 1)
    assert [x.id for x in reader.list_data_versions()] == [v.id]
    assert reader.get_data_version(v.id).content == "id;namn\n1;A\n"
    nobody = base.with_access(Access.of("ny@example.se", [], via="oidc"))
    assert [x.id for x in nobody.list_data_versions("enheter")] == [v.id] and nobody.list() == []


def test_the_audit_log_shows_each_person_their_groups_only(world):
    base, a, b, items = world
    assert {e.group for e in a.audit_log()} == {"Grupp A"}
    assert {e.group for e in b.audit_log()} == {"Grupp B"}
    assert a.audit_log(group="Grupp B") == []
    assert {e.group for e in base.with_access(ADMIN).audit_log()} == {"Grupp A", "Grupp B"}
    assert base.with_access(READER).audit_log() == []
    assert all(e.actor == "anna@example.se" for e in a.audit_log())


def test_with_access_is_a_bound_copy(make_store):
    base = make_store(user="gammal")
    bound = base.with_access(A_MEMBER)
    assert (bound.user, bound.access) == ("anna@example.se", A_MEMBER)
    assert base.access.open and base.access.via == "system" and base.user == "gammal"
    with pytest.raises(TypeError):
        base.with_access("anna")  # type: ignore[arg-type]
    local = base.with_access(Access.local())
    assert local.save("Plan", "").group == "" and len(local.list()) == 1


def test_a_group_member_links_only_their_groups_scenario(world):
    base, a, b, items = world
    sa = items["a"][0]
    both = base.with_access(Access.of("c@example.se", [("Grupp A", "gruppmedlem"), ("Grupp B", "gruppmedlem")]))
    with pytest.raises(StoreInvalidError):  # visible, but another group's: the old rule
        both.save_answer("Grupp B", "geo", "Ny?", "Ja", "", "C", scenario_id=sa.id)
