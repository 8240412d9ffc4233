"""Who is asking, and what they may do: the one access rule of the store.

A store method never trusts the caller's word about a group: it is bound to an
:class:`Access` (``store.with_access(access)``) and checks every item's owning group
against it. The UI builds the :class:`Access` once per sign-in (naravard.ui.auth) from
what the store says about the person (:meth:`ScenarioStore.access_for_user` for an
OIDC sign-in, :meth:`ScenarioStore.sign_in_with_passphrase` for a group passphrase);
a page cannot widen it.

Roles, per membership of one group, ascending (each includes the rights below it):

* ``läsare``: published data and shared links; none of the group's items.
* ``gruppmedlem``: the group's scenarios, presentations and dialogue answers
  (list, read, create, change, delete, restore).
* ``planerare``: also publishes data versions (for everyone).
* ``admin``: also manages groups, members and passphrases, and restores any group's
  deleted items. An admin does not read another group's items: party groups keep
  their notes to themselves, also from whoever runs the tool.

Two modes (``$NARAVARD_ACCESS``): ``open`` (a single machine, no sign-in: the session
acts as :meth:`Access.local`, which may do everything, and the UI says so on every
page) and ``groups`` (sign-in required; the default when ``$NARAVARD_DATABASE_URL``
is set, since a shared database means many users). A leaf module: pure data.
"""

from __future__ import annotations

import os
import unicodedata
from dataclasses import dataclass, field
from typing import Iterable, Mapping

ROLES: tuple[str, ...] = ("läsare", "gruppmedlem", "planerare", "admin")
ROLE_LABELS_SV: Mapping[str, str] = {
    "läsare": "Läsare (publicerade data och delade länkar)",
    "gruppmedlem": "Gruppmedlem (gruppens scenarier, anteckningar och presentationer)",
    "planerare": "Planerare (publicerar dataversioner)",
    "admin": "Administratör (grupper och användare)",
}
#: Roles a group passphrase may grant (an admin must be a named, signed-in person).
PASSPHRASE_ROLES: tuple[str, ...] = ("läsare", "gruppmedlem", "planerare")

ACCESS_ENV_VAR = "NARAVARD_ACCESS"
MODES: tuple[str, ...] = ("open", "groups")
LOCAL_USER = "lokal användare"


def access_mode(environ: Mapping[str, str] | None = None) -> str:
    """``open`` or ``groups`` from ``$NARAVARD_ACCESS``; unset means ``groups`` when
    ``$NARAVARD_DATABASE_URL`` is set, else ``open``. An unknown value is refused
    (ValueError) rather than guessed: a typo must not open a shared install."""
    env = os.environ if environ is None else environ
    raw = env.get(ACCESS_ENV_VAR, "").strip().lower()
    if not raw:
        return "groups" if env.get("NARAVARD_DATABASE_URL", "").strip() else "open"
    if raw not in MODES:
        raise ValueError(f"{ACCESS_ENV_VAR} must be one of {', '.join(MODES)}, not {raw!r}")
    return raw


def role_rank(role: str) -> int:
    """0 for läsare … 3 for admin; ValueError for anything else."""
    try:
        return ROLES.index(role)
    except ValueError:
        raise ValueError(f"unknown role {role!r}; one of {', '.join(ROLES)}") from None


def group_key(name: str) -> str:
    """The case- and space-insensitive key a group is stored and compared by (the
    same folding the store uses for item names: NFKC, case-folded, whitespace
    collapsed)."""
    return " ".join(unicodedata.normalize("NFKC", str(name)).casefold().split())


@dataclass(frozen=True)
class Access:
    """A signed-in person (or the local single user) and their roles.

    ``roles`` maps a group's key (:func:`group_key`) to the role held in it;
    ``group_names`` maps the same key to the group's display name. ``open`` is the
    local mode's everything-allowed access. ``via`` says how the person signed in
    (``"oidc"``, ``"lösenfras"``, ``"lokal"``, ``"system"``) for the audit log and UI.
    ``credential`` names the passphrase a ``lösenfras`` sign-in used (the store's
    :attr:`GroupInfo.passphrase_id`): when an admin sets a new passphrase, sign-ins
    made with the old one end at the next check.
    """

    user: str
    roles: Mapping[str, str] = field(default_factory=dict)
    group_names: Mapping[str, str] = field(default_factory=dict)
    open: bool = False
    via: str = ""
    credential: str = ""

    def __post_init__(self) -> None:
        for role in self.roles.values():
            role_rank(role)
        # Frozen and hashable for st.cache_data keys: store the mappings as plain
        # dicts copied once (callers cannot mutate ours afterwards).
        object.__setattr__(self, "roles", dict(self.roles))
        object.__setattr__(self, "group_names", dict(self.group_names))

    def __hash__(self) -> int:  # dict fields are not hashable by default
        return hash((self.user, tuple(sorted(self.roles.items())), self.open, self.via, self.credential))

    # ------------------------------------------------------------ constructors

    @classmethod
    def local(cls) -> "Access":
        """The single user of an ``open`` install: may do everything."""
        return cls(user=LOCAL_USER, open=True, via="lokal")

    @classmethod
    def system(cls, user: str = "system") -> "Access":
        """Scripts and the CLI (bootstrapping the first admin, migrations)."""
        return cls(user=user, open=True, via="system")

    @classmethod
    def of(cls, user: str, memberships: Iterable[tuple[str, str]], via: str = "", credential: str = "") -> "Access":
        """From (group display name, role) pairs; the highest role wins per group."""
        roles: dict[str, str] = {}
        names: dict[str, str] = {}
        for name, role in memberships:
            k = group_key(name)
            if k not in roles or role_rank(role) > role_rank(roles[k]):
                roles[k] = role
                names[k] = name
        return cls(user=user, roles=roles, group_names=names, via=via, credential=credential)

    # ------------------------------------------------------------ questions

    def role_in(self, group: str) -> str | None:
        return self.roles.get(group_key(group))

    def can_use_group(self, group: str) -> bool:
        """May list, read, create, change and delete ``group``'s items."""
        if self.open:
            return True
        role = self.role_in(group)
        return role is not None and role_rank(role) >= role_rank("gruppmedlem")

    def can_restore(self, group: str) -> bool:
        """May restore ``group``'s deleted items (the owning group, or an admin)."""
        return self.can_use_group(group) or self.is_admin

    @property
    def can_publish(self) -> bool:
        return self.open or any(role_rank(r) >= role_rank("planerare") for r in self.roles.values())

    @property
    def is_admin(self) -> bool:
        return self.open or "admin" in self.roles.values()

    @property
    def item_groups(self) -> list[str]:
        """Display names of the groups whose items this person may use, sorted
        (empty for ``open``, which is not limited to a list)."""
        return sorted((self.group_names.get(k, k) for k, r in self.roles.items()
                       if role_rank(r) >= role_rank("gruppmedlem")), key=str.casefold)
