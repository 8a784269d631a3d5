"""`python -m qcity.deliver`: send what the plan (DATA_DIR/deliveries.toml) says is due.

    python -m qcity.deliver run --due                # every entry whose scheduled run has not delivered its period
    python -m qcity.deliver run --only NAME          # one entry now, for the period its last scheduled run names
    python -m qcity.deliver run --due --dry-run      # what would go where; nothing is sent, written or logged
    python -m qcity.deliver run --list               # the plan, each entry's next run and its last deliveries
    python -m qcity.deliver run --only NAME --force  # again, though its period was delivered

deploy/qcity-deliver.timer runs `run --due` every 15 minutes. The rules, each kept in the audit log (action
`deliver`: time, entry, what, period, data version, channel, recipients, outcome):
- at most once per entry, period and channel, unless --force;
- a failed send is retried after each of the plan's retry_delays (a refused login or address is not), then
  reported: a `failed` line, exit 1, the Data page; later runs try again, up to GIVE_UP_RUNS failed runs for the
  period;
- nothing is sent from synthetic data unless the entry says send_synthetic = true (the label then heads every
  message and subject); a period the data do not reach yet, or data unchanged since the entry's last delivery, is
  skipped with a note (logged once);
- one run at a time (a lock in the data directory).
Exit codes: 0 all well, 1 a send failed, 2 the plan or the command line is wrong.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from qcity.analysis import filters
from qcity.delivery import channels, parcel
from qcity.delivery.plan import Entry, Plan, PlanError, load, period_query
from qcity.documents import edition, images, story
from qcity.store import audit, db

ACTION = "deliver"
GIVE_UP_RUNS = 3  # failed runs for an entry's period and channel before --due stops trying (--only still sends)
LOCK = ".deliver.lock"
KNOWN = (images.ImageError, story.StorylineError, edition.EditionError, OSError)  # failures that explain themselves


@dataclass(frozen=True)
class Outcome:
    """What happened to an entry's period on a channel (channel None: to the entry as a whole, e.g. a skip)."""

    entry: str
    period: str
    channel: str | None
    outcome: str  # sent, failed, skipped, would send, delivered before, gave up
    note: str = ""

    def line(self) -> str:
        to = f" → {self.channel}" if self.channel else ""
        return f"{self.outcome}: {self.entry} {self.period}{to}" + (f" ({self.note})" if self.note else "")


def history(data_dir: Path) -> list[dict]:
    """The delivery lines of the audit log, oldest first."""
    return [e for e in audit.entries(data_dir) if e.get("action") == ACTION]


def deliver(
    plan: Plan,
    entry: Entry,
    source: parcel.Source,
    now: datetime,
    actor: audit.Actor,
    *,
    due_only: bool = False,
    force: bool = False,
    dry_run: bool = False,
    sleep: Callable[[float], None] = time.sleep,
) -> list[Outcome]:
    """Deliver the period of the entry's latest scheduled run to each of its channels that has not had it."""
    query, name = period_query(entry.period, entry.scheduled(now))
    mine = [e for e in history(source.data_dir) if e.get("entry") == entry.name]
    version = edition.data_version(source.data_dir)
    try:
        period = edition.period_of(query, source.options)
    except edition.EditionError:  # the period is not in the data yet
        period = None
    note = _skip_reason(entry, period, name, source, mine, version, force)
    if note:
        if not dry_run and not any(e.get("period") == name and e.get("note") == note for e in mine[-1:]):
            _record(source.data_dir, actor, entry, name, version, None, "skipped", note=note)
        return [Outcome(entry.name, name, None, "skipped", note)]
    outcomes, pending = [], []
    for channel in entry.to:
        lines = [e for e in mine if e.get("period") == name and e.get("channel") == channel]
        if not force and any(e.get("outcome") == "sent" for e in lines):
            outcomes.append(Outcome(entry.name, name, channel, "delivered before", _sent_at(lines)))
        elif due_only and not force and sum(e.get("outcome") == "failed" for e in lines) >= GIVE_UP_RUNS:
            outcomes.append(Outcome(entry.name, name, channel, "gave up", f"{GIVE_UP_RUNS} failed runs"))
        elif dry_run:
            recipients = plan.channels[channel].recipients()
            outcomes.append(
                Outcome(entry.name, name, channel, "would send", f"{', '.join(entry.what)} to {recipients}")
            )
        else:
            pending.append(channel)
    if pending:
        outcomes += _send(plan, entry, period, source, version, actor, pending, sleep)
    return outcomes


def _skip_reason(entry: Entry, period, name: str, source, mine, version: str, force: bool) -> str | None:
    """Why the entry's period is not sent now, or None; --force sends unchanged data again, never a period the data
    do not reach (`period` None) or synthetic data the entry does not ask for."""
    if period is None:
        as_of = source.options.as_of.isoformat() if source.options.as_of else "no data"
        return f"the data do not reach {name} yet (as of {as_of})"
    if source.city.get("synthetic") and not entry.send_synthetic:
        return "synthetic demo data: sent only when the entry says send_synthetic = true"
    sent = [e for e in mine if e.get("outcome") == "sent"]
    if not force and sent and sent[-1].get("data") == version and sent[-1].get("period") != name:
        return f"no new data since {sent[-1]['period']} was delivered (data {version})"
    return None


def _sent_at(lines: list[dict]) -> str:
    return next(e["time"] for e in reversed(lines) if e.get("outcome") == "sent")


