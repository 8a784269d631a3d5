"""Translations are complete, enumerations are labelled, numbers follow each language, pages hold no literals."""

import re
from pathlib import Path

import pandas as pd
import pytest

from qcity import i18n
from qcity.analysis import indicators
from qcity.store import schema

ROOT = Path(__file__).resolve().parent.parent
CJK = re.compile(r"[\u4e00-\u9fff]")


def test_every_message_has_both_languages():
    for key, texts in i18n.MESSAGES.items():
        assert len(texts) == 2 and all(t.strip() for t in texts), key
        zh, en = texts
        assert set(re.findall(r"{(\w+)}", zh)) == set(re.findall(r"{(\w+)}", en)), key


def test_every_enumeration_value_and_indicator_has_a_label():
    for enum, values in schema.ENUMS.items():
        for value in values:
            assert f"{enum}.{value}" in i18n.MESSAGES, f"{enum}.{value}"
    for ind in indicators.INDICATORS.values():
        for key in (
            f"ind.{ind.id}",
            f"ind.{ind.id}.short",
            f"ind.{ind.id}.def",
            f"unit.{ind.unit}",
            f"area.{ind.area}",
        ):
            assert key in i18n.MESSAGES, key
        assert ind.base is None or f"base.{ind.base}" in i18n.MESSAGES
        assert ind.source in schema.TABLES


@pytest.mark.parametrize("path", sorted(ROOT.glob("pages/*.py")) + [ROOT / "dashboard.py"])
def test_pages_have_no_chinese_literals(path):
    assert not CJK.search(path.read_text(encoding="utf-8")), f"{path.name} has a Chinese literal; use qcity.i18n"


def test_counts_use_wan_and_yi_in_chinese():
    assert i18n.fmt_count(1234, "zh") == "1,234"
    assert i18n.fmt_count(12345, "zh") == "1.2万"
    assert i18n.fmt_count(30000, "zh") == "3万"
    assert i18n.fmt_count(123_456_789, "zh") == "1.2亿"
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


def test_every_message_key_used_in_the_code_exists():
    pattern = re.compile(r"""\bT\(\s*["']([a-z_]+\.[a-z_.]+|empty)["']""")
    used = {
        key
        for path in [*ROOT.glob("pages/*.py"), *ROOT.glob("qcity/**/*.py"), ROOT / "dashboard.py"]
        for key in pattern.findall(path.read_text(encoding="utf-8"))
    }
    assert len(used) > 50
    assert sorted(key for key in used if key not in i18n.MESSAGES) == []
