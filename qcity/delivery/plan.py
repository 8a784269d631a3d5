"""The delivery plan, DATA_DIR/deliveries.toml: what is sent (a bulletin, a deck, a report, the early-warning
worklist, an edition's link, a short message with the headline figures), for which period, for whom (the city, or
one district), how (a folder, e-mail, a WeChat Work, DingTalk or Feishu group robot) and when (a cron expression).

Read with tomllib and checked whole before anything is sent: an unknown key, channel, district or kind is an error
naming the entry and the key. Secrets are never in the plan: a channel names them (`password_secret = "NAME"`), and
NAME is read from the environment or from the secrets file the plan names, which must be readable by its owner
only (mode 0600). docs/user-guide/deliveries.md has a full example.
"""

from __future__ import annotations

import os
import re
import stat
import tomllib
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from croniter import croniter

from qcity import i18n
from qcity.analysis import filters
from qcity.documents import edition, story

FILE = "deliveries.toml"
FILES = {"bulletin": ".docx", "deck": ".pptx", "report": ".pdf", "worklist": ".xlsx"}  # kinds sent as files
KINDS = (*FILES, "edition", "message")
CITY_WIDE = ("deck", "report", "edition")  # a storyline's views are the city's: never one district's
PERIODS = ("ytd", "quarter", "year")  # the last complete month's year to date, the last quarter, the last year
ROBOTS = ("wecom", "dingtalk", "feishu")  # group robots take a markdown message, not files
CHANNEL_KEYS = {  # required keys first, then optional ones with their defaults
    "folder": ({"path"}, {}),
    "email": (
        {"host", "sender", "to"},
        {"port": 587, "starttls": True, "user": None, "password_secret": None, "ca_file": None},
    ),
    "wecom": ({"webhook_secret"}, {}),
    "dingtalk": ({"webhook_secret"}, {"sign_secret": None}),
    "feishu": ({"webhook_secret"}, {"sign_secret": None}),
}
SETTING_TYPES = {"port": int, "starttls": bool, "to": list}  # a channel's other keys hold text
TYPE_WORDS = {int: "a number", bool: "true or false", list: "a list", str: "text in quotes"}
ENTRY_KEYS = ({"name", "what", "period", "when", "to"}, {"lang": "zh", "district": None, "storyline": "default"})
SYNTHETIC_KEY = "send_synthetic"  # an entry sends from synthetic (demo) data only when it says so
NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
RETRY_DELAYS = (10.0, 60.0, 300.0)  # seconds before each new attempt at a failed send


class PlanError(ValueError):
    """The plan cannot be used as written; the message names the file, the entry or channel, and the key."""


@dataclass(frozen=True)
class Channel:
    name: str
    type: str
    settings: dict  # the channel's keys, its secrets by name only

    def recipients(self) -> str:
        """Who receives, as the audit log and the Data page say it: addresses, a folder, or a robot's host (its
        webhook's address holds a key, so it is never written out)."""
        if self.type == "email":
            return ", ".join(self.settings["to"])
        if self.type == "folder":
            return self.settings["path"]
        return f"{self.type} robot '{self.name}'"


@dataclass(frozen=True)
class Entry:
    name: str
    what: tuple[str, ...]
    period: str
    when: str
    to: tuple[str, ...]
    lang: str
    district: str | None
    storyline: str
    send_synthetic: bool

    def scheduled(self, now: datetime) -> datetime:
        """The latest time the schedule names at or before `now`: the run that is due (croniter's get_prev alone
        would pass over `now` itself)."""
        return croniter(self.when, now + timedelta(seconds=1)).get_prev(datetime)

    def next_run(self, now: datetime) -> datetime:
        return croniter(self.when, now).get_next(datetime)


