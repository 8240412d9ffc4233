"""Command line: ``python -m naravard <command> ...``.

Commands are argparse sub-parsers that each set ``func`` (a handler taking the parsed
arguments and returning an exit code), so a new command is one ``add_parser`` call in
:func:`build_parser` plus its handler. Expected failures (:class:`DataError` and its
subclasses) print one English line on stderr and exit with code 1; no traceback.

Boundaries::

    python -m naravard boundaries fetch [--url URL] [--lan 13] [--cache-dir DIR]
    python -m naravard boundaries import PATH [--lan 13] [--cache-dir DIR]
    python -m naravard boundaries embed PATH [--out data/boundaries/kommuner_scb_2025.geojson]

``embed`` rewrites the data directory's embedded boundary file (all kommuner of the
country) from a new SCB release; update the manifest's ``[boundaries]`` date with it.

Population grid::

    python -m naravard grid embed CSV [--out data/grid/befolkning_1km_2025.parquet] [--data-dir DIR]

writes the data directory's embedded 1 km grid (Parquet, the same bytes for the same
CSV) from SCB's squares of the region; update the manifest's ``[grid]`` with it.

Groups and access (the store of ``$NARAVARD_DATABASE_URL`` or ``$NARAVARD_STORE``; the
command line acts as the system, so it can bootstrap the first admin)::

    python -m naravard groups create NAME [--description TEXT]
    python -m naravard groups list
    python -m naravard groups add-member GROUP USER ROLE     (ROLE: läsare, gruppmedlem, planerare, admin)
    python -m naravard groups remove-member GROUP USER
    python -m naravard groups members [GROUP]
    python -m naravard groups passphrase GROUP [--role ROLE] [--clear]

``passphrase`` reads the passphrase from the terminal (asked twice, not echoed) or,
when stdin is not a terminal, from its first line: never from the command line,
where it would land in the shell history and the process list.
"""

from __future__ import annotations

import argparse
import sys
from typing import Sequence

from naravard.sources.dataset import DataError, load_dataset


def _region_defaults(lan: str | None) -> tuple[str, list[str] | None]:
    """The län code (flag, else the dataset's region) and the kommun codes to require.

    The codes come from the dataset only when its region is the requested län; for
    another län there is nothing to compare with, so only the code prefix is used.
    """
    ds = load_dataset()
    lanskod = lan or ds.region.lanskod
    codes = ds.kommun_codes if lanskod == ds.region.lanskod and ds.has("kommuner") else None
    return lanskod, codes


def _simplify(args: argparse.Namespace) -> float:
    from naravard.sources.boundaries import DEFAULT_SIMPLIFY_M

    return DEFAULT_SIMPLIFY_M if args.simplify is None else args.simplify


def _cmd_boundaries_fetch(args: argparse.Namespace) -> int:
    from naravard.sources import boundaries as geo

    lanskod, codes = _region_defaults(args.lan)
    url = geo.resolve_boundary_url(args.url)
    path = geo.fetch_boundaries(
        url,
        lanskod,
        args.cache_dir,
        geo.DEFAULT_TIMEOUT if args.timeout is None else args.timeout,
        expected_codes=codes,
        simplify_m=_simplify(args),
    )
    n = len(geo.load_cached_boundaries(lanskod, path.parent))
    print(f"Fetched {n} kommuner of län {lanskod} from {url} into {path}")
    return 0


def _cmd_boundaries_import(args: argparse.Namespace) -> int:
    from naravard.sources import boundaries as geo

    lanskod, codes = _region_defaults(args.lan)
    cache = geo.resolve_cache_dir(args.cache_dir)
    gdf = geo.import_boundaries(args.path, None, lanskod, cache, expected_codes=codes, simplify_m=_simplify(args))
    print(f"Imported {len(gdf)} kommuner of län {lanskod} from {args.path} into {geo.cache_path(lanskod, cache)}")
    return 0


def _cmd_boundaries_embed(args: argparse.Namespace) -> int:
    from naravard.sources import boundaries as geo
    from naravard.sources.dataset import DEFAULT_DATA_DIR

    out = args.out
    if out is None:
        info = geo.embedded_info()
        out = DEFAULT_DATA_DIR / (info.file if info else "boundaries/kommuner_scb.geojson")
    n = geo.write_embedded(args.path, out)
    print(f"Embedded {n} kommuner from {args.path} into {out}")
    return 0


