"""Named accounts, their hashed passwords and roles, and how long a guesser must wait.

    python -m qcity.accounts add NAME --role analyst|viewer [--tables inspections,enterprises] [--file F]
    python -m qcity.accounts remove NAME [--file F]
    python -m qcity.accounts list [--file F]
    python -m qcity.accounts hash          # a hash for QCITY_ANALYST_PASSWORD, instead of the password itself

The accounts file (JSON, path in QCITY_ACCOUNTS) maps a sign-in name to {"password": hash, "role": "analyst" or
"viewer", "tables": [...] (optional: the only tables this account may import or edit; all when left out)}.
`add` asks for the password twice and stores only its scrypt hash (hashlib, OpenSSL's scrypt): the file reveals no
password, and each guess against a stolen file costs 32 MB and about 0.1 s.

An *analyst* imports, rolls back, edits the small tables and saves storylines; a *viewer* reads, the audit log
included, and writes nothing.
"""

from __future__ import annotations

import argparse
import base64
import getpass
import hashlib
import hmac
import json
import os
import re
import secrets
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from qcity.store import schema

ENV = "QCITY_ACCOUNTS"
ROLES = ("analyst", "viewer")
ACTIONS = ("import", "rollback", "edit", "storyline", "publish", "deliver")  # an analyst's; a viewer may do none
NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,39}$")
SCRYPT = {"n": 2**15, "r": 8, "p": 1}  # 32 MB per hash; OWASP's minimum for scrypt is n=2**17 with r=8 at 128 MB
SCRYPT_MAXMEM = 64 * 2**20
# failed sign-ins in the last WINDOW: from SLOW_AFTER on, each further try waits (5 s, 10 s, 20 s ...); from
# LOCK_AFTER on, none is taken until WINDOW has passed since the last failure
SLOW_AFTER, SLOW_SECONDS, LOCK_AFTER, WINDOW = 3, 5, 6, timedelta(minutes=15)


class AccountError(ValueError):
    """An accounts file or an account that cannot be used; the message names the file and the account."""


@dataclass(frozen=True)
class User:
    """A signed-in person: the name the audit log shows, a role, and the tables they may write (None: all)."""

    name: str
    role: str
    tables: frozenset[str] | None = None

    def may(self, action: str, table: str | None = None) -> bool:
        """Whether this user may do `action` (to `table`, for imports and edits)."""
        if self.role != "analyst" or action not in ACTIONS:
            return False
        return table is None or self.tables is None or table in self.tables

    def writable(self, names) -> list[str]:
        """Of the tables `names`, those this user may import into or edit."""
        return [n for n in names if self.may("import", n)]


