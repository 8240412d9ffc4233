"""``python -m naravard groups …`` on both backends: bootstrapping the first admin, the
passphrase read from stdin (never argv), errors as one English line and exit code 1."""

from __future__ import annotations

import io
import sys

import pytest

from naravard import cli


@pytest.fixture
def env(backend, tmp_path, monkeypatch, request):
    monkeypatch.delenv("NARAVARD_DATABASE_URL", raising=False)
    monkeypatch.delenv("NARAVARD_STORE_READONLY", raising=False)
    monkeypatch.setenv("NARAVARD_STORE", str(tmp_path / "s.sqlite3"))
    if backend == "postgres":
        monkeypatch.setenv("NARAVARD_DATABASE_URL", request.getfixturevalue("pg_url"))
    from naravard.store import open_store

    return open_store


def test_bootstrap_a_group_its_admin_and_a_passphrase(env, monkeypatch, capsys):
    assert cli.main(["groups", "create", "Förvaltning", "--description", "Admins"]) == 0
    assert cli.main(["groups", "add-member", "förvaltning", "chef@example.se", "admin"]) == 0
    monkeypatch.setattr(sys, "stdin", io.StringIO("en lång och hemlig fras\n"))
    assert cli.main(["groups", "passphrase", "Förvaltning", "--role", "läsare"]) == 0
    assert cli.main(["groups", "list"]) == 0
    assert cli.main(["groups", "members"]) == 0
    out = capsys.readouterr().out
    assert "Förvaltning\t1 members\tpassphrase (läsare)" in out and "chef@example.se\tadmin" in out
    assert "hemlig" not in out
    store = env()
    assert store.access_for_user("CHEF@example.se").is_admin
    assert store.sign_in_with_passphrase("Förvaltning", "en lång och hemlig fras").roles == {"förvaltning": "läsare"}
    assert store.audit_log()[-1].actor.startswith("cli:")
    assert cli.main(["groups", "passphrase", "Förvaltning", "--clear"]) == 0
    assert not store.list_groups()[0].has_passphrase


def test_errors_are_one_english_line(env, monkeypatch, capsys):
    assert cli.main(["groups", "add-member", "Finns inte", "x@example.se", "läsare"]) == 1
    cli.main(["groups", "create", "A"])
    monkeypatch.setattr(sys, "stdin", io.StringIO("kort\n"))
    assert cli.main(["groups", "passphrase", "A"]) == 1
    err = capsys.readouterr().err
    assert "error: no group named 'Finns inte'" in err and "error: the passphrase must be 12" in err
    assert "Traceback" not in err


def test_the_passphrase_is_never_an_argument():
    with pytest.raises(SystemExit):
        cli.build_parser().parse_args(["groups", "passphrase", "A", "en lång och hemlig fras"])
    with pytest.raises(SystemExit):
        cli.build_parser().parse_args(["groups", "add-member", "A", "x@example.se", "kung"])
