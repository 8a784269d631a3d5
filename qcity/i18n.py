"""Translations and number formats: every user-facing string of the app goes through here.

The messages live in gettext catalogues, one per language: qcity/locale/<lang>/LC_MESSAGES/qcity.po (Chinese, zh,
the default; English, en), edited with any PO editor (Poedit) and compiled to .mo by the set-up
(`python3 scripts/dev.py setup`, or `pybabel compile -d qcity/locale -D qcity`). Message ids are keys
(`area.safety`, `ind.food_pass_rate.def`), the same in every catalogue; `pybabel extract` finds them in calls of
t, T and tn (tn for plurals, through ngettext), and the ids the code builds at run time are written out in
qcity/locale/runtime_ids.py; scripts/messages.py writes the template qcity/locale/qcity.pot from them. A new
language is a new folder: `pybabel init -i qcity/locale/qcity.pot -d qcity/locale -D qcity -l LANG`, its
translations, and an entry in LANGS.

Numbers follow each language's conventions: 万/亿 for large counts in Chinese (Babel's compact decimal format),
thousands separators in English; changes in rates are percentage points.
"""

from __future__ import annotations

import gettext
import io
import math
from pathlib import Path

import pandas as pd
from babel.numbers import format_compact_decimal

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"
LANGUAGE_NAMES = {"zh": "中文", "en": "English"}  # each in its own language, for the switch
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "qcity"
# what `pybabel extract -k ...` looks for (scripts/messages.py and tests/test_i18n.py run it)
EXTRACT_KEYWORDS = ("t", "T", "tn:1,1", "N_", "Nn_:1,1")


def _catalogue(lang: str) -> gettext.GNUTranslations:
    """A language's messages: the .mo the set-up compiles, or the .po itself when there is no current .mo (an
    editable install that skipped the set-up, or a translator's fresh edit), compiled in memory by Babel."""
    po = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    mo = po.with_suffix(".mo")
    if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
        with mo.open("rb") as compiled:
            return gettext.GNUTranslations(compiled)
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as source:
        buffer = io.BytesIO()
        write_mo(buffer, read_po(source, locale=lang, domain=DOMAIN))
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


CATALOGUES = {lang: _catalogue(lang) for lang in LANGS}
# the message ids, from the default catalogue (a test checks every catalogue holds the same): plain and plural
_KEYS = CATALOGUES[DEFAULT_LANG]._catalog  # gettext keeps plural forms under (id, index)
IDS = frozenset(key for key in _KEYS if isinstance(key, str) and key)
PLURAL_IDS = frozenset(key[0] for key in _KEYS if isinstance(key, tuple))


def t(msg: str, lang: str, **values) -> str:
    """The message `msg` in `lang`, with {placeholders} filled in. An unknown message id is a programming error, and
    so is a plural one (`tn` picks its form)."""
    if msg not in IDS:
        raise KeyError(
            f"{msg!r} is not a message id of qcity/locale" + (" but a plural one: use tn" * (msg in PLURAL_IDS))
        )
    text = CATALOGUES[lang].gettext(msg)
    return text.format(**values) if values else text


def tn(msg: str, count: float, lang: str, **values) -> str:
    """The plural message `msg` in the form `lang` uses for `count` (1 district / 2 districts; Chinese has one
    form), with {placeholders} filled in; `values` may show the count formatted (n="1.2万")."""
    if msg not in PLURAL_IDS:
        raise KeyError(f"{msg!r} is not a plural message id of qcity/locale")
    return CATALOGUES[lang].ngettext(msg, msg, int(count)).format(**values)


def has(msg: str) -> bool:
    """Whether `msg` is a (plain) message id, for labels that exist for some values only (a column, a field)."""
    return msg in IDS


def translator(lang: str):
    """A one-argument `T(key, **values)` bound to a language, for pages."""
    return lambda msg, **values: t(msg, lang, **values)


