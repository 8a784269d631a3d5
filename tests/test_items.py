"""Failed test items as written: the dictionary's reading of real cells, counting per item, and the import."""

import pandas as pd
import pytest
from helpers import OPTIONS, WHOLE, write_tiny_city

from qcity.store import db, versions

PARAMS = {"year_from": 2024, "year_to": 2025, **WHOLE, "districts": [], "sectors": [], "domain": ""}
# Failed items named in published sampling results (Guangdong and Guizhou market-regulation bulletins, 2019-2025:
# 食品不合格情况的通告, e.g. 广东省 2025 年第 17、21、42 期), each as the bulletin wrote it.
BULLETIN_TEXT = """
大肠菌群 阴离子合成洗涤剂(以十二烷基苯磺酸钠计) 菌落总数 铜绿假单胞菌 霉菌 呋喃唑酮代谢物
氧氟沙星 土霉素/金霉素/四环素(组合含量) 多菌灵 吡虫啉 戊唑醇 铅(以Pb计) 酸价(以脂肪计)
过氧化值(以脂肪计) 苯甲酸及其钠盐(以苯甲酸计) 脱氢乙酸及其钠盐(以脱氢乙酸计) 二氧化硫残留量
甜蜜素(以环己基氨基磺酸计) 山梨酸及其钾盐(以山梨酸计) 镉(以Cd计) 恩诺沙星 毒死蜱 克百威
氧乐果 噻虫胺 甲拌磷 腐霉利 孔雀石绿 地塞米松 磺胺类(总量) 总砷(以As计)
亚硝酸盐(以亚硝酸钠计) 铝的残留量(干样品,以Al计) 商业无菌 沙门氏菌 金黄色葡萄球菌 标签
净含量 蛋白质 酒精度 氨基酸态氮(以氮计) 胭脂红 日落黄 苏丹红Ⅰ 苯并[a]芘 黄曲霉毒素B1
挥发性盐基氮 三氯杀螨醇 氯氟氰菊酯和高效氯氟氰菊酯 输入功率和电流 对触及带电部件的防护 发热
接地措施 泄漏电流和电气强度 标志和说明 甲醛含量 可分解致癌芳香胺染料 纤维含量 耐摩擦色牢度
邻苯二甲酸酯
"""
BULLETIN_ITEMS = BULLETIN_TEXT.split()


# Cells of 检测项目 as other notices list them (a Shanghai district, Qidong, Zichuan, Ningbo): before 苯甲酸 and
# 4-氯苯氧乙酸钠 were added, 62 of these 64 items were known.
NOTICE_CELLS = [
    "山梨酸及其钾盐(以山梨酸计)、脱氢乙酸、胭脂红及其铝色淀、氯霉素、过氧化值、苯甲酸、镉(以Cd计)、铬(Cr)、总砷(以As计)、"
    "亚硝酸盐、铅(以Pb计)",
    "克伦特罗、呋喃它酮代谢物、磺胺类(以总量计)、呋喃妥因代谢物、总砷、总汞、特布他林、氧氟沙星、氟苯尼考、地塞米松、氯霉素、"
    "林可霉素、土霉素、阿莫西林、镉、铅、莱克多巴胺、五氯酚酸钠、沙丁胺醇、头孢氨苄、挥发性盐基氮、多西环素、培氟沙星、洛美沙星、"
    "恩诺沙星和环丙沙星之和、呋喃西林代谢物、庆大霉素、诺氟沙星、呋喃唑酮代谢物",
    "苏丹红Ⅰ、苏丹红Ⅱ、铅(以Pb计)、过氧化值、商业无菌",
    "恩诺沙星(以恩诺沙星和环丙沙星之和计)、吡虫啉、甲基异柳磷、咪鲜胺和咪鲜胺锰盐",
    "氯氟氰菊酯和高效氯氟氰菊酯、甲氨基阿维菌素苯甲酸盐、噻虫胺、噻虫嗪、苯醚甲环唑、阿维菌素、啶虫脒、吡唑醚菌酯、甜蜜素、"
    "二氧化硫残留量、4-氯苯氧乙酸钠、腐霉利、毒死蜱、嘧霉胺、丙溴磷",
]


def categories(database, texts) -> pd.DataFrame:
    return database.query("failed_item_categories", texts=texts).set_index("text")


