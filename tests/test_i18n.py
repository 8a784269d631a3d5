"""Translations are complete, enumerations are labelled, numbers follow each language, pages hold no literals."""

import gettext
import io
import re
from pathlib import Path

import pandas as pd
import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from qcity import i18n
from qcity.analysis import indicators
from qcity.store import schema
from scripts import messages

ROOT = Path(__file__).resolve().parent.parent
CJK = re.compile(r"[\u4e00-\u9fff]")


def catalogue(lang: str):
    with (i18n.LOCALE_DIR / lang / "LC_MESSAGES" / "qcity.po").open("rb") as po:
        return read_po(po, locale=lang)


def texts_of(message) -> list[str]:
    return [message.string] if isinstance(message.string, str) else list(message.string)


def test_both_catalogues_hold_the_same_ids_none_untranslated_with_the_same_placeholders():
    zh, en = catalogue("zh"), catalogue("en")
    ids = {
        lang: {m.id if isinstance(m.id, str) else m.id[0]: m for m in c if m.id} for lang, c in (("zh", zh), ("en", en))
    }
    assert set(ids["zh"]) == set(ids["en"]) and len(ids["zh"]) > 700
    assert zh.num_plurals == 1 and en.num_plurals == 2
    for key, message in ids["zh"].items():
        other = ids["en"][key]
        assert message.pluralizable == other.pluralizable, key
        forms = texts_of(message) + texts_of(other)
        assert len(forms) == (3 if message.pluralizable else 2) and all(s.strip() for s in forms), key
        assert not message.fuzzy and not other.fuzzy, key
        placeholders = {frozenset(re.findall(r"{(\w+)}", s)) for s in forms}
        assert len(placeholders) == 1, key  # every language and every plural form takes the same values


def test_the_ids_extracted_from_the_code_are_exactly_the_catalogues(tmp_path):
    """`pybabel extract` (the command a translator runs) finds every id the catalogues hold, plural ones as plural,
    and no other; ids built at run time are in qcity/locale/runtime_ids.py. The committed template
    (scripts/messages.py) is current, each id with its English text as a note for translators."""
    pot = tmp_path / "qcity.pot"
    messages.extract(pot)  # the extraction scripts/messages.py runs (it raises when pybabel fails)
    for template in (pot, i18n.LOCALE_DIR / "qcity.pot"):
        with template.open("rb") as source:
            extracted = {m.id if isinstance(m.id, str) else m.id[0]: m for m in read_po(source) if m.id}
        plural = {key: m.pluralizable for key, m in extracted.items()}
        assert plural == {key: key in i18n.PLURAL_IDS for key in i18n.IDS | i18n.PLURAL_IDS}, template
    english = catalogue("en")
    for key, message in extracted.items():  # the committed template tells a translator what each id says
        text = english[message.id].string
        note = " ".join(message.auto_comments).split()  # wrapped over comment lines, outer spaces dropped
        assert note == f"English: {' | '.join(text) if isinstance(text, tuple) else text}".split(), key


def test_plurals_take_the_form_of_the_count():
    assert i18n.tn("scope.some", 1, "en", n=1) == "1 district"
    assert i18n.tn("scope.some", 2, "en", n=2) == "2 districts"
    assert i18n.tn("scope.some", 1, "zh", n=1) == i18n.tn("scope.some", 1, "zh", n=1) == "1 个区县"
    assert i18n.tn("spot.rows", 12345, "en", n=i18n.fmt_count(12345, "en")) == "12,345 rows"
    with pytest.raises(KeyError, match="plural"):
        i18n.t("scope.some", "en", n=2)
    with pytest.raises(KeyError):
        i18n.t("no.such.message", "en")


def test_the_compiled_catalogue_says_what_its_po_file_says():
    """The app reads the .mo the set-up compiles, or the .po when the .mo is missing or older: the same messages."""
    for lang in i18n.LANGS:
        buffer = io.BytesIO()
        write_mo(buffer, catalogue(lang))
        buffer.seek(0)
        assert gettext.GNUTranslations(buffer)._catalog == i18n.CATALOGUES[lang]._catalog