def period_query(period: str, at: datetime) -> tuple[dict[str, str], str]:
    """The period a run at `at` delivers, as a link names it and as the log names it (2026-ytd-09): the year to date
    through the last complete month, the last complete quarter, or the last complete year."""
    if period == "ytd":
        year, month = (at.year, at.month - 1) if at.month > 1 else (at.year - 1, 12)
        return {"period": "ytd", "through": f"{year}-{month:02d}"}, edition.period_name("ytd", year, month)
    if period == "quarter":
        year, quarter = (at.year, (at.month - 1) // 3) if at.month > 3 else (at.year - 1, 4)
        return {"period": "q", "quarter": f"{year}Q{quarter}"}, edition.period_name("q", year, 3 * quarter)
    return {"period": "year", "to": str(at.year - 1)}, edition.period_name("year", at.year - 1, 12)


@dataclass(frozen=True)
class Plan:
    path: Path
    entries: tuple[Entry, ...]
    channels: dict[str, Channel]
    secrets_file: Path | None
    public_url: str | None
    retry_delays: tuple[float, ...]

    def entry(self, name: str) -> Entry:
        for entry in self.entries:
            if entry.name == name:
                return entry
        raise PlanError(f"{self.path.name}: no entry named {name!r} (entries: {', '.join(self.names)})")

    @property
    def names(self) -> list[str]:
        return [entry.name for entry in self.entries]

    def secret(self, name: str) -> str:
        """A secret by its name: from the environment, else from the secrets file (checked to be 0600)."""
        if os.environ.get(name):
            return os.environ[name]
        if self.secrets_file is not None:
            value = _secrets(self.secrets_file).get(name)
            if isinstance(value, str) and value:
                return value
        where = f" nor in {self.secrets_file}" if self.secrets_file else " (and the plan names no secrets file)"
        raise PlanError(f"secret {name}: not in the environment{where}")


def _secrets(path: Path) -> dict:
    """The secrets file, refused when anyone but its owner may read it."""
    try:
        mode = path.stat().st_mode
    except OSError as error:
        raise PlanError(f"secrets file {path}: {error.strerror}") from None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise PlanError(f"secrets file {path}: readable by others (mode {stat.S_IMODE(mode):o}); chmod 600 it")
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise PlanError(f"secrets file {path}: {error}") from None


def load(data_dir: Path, options: filters.Options) -> Plan | None:
    """The data directory's plan, checked against the data (districts) and itself; None when there is none."""
    path = Path(data_dir) / FILE
    if not path.is_file():
        return None
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise PlanError(f"{path.name}: {error}") from None
    _keys(raw, path.name, set(), {"secrets_file", "public_url", "retry_delays", "channels", "delivery"})
    channel_tables, entry_tables = raw.get("channels", {}), raw.get("delivery", [])
    if not isinstance(channel_tables, dict) or not all(isinstance(t, dict) for t in channel_tables.values()):
        raise PlanError(f"{path.name}: each channel is a table of its own, e.g. [channels.share]")
    if not isinstance(entry_tables, list) or not all(isinstance(t, dict) for t in entry_tables):
        raise PlanError(f"{path.name}: each entry is a table of its own, [[delivery]]")
    channels = {name: _channel(name, table, path.name) for name, table in channel_tables.items()}
    public_url = raw.get("public_url") or None
    entries = [
        _entry(number, table, channels, options, public_url, path.name)
        for number, table in enumerate(entry_tables, start=1)
    ]
    names = [entry.name for entry in entries]
    if doubled := sorted({n for n in names if names.count(n) > 1}):
        raise PlanError(f"{path.name}: two entries are named {doubled[0]!r}; each name says one delivery")
    delays = raw.get("retry_delays", list(RETRY_DELAYS))
    if not isinstance(delays, list) or not all(isinstance(d, int | float) and 0 <= d <= 3600 for d in delays):
        raise PlanError(f"{path.name}: retry_delays must be a list of seconds (0-3600), e.g. [10, 60, 300]")
    secrets_file = raw.get("secrets_file")
    return Plan(
        path,
        tuple(entries),
        channels,
        Path(secrets_file) if secrets_file else None,
        public_url,
        tuple(float(d) for d in delays),
    )


def _keys(table: dict, where: str, required: set, allowed: set) -> None:
    if unknown := sorted(set(table) - required - allowed):
        hint = (
            '; secrets are named, never written in the plan (e.g. password_secret = "SMTP_PASSWORD")'
            if any(k in ("password", "webhook", "secret", "token", "key") for k in unknown)
            else ""
        )
        raise PlanError(f"{where}: unknown key {unknown[0]!r} (known: {', '.join(sorted(required | allowed))}){hint}")
    if missing := sorted(required - set(table)):
        raise PlanError(f"{where}: {missing[0]} is missing")


def _channel(name: str, table: dict, file: str) -> Channel:
    where = f"{file}, [channels.{name}]"
    kind = table.get("type")
    if kind not in CHANNEL_KEYS:
        raise PlanError(f"{where}: type must be one of {', '.join(CHANNEL_KEYS)}, not {kind!r}")
    required, optional = CHANNEL_KEYS[kind]
    _keys(table, where, required | {"type"}, set(optional))
    settings = {**optional, **{k: v for k, v in table.items() if k != "type"}}
    for key, value in settings.items():
        wanted = SETTING_TYPES.get(key, str)
        if value is not None and not isinstance(value, wanted):
            raise PlanError(f"{where}: {key} must be {TYPE_WORDS[wanted]}, not {value!r}")
    if kind == "email":
        if not isinstance(settings["to"], list) or not settings["to"] or not all("@" in str(a) for a in settings["to"]):
            raise PlanError(f"{where}: to must be a list of e-mail addresses")
        if "@" not in str(settings["sender"]):
            raise PlanError(f'{where}: sender must be an e-mail address, e.g. "质量强市 <qcity@example.gov.cn>"')
        if settings["user"] and not settings["password_secret"]:
            raise PlanError(f"{where}: a user needs password_secret, the name of the secret holding the password")
    return Channel(name, kind, settings)


def _entry(number: int, table: dict, channels: dict, options, public_url: str | None, file: str) -> Entry:
    where = f"{file}, [[delivery]] {number}" + (f" ({table['name']})" if isinstance(table.get("name"), str) else "")
    required, optional = ENTRY_KEYS
    _keys(table, where, required, set(optional) | {SYNTHETIC_KEY})
    values = {**optional, **table}
    what, to = values["what"], values["to"]
    if not isinstance(values["name"], str) or not NAME.match(values["name"]):
        raise PlanError(f"{where}: name must be 1-40 lowercase letters, digits, - or _")
    if not isinstance(what, list) or not what or not all(isinstance(k, str) and k in KINDS for k in what):
        raise PlanError(f"{where}: what must be a list of {', '.join(KINDS)}")
    if values["period"] not in PERIODS:
        raise PlanError(f"{where}: period must be one of {', '.join(PERIODS)}, not {values['period']!r}")
    if not isinstance(values["when"], str) or not croniter.is_valid(values["when"]):
        raise PlanError(f'{where}: when {values["when"]!r} is not a cron expression (e.g. "0 8 6 * *")')
    if (
        not isinstance(to, list)
        or not to
        or (unknown := [c for c in to if not isinstance(c, str) or c not in channels])
    ):
        raise PlanError(f"{where}: to names channels of [channels.*]; unknown: {', '.join(map(str, unknown or to))}")
    if values["lang"] not in i18n.LANGS:
        raise PlanError(f"{where}: lang must be one of {', '.join(i18n.LANGS)}")
    district = values["district"]
    if district is not None:
        if str(district) not in options.districts:
            raise PlanError(f"{where}: district {district!r} is not one of the data's ({', '.join(options.districts)})")
        if wide := [k for k in what if k in CITY_WIDE]:
            raise PlanError(f"{where}: {wide[0]} is city-wide; a district's entry sends bulletin, worklist, message")
    robots = [c for c in to if channels[c].type in ROBOTS]
    if robots and (files := [k for k in what if k in FILES]):
        raise PlanError(
            f"{where}: {robots[0]} is a group robot and takes a message, not a {files[0]}: send files by e-mail or "
            "to a folder, and the figures and the link to the robot in an entry of their own"
        )
    try:
        story.check_name(values["storyline"])
    except story.StorylineError as error:
        raise PlanError(f"{where}: {error}") from None
    if "edition" in what and not (public_url or os.environ.get(edition.PUBLIC_URL_ENV)):
        raise PlanError(f"{where}: an edition's link needs public_url in the plan or QCITY_PUBLIC_URL")
    return Entry(
        values["name"],
        tuple(what),
        values["period"],
        values["when"],
        tuple(to),
        values["lang"],
        None if district is None else str(district),
        values["storyline"],
        bool(values.get(SYNTHETIC_KEY, False)),
    )