def test_every_item_from_published_bulletins_is_classified(tiny_db):
    read = categories(tiny_db, BULLETIN_ITEMS)
    unknown = sorted(t for t in BULLETIN_ITEMS if read.at[t, "failed_item"] == "other")
    assert unknown == []


def test_every_item_of_other_notices_cells_is_known(tiny_db):
    read = categories(tiny_db, NOTICE_CELLS)
    keys = [
        k
        for cell in NOTICE_CELLS
        for k in tiny_db.con.execute("select failed_item_keys($t)", {"t": cell}).fetchone()[0]
    ]
    assert len(keys) == 64
    assert [list(read.at[cell, "unknown_items"]) for cell in NOTICE_CELLS] == [[]] * len(NOTICE_CELLS)


def test_cells_are_split_and_units_and_brackets_do_not_defeat_the_match(tiny_db):
    read = categories(
        tiny_db,
        [
            "菌落总数、大肠菌群",
            "铅(以Pb计)",
            "铅（以Pb计）",
            "  铅 ",
            "二氧化硫残留量；毒死蜱",
            "毒死蜱\n克百威",
            "铝的残留量(干样品,以Al计)",
            "土霉素/金霉素/四环素(组合含量)",
            "标签",
            "labelling",
            "XYZ-1、菌落总数",
        ],
    )
    assert read.at["菌落总数、大肠菌群", "failed_item"] == "microbial"
    assert {read.at[t, "failed_item"] for t in ("铅(以Pb计)", "铅（以Pb计）", "  铅 ")} == {"heavy_metal"}
    assert read.at["二氧化硫残留量；毒死蜱", "failed_item"] == "additive"  # the first item the dictionary knows
    assert read.at["毒死蜱\n克百威", "failed_item"] == "pesticide_residue"
    assert read.at["铝的残留量(干样品,以Al计)", "failed_item"] == "additive"  # the comma in brackets does not split
    assert read.at["土霉素/金霉素/四环素(组合含量)", "failed_item"] == "vet_drug_residue"  # one item, not three
    assert read.at["标签", "failed_item"] == read.at["labelling", "failed_item"] == "labelling"
    assert read.at["XYZ-1、菌落总数", "failed_item"] == "microbial"
    assert list(read.at["XYZ-1、菌落总数", "unknown_items"]) == ["xyz-1"]
    assert all(len(read.at[t, "unknown_items"]) == 0 for t in read.index if t != "XYZ-1、菌落总数")


def test_a_batch_with_three_failed_items_counts_once_in_the_pass_rate_and_three_times_in_the_items(tiny_db):
    # conftest: the one failed food sample of 2025 (D1) names 菌落总数、大肠菌群、霉菌
    food = tiny_db.query("indicator_by_year", year_from=2025, year_to=2025, **WHOLE, districts=[], sectors=[])
    food = food.set_index("indicator").loc["food_pass_rate"]
    assert (food.numerator, food.denominator) == (34, 35)
    items = tiny_db.query("failed_items_by_year", **PARAMS)
    in_2025 = items[items.year == 2025].set_index("item")
    assert in_2025.failures.to_dict() == {"菌落总数": 1, "大肠菌群": 1, "霉菌": 1}
    assert set(in_2025.failed_item) == {"microbial"}


def test_top_items_with_their_category_and_share_of_failed_samples(tiny_db):
    top = tiny_db.query("failed_items_top", **PARAMS).set_index("item_key")
    assert top.failures.to_dict() == {
        "镉": 4,
        "菌落总数": 3,
        "大肠菌群": 2,
        "铅": 2,
        "霉菌": 1,
        "二氧化硫残留量": 1,
        "毒死蜱": 1,
        "某未知项目": 1,
    }
    assert top.loc["镉", "share_of_failed_pct"] == pytest.approx(100 * 4 / 11)  # 11 failed samples name items
    assert top.loc["铅", "item"] in ("铅", "铅(以Pb计)")  # the dictionary's own spelling
    assert top.loc["某未知项目", "failed_item"] == "other"
    assert top.loc["毒死蜱", "failed_item"] == "pesticide_residue"
    assert list(top.index[:2]) == ["镉", "菌落总数"]
    only_d2 = tiny_db.query("failed_items_top", **{**PARAMS, "districts": ["100002"]})
    assert only_d2.item_key.tolist() == ["二氧化硫残留量"]
    agri = tiny_db.query("failed_items_top", **{**PARAMS, "domain": "agri"}).set_index("item_key")
    assert agri.failures.to_dict() == {"镉": 4, "铅": 2, "毒死蜱": 1}
    assert agri.loc["镉", "share_of_failed_pct"] == pytest.approx(100 * 4 / 6)  # 6 failed agri samples name items