def test_every_enumeration_value_and_indicator_has_a_label():
    for enum, values in schema.ENUMS.items():
        for value in values:
            assert i18n.has(f"{enum}.{value}"), f"{enum}.{value}"
    for ind in indicators.INDICATORS.values():
        for key in (
            f"ind.{ind.id}",
            f"ind.{ind.id}.short",
            f"ind.{ind.id}.def",
            f"unit.{ind.unit}",
            f"area.{ind.area}",
        ):
            assert i18n.has(key), key
        assert ind.base is None or i18n.has(f"base.{ind.base}")
        assert ind.source in schema.TABLES


@pytest.mark.parametrize("path", sorted(ROOT.glob("pages/*.py")) + [ROOT / "dashboard.py"])
def test_pages_have_no_chinese_literals(path):
    assert not CJK.search(path.read_text(encoding="utf-8")), f"{path.name} has a Chinese literal; use qcity.i18n"


def test_counts_use_wan_and_yi_in_chinese():
    assert i18n.fmt_count(1234, "zh") == "1,234"
    assert i18n.fmt_count(12345, "zh") == "1.2万"
    assert i18n.fmt_count(30000, "zh") == "3万"
    assert i18n.fmt_count(123_456_789, "zh") == "1.2亿"
    assert i18n.fmt_count(99_999_999, "zh") == "1亿"  # Babel's compact format (the old rule wrote 10000万)
    assert i18n.fmt_count(1.5e12, "zh") == "1.5万亿"
    assert i18n.fmt_count(1.2e9, "en") == "1.2 billion"
    assert i18n.fmt_count(12345, "en") == "12,345"
    assert i18n.fmt_count(None, "en") == "—"


def test_changes_are_points_for_rates():
    assert i18n.fmt_change(0.6, "pct", "zh") == "+0.6 个百分点"
    assert i18n.fmt_change(-0.25, "pct", "en", 2) == "-0.25 pts"
    assert i18n.fmt_change(-0.02, "per_10k", "en", 2) == "-0.02"
    assert i18n.fmt_value(97.84, "pct", "zh") == "97.8%"


def test_localize_keeps_one_language_and_labels_enumerations():
    frame = pd.DataFrame(
        {"year": [2025], "district_zh": ["岳麓区"], "district_en": ["Yuelu"], "domain": ["food"], "samples": [10]}
    )
    zh = i18n.localize(frame, "zh")
    assert zh.columns.tolist() == ["年份", "区县", "领域", "样本数"]
    assert zh.iloc[0].tolist() == [2025, "岳麓区", "食品", 10]
    en = i18n.localize(frame, "en")
    assert en.iloc[0].tolist() == [2025, "Yuelu", "Food", 10]


def test_values_and_changes_follow_the_unit_and_language():
    assert i18n.fmt_value(97.84, "pct", "zh") == "97.8%"
    assert i18n.fmt_value(23456, "count", "zh") == "2.3万" and i18n.fmt_value(23456, "count", "en") == "23,456"
    assert i18n.fmt_value(1234.5, "yuan_10k", "zh") == "1,234.5 万元"
    assert i18n.fmt_value(1234.5, "yuan_10k", "en") == "12.35 M yuan"  # 1,234.5 x 10,000 yuan
    assert i18n.fmt_change(-0.6, "pct", "en") == "-0.6 pts" and i18n.fmt_change(0.6, "pct", "zh") == "+0.6 个百分点"
    assert i18n.fmt_change(-12, "count", "en") == "-12" and i18n.fmt_change(0.02, "per_10k", "en", 2) == "+0.02"


def test_every_message_id_the_code_names_exists_and_is_called_as_plural_or_not():
    """A literal id in t(…)/T(…) is a plain message, in tn(…) a plural one (t raises on a plural id)."""
    calls = {
        "t": re.compile(r"""\b(?:T|i18n\.t|\bt)\(\s*["']([a-z_]+(?:\.[a-z_.]+)?)["']"""),
        "tn": re.compile(r"""\btn\(\s*["']([a-z_]+\.[a-z_.]+)["']"""),
    }
    code = "\n".join(
        path.read_text(encoding="utf-8")
        for path in [*ROOT.glob("pages/*.py"), *ROOT.glob("qcity/**/*.py"), ROOT / "dashboard.py"]
        if path.parent.name != "locale"
    )
    plain, plural = set(calls["t"].findall(code)), set(calls["tn"].findall(code))
    assert len(plain) > 300 and len(plural) >= 15
    assert sorted(key for key in plain if key not in i18n.IDS) == []
    assert sorted(key for key in plural if key not in i18n.PLURAL_IDS) == []