def join_names(names: list[str], lang: str, most: int | None = None) -> str:
    """Names in a sentence (甲、乙、丙 / A, B and C); beyond `most`, the first `most` and how many more."""
    if most is not None and len(names) > most:
        return t("names.more", lang, names=join_names(names[:most], lang).replace(" and ", ", "), n=len(names) - most)
    if lang == "zh" or len(names) < 2:
        return "、".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def name_column(lang: str) -> str:
    """Which column of a dimension table holds names in this language."""
    return f"name_{lang}"


def label(enum: str, value: str, lang: str) -> str:
    """The label of an enumeration value, e.g. label("domain", "food", "en") -> "Food"."""
    return t(f"{enum}.{value}", lang)


def fmt_number(value: float | None, lang: str, digits: int = 1) -> str:
    """A value in the indicator's unit, e.g. 97.8 or 1,234.5; an em dash when missing.

    Plain Python formatting: for zh_CN and en, Babel's decimal pattern (#,##0.###) gives the same text with a fixed
    number of decimals, at about twenty times the cost per cell of a long table."""
    if value is None or pd.isna(value):
        return "—"
    return f"{value:,.{digits}f}"


def fmt_pct(value: float | None, lang: str, digits: int = 1) -> str:
    return "—" if value is None or pd.isna(value) else f"{fmt_number(value, lang, digits)}%"


def fmt_change(change: float | None, unit: str, lang: str, digits: int = 1) -> str:
    """A change on last year: percentage points for rates (个百分点 / pts), the value's own format otherwise."""
    if change is None or pd.isna(change):
        return "—"
    if round(change, digits) == 0:
        change = 0.0  # no sign on a change that shows as zero (nor "-0.0")
    if unit == "pct":
        text = f"{change:+.{digits}f}" if change else f"{change:.{digits}f}"
        return f"{text} 个百分点" if lang == "zh" else f"{text} pts"
    sign = "+" if change > 0 else "-" if change < 0 else ""
    return sign + fmt_value(abs(change), unit, lang, digits)


def fmt_value(value: float | None, unit: str, lang: str, digits: int = 1) -> str:
    """A value in its unit: 97.8% for rates, 1.2万 for counts, 万元 / M yuan for money, plain numbers otherwise."""
    if value is None or pd.isna(value):
        return "—"
    if unit == "pct":
        return fmt_pct(value, lang, digits)
    if unit == "count":
        return fmt_count(value, lang)
    if unit == "yuan_10k":
        return f"{fmt_number(value, lang, digits)} 万元" if lang == "zh" else f"{value / 100:,.{digits + 1}f} M yuan"
    return fmt_number(value, lang, digits)


def fmt_count(n: float | None, lang: str) -> str:
    """A count: 1,234 / 1.2万 / 1.2亿 / 1.5万亿 in Chinese, 1,234 / 12,345 / 1.2 billion in English.

    From 万 up and from a billion up, Babel's compact formats (CLDR's, as officials write them: 99,999,999 is 1亿,
    not 10000万); below that the whole number with separators, which Babel's compact format would drop (1234)."""
    if n is None or pd.isna(n) or not math.isfinite(n):
        return "—"
    if lang == "zh" and abs(n) >= 1e4:
        return format_compact_decimal(n, format_type="short", locale="zh_CN", fraction_digits=1)
    if lang == "en" and abs(n) >= 1e9:
        return format_compact_decimal(n, format_type="long", locale="en", fraction_digits=1)
    return f"{n:,.0f}"


def localize(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A table for people: this language's names only, enumeration labels, and translated column headers."""
    other = [c for c in frame.columns if c.endswith("_zh" if lang == "en" else "_en")]
    out = frame.drop(columns=other)
    for column in out.columns:
        values = out[column].dropna().unique() if pd.api.types.is_string_dtype(out[column]) else []
        if column == "indicator":
            out[column] = out[column].map(lambda v: t(f"ind.{v}", lang) if has(f"ind.{v}") else v)
        elif len(values) and all(has(f"{column}.{v}") for v in values):
            out[column] = out[column].map(lambda v, c=column: label(c, v, lang))
    renamed = {}
    for column in out.columns:
        base = column.removesuffix(f"_{lang}")
        key = f"col.{'district' if base == 'name' else base}"
        renamed[column] = t(key, lang) if has(key) else column
    return out.rename(columns=renamed)