def test_a_city_can_add_and_override_items(tiny_dir, tmp_path):
    import shutil

    data = tmp_path / "city"
    shutil.copytree(tiny_dir, data)
    pd.DataFrame({"item": ["某未知项目", "菌落总数"], "category": ["performance", "content"]}).to_csv(
        data / "test_items.csv", index=False
    )
    top = db.Database(data).query("failed_items_top", **PARAMS).set_index("item_key")
    assert top.loc["某未知项目", "failed_item"] == "performance"  # added
    assert top.loc["菌落总数", "failed_item"] == "content"  # overridden (only for this test's sake)
    assert top.loc["镉", "failed_item"] == "heavy_metal"  # the rest as shipped


REAL_ROWS = [  # 区县,行业,抽样日期,检验结论,企业名称,不合格项目 — the failed items as bulletins write them
    ("甲区", "食品甲", "2025-03-01", "合格", "测试食品厂", ""),
    ("甲区", "食品甲", "2025-03-02", "不合格", "测试食品厂", "菌落总数、大肠菌群"),
    ("乙区", "食品甲", "2025-03-03", "不合格", "测试食品厂", "标签"),
    ("乙区", "食品乙", "2025-03-04", "不合格", "另一家店", "铅(以Pb计)，镉(以Cd计)"),
    ("甲区", "农产品甲", "2025-03-05", "不合格", "农贸市场", "毒死蜱\n克百威"),
    ("甲区", "工业甲", "2025-03-06", "不合格", "电器厂", "输入功率和电流、某新检验项目"),
    ("乙区", "工业甲", "2025-03-07", "不合格", "电器厂", "某新检验项目"),
]


def imported(data, capsys) -> tuple[str, list]:
    out = capsys.readouterr().out
    rows = (
        db.Database(data)
        .con.execute(
            "select failed_items, failed_item from inspections where sample_id like 'IMP-%' order by sample_date"
        )
        .fetchall()
    )
    return out, rows


def expected_rows() -> list:
    categories = [None, "microbial", "labelling", "heavy_metal", "pesticide_residue", "electrical_safety", "other"]
    return [(text or None, category) for (*_, text), category in zip(REAL_ROWS, categories)]


@pytest.fixture
def city(tmp_path):

    from qcity.store import rollups

    out = write_tiny_city(tmp_path / "data")
    rollups.build(out)
    return out


def test_a_gbk_csv_with_real_item_names_imports_whole_and_reports_the_unknown_ones(city, tmp_path, capsys):
    from qcity.intake import ingest

    path = tmp_path / "2025年3月抽检.csv"
    lines = ["2025年3月食品安全监督抽检结果,,,,,", "区县,行业,抽样日期,检验结论,企业名称,不合格项目"]
    lines += [",".join(f'"{v}"' if "\n" in v or "，" in v else v for v in row) for row in REAL_ROWS]
    path.write_bytes("\r\n".join(lines).encode("gbk"))
    code = ingest.main(
        [
            str(path),
            "--table",
            "inspections",
            "--data-dir",
            str(city),
            "--set",
            "level=municipal",
            "--set",
            "kind=supervision",
        ]
    )
    out, rows = imported(city, capsys)
    assert code == 0, out
    assert "7 valid rows, 0 rejected" in out
    assert "1 failed test item(s) not in the test-item dictionary" in out and "某新检验项目 (2)" in out
    assert rows == expected_rows()
    top = db.Database(city).query(
        "failed_items_top", year_from=2025, year_to=2025, **WHOLE, districts=[], sectors=[], domain=""
    )
    assert top.set_index("item_key").loc["某新检验项目", "failures"] == 2
    assert versions.versions(city)[-1]["unknown_items"] == {"某新检验项目": 2}


