"""The Word bulletin (质量通报), read back with python-docx: its period, its numbers against the queries, its tables."""

import pytest
from docx import Document
from docx.oxml.ns import qn

from qcity import i18n
from qcity.analysis import attention, indicators, narrative
from qcity.analysis.filters import Filters, Selection
from qcity.documents import deck
from qcity.store import db

pytestmark = pytest.mark.browser

YTD = Filters.of(Selection(2022, 2026, period="ytd", month_to=9), 30)


@pytest.fixture(scope="module")
def written(ytd_dir, tmp_path_factory):
    """The bulletin of Jan–Sep 2026 in both languages, written by the command."""
    out = tmp_path_factory.mktemp("bulletin")
    for lang in i18n.LANGS:
        assert (
            deck.main(
                [
                    "bulletin",
                    "--period",
                    "ytd",
                    "--through",
                    "2026-09",
                    "--lang",
                    lang,
                    "--out",
                    str(out / f"{lang}.docx"),
                    "--data",
                    str(ytd_dir),
                ]
            )
            == 0
        )
    return {lang: Document(out / f"{lang}.docx") for lang in i18n.LANGS}


@pytest.fixture(scope="module")
def ytd_db(ytd_dir):
    database = db.Database(ytd_dir)
    yield database
    database.con.close()


def paragraphs(document) -> list[str]:
    return [p.text for p in document.paragraphs if p.text.strip()]


def test_the_title_names_the_city_and_the_period_and_the_label_follows(written):
    zh, en = paragraphs(written["zh"]), paragraphs(written["en"])
    assert zh[0] == "长沙市2026年1–9月质量工作情况通报"
    assert en[0] == "Changsha quality bulletin, Jan–Sep 2026"
    assert "合成数据" in zh[1] and "synthetic" in en[1]
    assert zh[-1] == "数据截至：2026-09-30" and en[-1] == "Data as of: 2026-09-30"
    assert zh[-2] == "合成演示数据，非真实统计"
    headings = [t for t in zh if t[:2] in {f"{n}、" for n in "一二三四五六七八"}]
    assert headings == [
        "一、主要指标",
        "二、质量安全",
        "三、标准与品牌",
        "四、执法打假",
        "五、市长质量奖",
        "六、质量诊断服务",
        "七、科技创新",
        "八、风险预警",
    ]


def test_the_spot_check_numbers_are_the_query_results(written, ytd_db):
    by_domain = ytd_db.query("pass_rate_by_domain_year", **YTD.params)
    now, before = by_domain[by_domain.year == 2026], by_domain[by_domain.year == 2025]
    samples, passed = int(now.samples.sum()), int(now.passed.sum())
    change = 100 * passed / samples - 100 * before.passed.sum() / before.samples.sum()
    verb = "提高" if round(change, 1) > 0 else "下降"
    sentence = (
        f"2026年1–9月，全市共完成监督抽检 {samples:,} 批次，发现不合格样品 {samples - passed:,} 批次，"
        f"抽检合格率为 {100 * passed / samples:.2f}%，同比{verb} {abs(change):.1f} 个百分点。"
    )
    assert sentence in paragraphs(written["zh"])


def test_the_tables_hold_the_query_rows(written, ytd_db):
    document = written["zh"]
    headline, districts, items, _ = document.tables
    cards = indicators.kpis(ytd_db.query("indicator_by_year", **YTD.params), YTD)
    rows = [[cell.text for cell in row.cells] for row in headline.rows]
    assert rows[0] == ["指标", "统计期", "数值", "目标", "状态", "同比"]
    assert [r[0] for r in rows[1:]] == [i18n.t(f"ind.{k.indicator.id}", "zh") for k in cards]
    assert [r[2] for r in rows[1:]] == [
        i18n.fmt_value(k.value, k.indicator.unit, "zh", k.indicator.digits) for k in cards
    ]
    assert [r[1] for r in rows[1:]] == ["2026年1–9月"] * 4 + ["2025年（年度数据）"] * 2
    by_district = ytd_db.query("pass_rate_by_district_year", **{**YTD.params, "year_from": 2026})
    shown = {row.cells[1].text: row.cells[3].text for row in districts.rows[1:]}
    assert shown == {r.name_zh: f"{r.pass_rate:.2f}%" for r in by_district.itertuples()}
    top = ytd_db.query("failed_items_top", **{**YTD.params, "year_from": 2026}, domain="").head(10)
    assert [row.cells[1].text for row in items.rows[1:]] == top["item"].tolist()
    assert [row.cells[3].text for row in items.rows[1:]] == [f"{n:,}" for n in top.failures]


def test_a4_with_chinese_fonts_named_on_the_runs_and_charts_as_images(written):
    document = written["zh"]
    section = document.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    assert round(section.left_margin.cm, 1) == 2.8
    title = document.paragraphs[0].runs[0]
    assert title._element.rPr.rFonts.get(qn("w:eastAsia")) == "宋体"
    heading = next(p for p in document.paragraphs if p.text == "二、质量安全").runs[0]
    assert heading._element.rPr.rFonts.get(qn("w:eastAsia")) == "黑体"
    body = next(p for p in document.paragraphs if p.text.startswith("2026年1–9月，全市")).runs[0]
    assert body._element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋"
    assert len(document.inline_shapes) == 2  # the monthly pass rate and the domains


def test_a_period_outside_the_data_is_refused(ytd_dir, tmp_path, capsys):
    out = tmp_path / "x.docx"
    assert (
        deck.main(["bulletin", "--period", "ytd", "--through", "2026-10", "--out", str(out), "--data", str(ytd_dir)])
        == 2
    )
    assert "--through 2026-10" in capsys.readouterr().err and not out.exists()
    assert deck.main(["bulletin", "--year", "2026", "--out", str(out), "--data", str(ytd_dir)]) == 2
    assert "not complete" in capsys.readouterr().err


def test_the_early_warnings_are_the_report_of_the_period(written, ytd_db, ytd_dir):
    report = attention.report(YTD, attention.Settings.of(ytd_db.city()), ytd_db.query)
    zh = paragraphs(written["zh"])
    after = zh[zh.index("八、风险预警") + 1 :]
    assert after[0] == narrative.attention(report.signals, YTD.at(), "zh")
    assert after[0].startswith(f"2026年1–9月共 {len(report.signals)} 条预警信号")
    assert after[1] == f"另有 {len(report.signals) - 15} 条信号见看板“预警”页及其下载的工作清单。"
    table = written["zh"].tables[3]
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows[0] == ["排名", "级别", "类型", "对象", "原因与数据"] and len(rows) == 16
    assert [r[3] for r in rows[1:]] == report.signals.subject.head(15).tolist()
    assert [r[4] for r in rows[1:]] == report.signals.why.head(15).tolist()


def test_a_districts_bulletin_names_the_district_and_no_other(ytd_dir, tmp_path):
    out = tmp_path / "yuelu.docx"
    argv = ["bulletin", "--period", "ytd", "--through", "2026-09", "--district", "430104", "--lang", "zh"]
    assert deck.main([*argv, "--out", str(out), "--data", str(ytd_dir)]) == 0
    document = Document(out)
    text = paragraphs(document)
    assert text[0] == "长沙市岳麓区2026年1–9月质量工作情况通报"
    assert any(t.startswith("2026年1–9月，岳麓区共完成监督抽检") for t in text)  # not 全市
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    others = ["芙蓉区", "天心区", "开福区", "雨花区", "望城区", "长沙县", "浏阳市", "宁乡市"]
    assert [name for name in others if any(name in t for t in text + cells)] == []