def _add_boundaries(sub: argparse._SubParsersAction) -> None:
    # Defaults that live in naravard.geo are resolved in the handlers (None here), so
    # building the parser — and every other command — does not import geopandas.
    p = sub.add_parser("boundaries", help="download or import kommun boundaries for the map")
    bsub = p.add_subparsers(dest="action", required=True, metavar="{fetch,import,embed}")

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--lan", metavar="CODE", help="two-digit län code (default: the dataset's region)")
    common.add_argument(
        "--cache-dir", metavar="DIR", help="cache directory (default: $NARAVARD_CACHE_DIR or <repo>/var/boundaries)"
    )
    common.add_argument(
        "--simplify",
        type=float,
        metavar="METRES",
        help="simplification tolerance in metres, 0 keeps every vertex (default: naravard.geo.DEFAULT_SIMPLIFY_M, 200)",
    )

    f = bsub.add_parser("fetch", parents=[common], help="download SCB's boundary zip and cache the län's kommuner")
    f.add_argument("--url", help="boundary zip URL (default: $NARAVARD_BOUNDARY_URL or SCB's January 2025 release)")
    f.add_argument("--timeout", type=float, metavar="SECONDS", help="network timeout (default 60)")
    f.set_defaults(func=_cmd_boundaries_fetch)

    i = bsub.add_parser("import", parents=[common], help="import a GeoJSON, shapefile or zip and cache it")
    i.add_argument("path", metavar="PATH", help="a .geojson, a .shp (with .shx/.dbf beside it) or a .zip")
    i.set_defaults(func=_cmd_boundaries_import)

    e = bsub.add_parser("embed", help="write the embedded boundary file (all kommuner) from SCB's kommun shapefile")
    e.add_argument("path", metavar="PATH", help="Kommun_Sweref99TM.shp (with .shx/.dbf/.prj beside it) or a GeoJSON")
    e.add_argument("--out", metavar="FILE", help="target file (default: the file named in data/manifest.toml [boundaries])")
    e.set_defaults(func=_cmd_boundaries_embed)


def _cmd_grid_embed(args: argparse.Namespace) -> int:
    from pathlib import Path

    from naravard.sources import grid
    from naravard.sources.dataset import DEFAULT_DATA_DIR

    data_dir = Path(args.data_dir) if args.data_dir else DEFAULT_DATA_DIR
    out = args.out
    if out is None:
        info = grid.grid_info(data_dir)
        out = data_dir / (info.file if info else grid.DEFAULT_FILE)
    codes = grid.region_codes(data_dir)[1]
    n = grid.write_grid(args.path, out, codes)
    print(f"Embedded {n} squares from {args.path} into {out}")
    return 0


def _add_grid(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("grid", help="embed the population grid (1 km squares) in the data directory")
    gsub = p.add_subparsers(dest="action", required=True, metavar="{embed}")
    e = gsub.add_parser("embed", help="write the embedded Parquet grid from SCB's 1 km squares (CSV)")
    e.add_argument("path", metavar="CSV", help="CSV with ruta_id, x_sweref99tm, y_sweref99tm, kommunkod, befolkning, metod")
    e.add_argument("--out", metavar="FILE", help="target file (default: the file named in the manifest's [grid])")
    e.add_argument("--data-dir", metavar="DIR", help="data directory whose kommun codes are checked (default: data/)")
    e.set_defaults(func=_cmd_grid_embed)


def _groups_store():
    import getpass

    from naravard.store import open_store

    try:
        who = getpass.getuser()
    except (KeyError, OSError):
        who = "?"
    return open_store(user=f"cli:{who}")


def _read_passphrase() -> str:
    import getpass

    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("New passphrase: ")
    if getpass.getpass("Repeat it: ") != first:
        raise ValueError("the two passphrases differ; nothing was changed")
    return first


def _cmd_groups(args: argparse.Namespace) -> int:
    """Every ``groups`` action; store errors print their English message (exit 1)."""
    from naravard.store import StoreError

    store = _groups_store()
    try:
        if args.action == "create":
            g = store.create_group(args.name, args.description)
            print(f"Created group {g.name!r}")
        elif args.action == "list":
            for g in store.list_groups():
                pp = f"passphrase ({g.passphrase_role})" if g.has_passphrase else "no passphrase"
                print(f"{g.name}\t{g.members} members\t{pp}")
        elif args.action == "add-member":
            m = store.add_member(args.group, args.user, args.role)
            print(f"{m.user} is {m.role} in {m.group!r}")
        elif args.action == "remove-member":
            store.remove_member(args.group, args.user)
            print(f"Removed {args.user} from {args.group!r}")
        elif args.action == "members":
            for m in store.list_members(args.group):
                print(f"{m.group}\t{m.user}\t{m.role}\t{m.added_at}")
        elif args.clear:
            store.clear_passphrase(args.group)
            print(f"Cleared the passphrase of {args.group!r}")
        else:
            store.set_passphrase(args.group, _read_passphrase(), args.role)
            print(f"Set the passphrase of {args.group!r} (role {args.role})")
    except (StoreError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    return 0


def _add_groups(sub: argparse._SubParsersAction) -> None:
    from naravard.store.access import PASSPHRASE_ROLES, ROLES

    p = sub.add_parser("groups", help="work groups, members and passphrases (access control)")
    gsub = p.add_subparsers(dest="action", required=True,
                            metavar="{create,list,add-member,remove-member,members,passphrase}")
    c = gsub.add_parser("create", help="create a group")
    c.add_argument("name", metavar="NAME")
    c.add_argument("--description", default="", metavar="TEXT")
    gsub.add_parser("list", help="list the groups")
    a = gsub.add_parser("add-member", help="give a user (OIDC e-mail or subject) a role in a group")
    a.add_argument("group", metavar="GROUP")
    a.add_argument("user", metavar="USER")
    a.add_argument("role", metavar="ROLE", choices=ROLES)
    r = gsub.add_parser("remove-member", help="take a user out of a group")
    r.add_argument("group", metavar="GROUP")
    r.add_argument("user", metavar="USER")
    m = gsub.add_parser("members", help="list the members (of one group)")
    m.add_argument("group", metavar="GROUP", nargs="?")
    pp = gsub.add_parser("passphrase", help="set a group's passphrase (read from the terminal or stdin, never argv)")
    pp.add_argument("group", metavar="GROUP")
    pp.add_argument("--role", default="gruppmedlem", choices=PASSPHRASE_ROLES)
    pp.add_argument("--clear", action="store_true", help="remove the passphrase instead")
    p.set_defaults(func=_cmd_groups)


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser; add new commands here."""
    parser = argparse.ArgumentParser(prog="python -m naravard", description="naravard command line tools")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _add_boundaries(sub)
    _add_grid(sub)
    _add_groups(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except DataError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