def _send(plan, entry, period, source, version, actor, pending: list[str], sleep) -> list[Outcome]:
    """Build the parcel once, then send it to each pending channel, retrying after each of the plan's delays."""
    try:
        built = parcel.build(entry, period, source, version, plan.public_url, actor)
    except Exception as error:  # one entry's failure is reported, and the run goes on to the next entry
        note = f"not built: {error}" if isinstance(error, KNOWN) else f"not built: {type(error).__name__}: {error}"
        for channel in pending:
            _record(source.data_dir, actor, entry, period.name, version, plan.channels[channel], "failed", note=note)
        return [Outcome(entry.name, period.name, channel, "failed", note) for channel in pending]
    outcomes = []
    for name in pending:
        channel = plan.channels[name]
        attempts, error = 0, None
        for delay in (*plan.retry_delays, None):
            attempts += 1
            try:
                channels.send(channel, built, plan.secret)
                error = None
                break
            except PlanError as problem:  # a missing secret: trying again would not help
                error = problem
                break
            except channels.SendError as problem:
                error = problem
                if problem.final:
                    break
                if delay is not None:
                    sleep(delay)
        outcome = "failed" if error else "sent"
        _record(
            source.data_dir,
            actor,
            entry,
            period.name,
            version,
            channel,
            outcome,
            note=str(error or ""),
            attempts=attempts,
        )
        outcomes.append(Outcome(entry.name, period.name, name, outcome, str(error or "")))
    return outcomes


def _record(data_dir, actor, entry: Entry, period: str, version: str, channel, outcome: str, **detail) -> None:
    audit.record(
        data_dir,
        ACTION,
        actor,
        ok=outcome != "failed",
        entry=entry.name,
        what=list(entry.what),
        period=period,
        district=entry.district,
        data=version,
        channel=channel.name if channel else None,
        recipients=channel.recipients() if channel else None,
        outcome=outcome,
        **detail,
    )


def listing(plan: Plan, data_dir: Path, now: datetime) -> list[str]:
    """The plan in lines: each entry, its next run, and its latest outcome on each channel."""
    log = history(data_dir)
    out = []
    for entry in plan.entries:
        where = f", district {entry.district}" if entry.district else ""
        out.append(
            f"{entry.name}: {', '.join(entry.what)} of the {entry.period} period{where}, '{entry.when}' "
            f"(next {entry.next_run(now):%Y-%m-%d %H:%M}), to {', '.join(entry.to)}"
        )
        for channel in entry.to:
            last = [e for e in log if e.get("entry") == entry.name and e.get("channel") == channel]
            said = f"{last[-1]['outcome']} {last[-1]['period']} at {last[-1]['time']}" if last else "nothing yet"
            out.append(f"    {channel} ({plan.channels[channel].recipients()}): {said}")
    return out


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    database = db.Database(args.data or db.data_dir())
    city = database.city()
    options, districts, sectors = filters.load_options(database.query, city)
    try:
        plan = load(database.path, options)
        if plan is None:
            print(
                f"error: no plan at {database.path / 'deliveries.toml'} (docs: user-guide/deliveries)", file=sys.stderr
            )
            return 2
        entries = plan.entries if args.due or args.list else (plan.entry(args.only),)
    except PlanError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    now = args.now or datetime.now()
    if args.list:
        print("\n".join(listing(plan, database.path, now)))
        return 0
    source = parcel.Source(database.path, database.query, city, options, (districts, sectors))
    with one_run(database.path) as alone:
        if not alone:
            print("error: another delivery run is in progress", file=sys.stderr)
            return 1
        outcomes = []
        for entry in entries:
            flags = dict(due_only=args.due, force=args.force, dry_run=args.dry_run)
            for outcome in deliver(plan, entry, source, now, audit.Actor.command_line(), **flags):
                outcomes.append(outcome)
                if not (args.due and outcome.outcome == "delivered before"):  # the timer's journal stays short
                    print(outcome.line(), flush=True)
    return 1 if any(o.outcome == "failed" for o in outcomes) else 0


@contextlib.contextmanager
def one_run(data_dir: Path) -> Iterator[bool]:
    """An exclusive lock on the data directory's delivery lock file for the length of a run: yields False when
    another run (the timer's, or a click on the Data page) holds it."""
    with (Path(data_dir) / LOCK).open("a") as lock:  # closing the file releases the lock
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m qcity.deliver",
        description="Send the bulletins, decks, reports, worklists, editions and messages the delivery plan "
        "(DATA_DIR/deliveries.toml) names, when they are due.",
    )
    parser.add_argument("command", choices=("run",))
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--due", action="store_true", help="every entry whose scheduled run is not yet delivered")
    which.add_argument("--only", metavar="NAME", help="one entry, now (its last scheduled run's period)")
    which.add_argument("--list", action="store_true", help="the plan, next runs and last deliveries")
    parser.add_argument("--dry-run", action="store_true", help="say what would go where; send and log nothing")
    parser.add_argument("--force", action="store_true", help="send even when the period was delivered")
    parser.add_argument("--now", type=datetime.fromisoformat, help="the time to run as (ISO), e.g. 2026-10-06T08:00")
    parser.add_argument("--data", type=Path, default=None, help="data directory (default: $QCITY_DATA_DIR or data/)")
    return parser


if __name__ == "__main__":
    raise SystemExit(main())
