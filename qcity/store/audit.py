"""The audit log: one JSON line per write and per sign-in, appended to DATA_DIR/audit.jsonl and never rewritten.

Each line says who (`user`), when (`time`), from where (`address`), what (`action`: sign_in, sign_out, import,
rollback, edit, storyline), whether it was allowed or worked (`ok`), which data version it made (`version`) and the
action's details. The app only ever opens the file for appending; on a server, `chattr +a` makes the file system
refuse anything else too. Failed sign-ins are read back from it, so that every replica of the app counts the same
failures for an address.
"""

from __future__ import annotations

import getpass
import json
import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd

FILE = "audit.jsonl"
COLUMNS = ["time", "user", "address", "action", "ok", "version", "detail"]
TAIL_BYTES = 1 << 20  # recent failed sign-ins are read from the end of the log only


@dataclass(frozen=True)
class Actor:
    """Who makes a change, and from which address: a signed-in user, or the person at the command line."""

    user: str
    address: str

    @classmethod
    def command_line(cls) -> Actor:
        try:
            name = getpass.getuser()
        except (KeyError, OSError):  # no name for the process's user id (e.g. in a container)
            name = str(os.getuid())
        return cls(f"cli:{name}", "local")


def record(data_dir: Path, action: str, actor: Actor, ok: bool = True, version: int | None = None, **detail) -> None:
    """Append one line; a single write of one line, so lines of concurrent writers never interleave."""
    entry = {
        "time": datetime.now().astimezone().isoformat(timespec="seconds"),
        "user": actor.user,
        "address": actor.address,
        "action": action,
        "ok": ok,
        "version": version,
        **detail,
    }
    line = (json.dumps(entry, ensure_ascii=False, default=str) + "\n").encode("utf-8")
    Path(data_dir).mkdir(parents=True, exist_ok=True)
    descriptor = os.open(Path(data_dir) / FILE, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(descriptor, line)
    finally:
        os.close(descriptor)


def _lines(data_dir: Path, tail: int | None = None) -> list[str]:
    """The log's lines as text, oldest first: all, or those in its last `tail` bytes."""
    path = Path(data_dir) / FILE
    if not path.exists():
        return []
    with path.open("rb") as log:
        if tail is not None and log.seek(0, os.SEEK_END) > tail:
            log.seek(-tail, os.SEEK_END)
            log.readline()  # the first line may be cut
        else:
            log.seek(0)
        return log.read().decode("utf-8", errors="replace").splitlines()


def _parsed(lines: list[str]) -> list[dict]:
    out = []
    for line in lines:
        try:
            out.append(json.loads(line))
        except ValueError:  # a damaged line is skipped
            continue
    return out


def entries(data_dir: Path, tail: int | None = None) -> list[dict]:
    """The log's entries, oldest first (only those in its last `tail` bytes when given); damaged lines skipped."""
    return _parsed(_lines(data_dir, tail))


def count(data_dir: Path) -> int:
    """How many lines the log has."""
    return len(_lines(data_dir))


def table(data_dir: Path, newest: int | None = None) -> pd.DataFrame:
    """The log (its `newest` last lines when given) as a table, newest first; the action's own fields are kept
    together in `detail`. Only those lines are parsed: the Data page shows it on every rerun."""
    lines = _lines(data_dir)
    rows = [
        {
            **{c: e.get(c) for c in COLUMNS[:-1]},
            "detail": json.dumps({k: v for k, v in e.items() if k not in COLUMNS}, ensure_ascii=False),
        }
        for e in _parsed(lines[-newest:] if newest else lines)
    ]
    return pd.DataFrame(rows, columns=COLUMNS).iloc[::-1].reset_index(drop=True)


def failed_sign_ins(data_dir: Path, address: str, within: timedelta) -> list[datetime]:
    """When sign-ins from `address` failed in the last `within`, oldest first."""
    since = datetime.now().astimezone() - within
    times = [
        datetime.fromisoformat(e["time"])
        for e in entries(data_dir, TAIL_BYTES)
        if e.get("action") == "sign_in" and not e.get("ok") and e.get("address") == address and "refused" not in e
    ]
    return [t for t in times if t >= since]