def test_a_government_xlsx_with_a_title_row_and_real_items_imports_whole(city, tmp_path, capsys):
    from openpyxl import Workbook

    from qcity.intake import ingest

    book = Workbook()
    sheet = book.active
    sheet.append(["长沙市市场监督管理局2025年3月食品安全监督抽检信息"])
    sheet.merge_cells("A1:F1")
    sheet.append(["区县", "行业", "抽样日期", "检验结论", "企业名称", "不合格项目"])
    for row in REAL_ROWS:
        sheet.append(list(row))
    sheet.append(["注：合格样品的不合格项目栏为空。"])
    path = tmp_path / "抽检信息.xlsx"
    book.save(path)
    code = ingest.main(
        [
            str(path),
            "--table",
            "inspections",
            "--data-dir",
            str(city),
            "--set",
            "level=municipal",
            "--set",
            "kind=supervision",
        ]
    )
    out, rows = imported(city, capsys)
    assert code == 0, out
    assert "7 valid rows, 0 rejected" in out and "某新检验项目 (2)" in out
    assert rows == expected_rows()


def test_placeholders_and_passed_rows_name_no_items(city, tmp_path, capsys):
    from qcity.intake import ingest

    path = tmp_path / "placeholders.csv"
    rows = [
        "区县,行业,抽样日期,检验结论,企业名称,不合格项目",
        "甲区,食品甲,2025-04-01,合格,测试食品厂,/",
        "甲区,食品甲,2025-04-02,合格,测试食品厂,无",
        "乙区,食品甲,2025-04-03,不合格,测试食品厂,—",
        "乙区,食品甲,2025-04-04,不合格,测试食品厂,标签",
    ]
    path.write_bytes("\n".join(rows).encode("gbk"))
    code = ingest.main(
        [
            str(path),
            "--table",
            "inspections",
            "--data-dir",
            str(city),
            "--set",
            "level=municipal",
            "--set",
            "kind=supervision",
        ]
    )
    out, stored = imported(city, capsys)
    assert code == 0, out
    assert "not in the test-item dictionary" not in out  # "/", "无" and "—" are not items
    assert stored == [(None, None), (None, None), (None, None), ("标签", "labelling")]


def test_the_items_view_of_a_storyline_says_and_draws_the_top_items(tiny_db, tiny_dir):

    from qcity.documents import story

    ctx = story.Context(tiny_db.query, tiny_db.city(), tiny_dir)
    slide = story.render(story.view_from_query("chart=items&from=2024&to=2025", OPTIONS), ctx, "zh")
    assert slide.title == "不合格项目前 15 项：2024–2025年"
    # 镉 4 of the 11 failed samples that name items = 36.4%; then 菌落总数 3
    assert slide.takeaway == (
        "不合格项目中镉最多（重金属，4 批次，占有项目记录的不合格批次 36.4%），其次是菌落总数（3 批次）。"
    )
    assert slide.facts[0] == "1. 镉 (重金属): 4 (36.4%)" and len(slide.facts) == 8
    assert {t.name for t in slide.figure.data} >= {"重金属", "微生物", "其他"}


def items_table(at) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if "Test item" in d.value.columns)


def test_the_spot_checks_page_ranks_items_per_domain(app):  # noqa: F811
    at = app({"lang": "en"}, "spot_checks")
    assert at.radio(key="spot_items_domain").value == ""
    every = items_table(at)
    assert len(every) == 15 and {"Microbial", "Performance"} <= set(every["Failure category"])
    at.radio(key="spot_items_domain").set_value("agri").run()
    agri = items_table(at)
    assert set(agri["Failure category"]) <= {"Pesticide residue", "Veterinary drug residue", "Heavy metal"}
    assert not at.exception


def test_a_data_directory_from_before_failed_items_keeps_working(tmp_path):
    """Inspections written before the column existed read it as null; the item charts are empty, the rest as before."""
    import pyarrow.parquet as pq

    from qcity.store import rollups

    write_tiny_city(tmp_path)
    old = pq.read_table(tmp_path / "inspections.parquet").drop(["failed_items"])
    pq.write_table(old, tmp_path / "inspections.parquet")
    rollups.build(tmp_path)
    database = db.Database(tmp_path)
    assert database.rollups_current and database.broken == {}
    assert database.query("failed_items_top", **PARAMS).empty
    failures = database.query("failures_by_item", **{k: v for k, v in PARAMS.items() if k != "domain"})
    assert failures.failures.sum() == 12  # every failed sample still counted by its category