def hash_password(password: str) -> str:
    """`scrypt$n$r$p$salt$hash`, salt and hash in base64: what the accounts file and the environment may hold."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, maxmem=SCRYPT_MAXMEM, dklen=32, **SCRYPT)
    encode = base64.b64encode
    return f"scrypt${SCRYPT['n']}${SCRYPT['r']}${SCRYPT['p']}${encode(salt).decode()}${encode(digest).decode()}"


def verify(password: str, stored: str) -> bool:
    """Whether `password` matches a stored hash, or (for the environment's single password) a plain text."""
    if not stored.startswith("scrypt$"):
        return hmac.compare_digest(password.encode(), stored.encode())
    try:
        _, n, r, p, salt, digest = stored.split("$")
        expected = base64.b64decode(digest)
        found = hashlib.scrypt(
            password.encode(),
            salt=base64.b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            maxmem=SCRYPT_MAXMEM,
            dklen=len(expected),
        )
    except ValueError:  # a damaged hash matches nothing
        return False
    return hmac.compare_digest(found, expected)


def load(path: Path) -> dict[str, dict]:
    """The accounts in a file, checked."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise AccountError(f"{path}: {error}") from None
    return check(data, path)


def check(data, path: Path) -> dict[str, dict]:
    """Accounts as read from `path`, each name, role, table and hash checked."""
    if not isinstance(data, dict):
        raise AccountError(f"{path}: an accounts file is a JSON object of name: account")
    for name, account in data.items():
        where = f"{path}: account {name!r}"
        if not NAME.match(name):
            raise AccountError(f"{where}: a name is 1-40 lowercase letters, digits, '.', '_' or '-'")
        if not isinstance(account, dict) or set(account) - {"password", "role", "tables"}:
            raise AccountError(f"{where}: an account has password, role and optionally tables")
        if not str(account.get("password", "")).startswith("scrypt$"):
            raise AccountError(f"{where}: the password must be a hash (python -m qcity.accounts add)")
        if account.get("role") not in ROLES:
            raise AccountError(f"{where}: role must be one of {', '.join(ROLES)}")
        unknown = set(account.get("tables") or []) - set(schema.TABLES)
        if unknown:
            raise AccountError(f"{where}: no table {', '.join(sorted(unknown))}")
    return data


def user(name: str, account: dict) -> User:
    tables = account.get("tables")
    return User(name, account["role"], frozenset(tables) if tables else None)


def wait(failures: list[datetime], now: datetime) -> timedelta:
    """How long before the next sign-in may be tried, given the failures so far (any order)."""
    recent = sorted(t for t in failures if now - t < WINDOW)
    if len(recent) >= LOCK_AFTER:
        return recent[-1] + WINDOW - now
    if len(recent) >= SLOW_AFTER:
        return max(recent[-1] + timedelta(seconds=SLOW_SECONDS * 2 ** (len(recent) - SLOW_AFTER)) - now, timedelta(0))
    return timedelta(0)


def _save(path: Path, data: dict) -> None:
    """Write the file aside and rename it into place, readable by its owner only."""
    aside = path.with_name(f".{path.name}.tmp")
    descriptor = os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        out.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    os.replace(aside, path)


def _ask_password() -> str:
    """The new password: typed twice at a terminal, or one line from a pipe."""
    if sys.stdin.isatty():
        password = getpass.getpass("password: ")
        if password != getpass.getpass("again: "):
            raise SystemExit("the two passwords differ; nothing was changed")
    else:
        password = sys.stdin.readline().rstrip("\n")
    if len(password) < 8:
        raise SystemExit("a password has at least 8 characters; nothing was changed")
    return password


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m qcity.accounts", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    add = commands.add_parser("add", help="add an account, or change its password, role or tables")
    add.add_argument("name")
    add.add_argument("--role", choices=ROLES, required=True)
    add.add_argument("--tables", help="comma-separated tables this account may write (default: all)")
    remove = commands.add_parser("remove", help="remove an account")
    remove.add_argument("name")
    listing = commands.add_parser("list", help="the accounts, without their hashes")
    commands.add_parser("hash", help="print the hash of a password (read twice, or one line from stdin)")
    for command in (add, remove, listing):
        command.add_argument("--file", type=Path, default=os.environ.get(ENV), help=f"accounts file (${ENV})")
    args = parser.parse_args(argv)
    if args.command == "hash":
        print(hash_password(_ask_password()))
        return 0
    if args.file is None:
        parser.error(f"give --file or set {ENV}")
    try:
        data = load(args.file) if Path(args.file).exists() else {}
        if args.command == "list":
            for name, account in data.items():
                print(f"{name}\t{account['role']}\t{','.join(account.get('tables') or []) or 'all tables'}")
            return 0
        if args.command == "remove":
            if data.pop(args.name, None) is None:
                raise AccountError(f"{args.file}: no account {args.name!r}")
        else:
            tables = [t.strip() for t in args.tables.split(",") if t.strip()] if args.tables else None
            account = {
                "password": hash_password(_ask_password()),
                "role": args.role,
                **({"tables": tables} if tables else {}),
            }
            data[args.name] = account
        _save(Path(args.file), check(data, args.file))
    except AccountError as error:
        print(error, file=sys.stderr)
        return 1
    print(f"{args.file}: {len(data)} account(s)")
    return 0
