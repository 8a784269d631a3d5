"""Files as the national food sampling system and published notices give them, in exactly their layouts, with
every figure counted by hand: the system's export (one row per test item, sheet data_1), a notice attachment (title
rows, 序号 merged over a batch's rows, ║ cells, prefixes, Excel serial dates, notes below), a re-publication with
provinces in 发布单位 and no place but the unit's name, a file whose rows all lie elsewhere, and the place reading on
real addresses from published notices."""

import csv
import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from helpers import ROOT, fingerprint

from qcity.intake import city, demo, ingest, places
from qcity.store import db, versions

ADDRESSES = ROOT / "tests" / "realdata" / "addresses.csv"
EXPORT_HEADER = [
    "抽样编号",
    "报告分类",
    "任务来源",
    "样品名称",
    "食品大类",
    "食品亚类",
    "食品品种",
    "食品细类",
    "被抽样单位名称",
    "被抽样单位地址",
    "被抽样单位省",
    "被抽样单位所在地市",
    "被抽样单位所在县",
    "标识生产企业名称",
    "标识生产企业地址",
    "抽样日期",
    "检验项目",
    "检验结果",
    "结果单位",
    "判定依据",
    "结果判定",
    "检验机构名称",
]
PLACE = {  # 省, 所在地市, 所在县, 地址
    "furong": ("湖南省", "长沙市", "芙蓉区", "湖南省长沙市芙蓉区五一大道100号"),
    "kaifu": ("湖南省", "长沙市", None, "湖南省长沙市开福区芙蓉北路金霞10号"),
    "liuyang": ("湖南", "长沙", "浏阳市", "浏阳市车站路137号"),
    "yuelu": ("湖南省", "长沙市", "岳麓区", "湖南省长沙市岳麓区麓山路1号"),
    "ningxiang": ("湖南省", "长沙市", "宁乡市", "湖南省长沙市宁乡市玉潭街道"),
    "yuhua": ("湖南省", "长沙市", None, "长沙市雨花区韶山中路5号"),
    "linfen": ("山西省", "临汾市", "尧都区", "山西省临汾市尧都区小十字南街19号"),
    "nowhere": ("湖南省", "长沙市", None, "湖南省长沙市高新区麓谷大道"),
}
# (抽样编号, 报告分类, place, 样品名称, 大类, 亚类, 品种, 细类, [(item, result, unit, limit, verdict)])
SAMPLES = [
    (
        "S1",
        "合格报告",
        "furong",
        "纯牛奶",
        "乳制品",
        "液体乳",
        "灭菌乳",
        "全脂灭菌乳",
        [
            ("蛋白质", "3.1", "g/100g", "≥2.9", "合格"),
            ("菌落总数", "<10", "CFU/g", "≤100", "合格"),
            ("大肠菌群", "<1", "CFU/g", "≤1", "合格"),
        ],
    ),
    (
        "S2",
        "一般不合格报告",
        "kaifu",
        "酱油",
        "调味品",
        "酱油",
        "酿造酱油",
        "酿造酱油",
        [
            ("氨基酸态氮", "0.6", "g/100mL", "≥0.4", "合格"),
            ("苯甲酸及其钠盐(以苯甲酸计)", "1.2", "g/kg", "≤1.0", "不合格"),
            ("山梨酸及其钾盐(以山梨酸计)", "未检出", "g/kg", "≤1.0", "合格"),
            ("菌落总数", "20", "CFU/mL", "≤5×10⁴", "合格"),
        ],
    ),
    (
        "S3",
        "一般不合格报告",
        "liuyang",
        "芹菜",
        "食用农产品",
        "蔬菜",
        "叶菜类蔬菜",
        "芹菜",
        [
            ("毒死蜱", "0.15", "mg/kg", "≤0.05", "不合格"),
            ("氯氟氰菊酯和高效氯氟氰菊酯", "0.02", "mg/kg", "≤0.5", "合格"),
            ("镉(以Cd计)", "0.30", "mg/kg", "≤0.2", "不合格"),
            ("铅(以Pb计)", "0.05", "mg/kg", "≤0.3", "合格"),
            ("克百威", "未检出", "mg/kg", "≤0.02", "合格"),
        ],
    ),
    (
        "S4",
        "合格报告",
        "yuelu",
        "月饼",
        "糕点",
        "月饼",
        "月饼",
        "广式月饼",
        [
            ("酸价(以脂肪计)(KOH)", "1.2", "mg/g", "≤5", "合格"),
            ("过氧化值(以脂肪计)", "0.05", "g/100g", "≤0.25", "合格"),
            ("菌落总数", "50", "CFU/g", "≤1×10⁴", "合格"),
            ("大肠菌群", "<10", "CFU/g", "≤100", "合格"),
            ("霉菌", "<10", "CFU/g", "≤150", "合格"),
            ("脱氢乙酸及其钠盐(以脱氢乙酸计)", "未检出", "g/kg", "≤0.5", "合格"),
        ],
    ),
    (
        "S5",
        "合格报告",
        "ningxiang",
        "大米",
        "粮食加工品",
        "大米",
        "大米",
        "大米",
        [
            ("镉(以Cd计)", "0.05", "mg/kg", "≤0.2", "合格"),
            ("铅(以Pb计)", "0.03", "mg/kg", "≤0.2", "合格"),
            ("无机砷(以As计)", "0.05", "mg/kg", "≤0.2", "合格"),
        ],
    ),
    (
        "S6",
        "一般不合格报告",
        "linfen",
        "酱牛肉",
        "肉制品",
        "熟肉制品",
        "酱卤肉制品",
        "酱卤肉",
        [
            ("菌落总数", "5.2×10⁵", "CFU/g", "≤8×10⁴", "不合格"),
            ("亚硝酸盐(以亚硝酸钠计)", "5", "mg/kg", "≤30", "合格"),
            ("苯甲酸及其钠盐(以苯甲酸计)", "未检出", "g/kg", "不得使用", "合格"),
        ],
    ),
    (
        "S7",
        "一般不合格报告",
        "yuhua",
        "复用餐饮具",
        "餐饮食品",
        "餐饮具",
        "复用餐饮具",
        "复用餐饮具",
        [
            ("大肠菌群", "检出", "/50cm²", "不得检出", "不合格"),
            ("阴离子合成洗涤剂(以十二烷基苯磺酸钠计)", "未检出", "mg/100cm²", "不得检出", "合格"),
            ("游离性余氯", "未检出", "mg/100cm²", "≤0.03", "合格"),
        ],
    ),
    (
        "S9",
        "合格报告",
        "nowhere",
        "挂面",
        "粮食加工品",
        "挂面",
        "普通挂面",
        "普通挂面",
        [
            ("铅(以Pb计)", "0.05", "mg/kg", "≤0.2", "合格"),
            ("脱氢乙酸及其钠盐(以脱氢乙酸计)", "未检出", "g/kg", "不得使用", "合格"),
            ("菌落总数", "30", "CFU/g", "≤1×10⁵", "合格"),
        ],
    ),
]


def export_rows() -> list[list]:
    """The export's rows: a row per test item, the sample's fields repeated; S8's rows disagree on the date."""
    rows = []
    for sample, report, place, product, major, sub, variety, detail, tested in SAMPLES:
        province, prefecture, county, address = PLACE[place]
        for item, result, unit, limit, verdict in tested:
            rows.append(
                [
                    sample,
                    report,
                    "长沙市市场监督管理局",
                    product,
                    major,
                    sub,
                    variety,
                    detail,
                    f"【示例】{product}经营店",
                    address,
                    province,
                    prefecture,
                    county,
                    "【示例】生产企业",
                    "湖南省长沙市",
                    "2025-05-10",
                    item,
                    result,
                    unit,
                    limit,
                    verdict,
                    "【示例】检验机构",
                ]
            )
    for day, item in (("2025-05-11", "铅(以Pb计)"), ("2025-05-12", "镉(以Cd计)")):
        rows.append(
            [
                "S8",
                "合格报告",
                "长沙市市场监督管理局",
                "面粉",
                "粮食加工品",
                "小麦粉",
                "小麦粉",
                "通用小麦粉",
                "【示例】粮油店",
                PLACE["furong"][3],
                "湖南省",
                "长沙市",
                "芙蓉区",
                "【示例】面粉厂",
                "河南省",
                day,
                item,
                "0.05",
                "mg/kg",
                "≤0.2",
                "合格",
                "【示例】检验机构",
            ]
        )
    return rows


@pytest.fixture
def changsha(tmp_path) -> Path:
    """A small synthetic Changsha: real district codes and the shipped sector catalogue."""
    out = tmp_path / "changsha"
    demo.DemoCity("changsha", 2000, 1).write(out)
    return out


def write_export(path: Path) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "data_1"
    sheet.append(EXPORT_HEADER)
    for row in export_rows():
        sheet.append(row)
    workbook.save(path)
    return path


def run(args: list, capsys) -> tuple[int, str]:
    code = ingest.main([str(a) for a in args])
    return code, capsys.readouterr().out


def test_the_national_export_becomes_a_batch_per_sample_with_its_items(changsha, tmp_path, capsys):
    path = write_export(tmp_path / "国抽数据.xlsx")
    before = db.Database(changsha).con.execute("select count(*) from inspections").fetchone()[0]
    code, out = run([path, "--table", "inspections", "--data-dir", changsha, "--sheet", "data_1"], capsys)
    assert code == 1, out  # S8's two rows disagree on the date, and S9 has no place: nothing without --accept-valid
    assert "row 32, column 抽样日期, value '2025-05-11 / 2025-05-12': the rows of one sample disagree" in out
    assert "1 rows lie outside the data's area and are left out (not an error): row 23 " in out  # S6, in 临汾
    assert "1 rows have no place the import can find" in out and "row 29 " in out and "高新区" in out  # S9
    code, out = run(
        [path, "--table", "inspections", "--data-dir", changsha, "--sheet", "data_1", "--accept-valid"], capsys
    )
    assert code == 0, out
    assert "7 valid rows, 27 test items, 1 rejected" in out and "1 outside, 1 unplaced" in out
    database = db.Database(changsha)
    got = database.con.execute(
        "select sample_id, district_code, sector_code, passed, failed_items, failed_item "
        "from inspections where sample_id like 'S_' order by sample_id"
    ).fetchall()
    assert got == [
        ("S1", "430102", "food-dairy", True, None, None),
        ("S2", "430105", "food-condiment", False, "苯甲酸及其钠盐(以苯甲酸计)", "additive"),
        ("S3", "430181", "agri-vegetables", False, "毒死蜱、镉(以Cd计)", "pesticide_residue"),
        ("S4", "430104", "food-pastry", True, None, None),
        ("S5", "430182", "food-grain", True, None, None),
        ("S7", "430111", "food-catering", False, "大肠菌群", "microbial"),
        ("S9", places.UNPLACED, "food-grain", True, None, None),
    ]
    assert database.con.execute("select count(*) from inspections").fetchone()[0] == before + 7
    # every test item of the imported samples is kept: 3 + 4 + 5 + 6 + 3 + 3 + 3 = 27
    items = database.con.execute(
        "select sample_id, count(*), count(*) filter (where not passed) "
        "from inspection_items group by all order by sample_id"
    ).fetchall()
    assert items == [("S1", 3, 0), ("S2", 4, 1), ("S3", 5, 2), ("S4", 6, 0), ("S5", 3, 0), ("S7", 3, 1), ("S9", 3, 0)]
    over = database.con.execute(
        "select item, round(value / limit_value, 2) from inspection_items where not passed "
        "and limit_op in ('le', 'lt') order by item"
    ).fetchall()
    assert over == [("毒死蜱", 3.0), ("苯甲酸及其钠盐(以苯甲酸计)", 1.2), ("镉(以Cd计)", 1.5)]  # 超标倍数
    districts = database.table("districts").set_index("district_code")
    assert districts.loc[places.UNPLACED, "name_en"] == "Place unknown"
    assert versions.versions(changsha)[-1]["items"] == 27 and versions.versions(changsha)[-1]["outside"] == 1


NOTICE_HEADER = [
    "序号",
    "标称生产企业名称",
    "标称生产企业地址",
    "被抽样单位名称",
    "被抽样单位地址",
    "食品名称",
    "规格型号",
    "商标",
    "生产日期/批号",
    "不合格项目║检验结果║标准值",
    "分类",
    "公告号",
    "公告日期",
    "任务来源/项目名称",
    "检验机构",
    "备注",
]


def write_notice(path: Path) -> Path:
    """A notice attachment as published: two title rows, a batch over two rows under a merged 序号, ║ cells, an
    item written 检验值：…；标准值：…, two items in one cell, role prefixes, 购进日期, an Excel serial date, a note."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["附件2"])
    sheet.append(["食品安全监督抽检不合格产品信息（合成示例）"])
    sheet.merge_cells("A2:P2")
    sheet.append(NOTICE_HEADER)
    common = ["2025年第10号", 45853, "长沙市市场监督管理局", "【示例】检验所", "/"]  # 45853: 2025-07-15
    sheet.append(
        [
            1,
            "委托方：【示例】甲食品有限公司；生产者：【示例】乙厂",
            "湖南省长沙市",
            "【示例】芙蓉超市",
            "湖南省长沙市芙蓉区五一大道1号",
            "酱牛肉",
            "500g/袋",
            "/",
            "2025-06-01",
            "菌落总数║5.2×10⁵CFU/g║≤1×10⁵CFU/g",
            "肉制品",
            *common,
        ]
    )
    sheet.append(
        [None, None, None, None, None, None, None, None, None, "大肠菌群║230MPN/100g║≤30MPN/100g", None, *common]
    )
    for column in "ABCDEFGHIK":
        sheet.merge_cells(f"{column}4:{column}5")
    sheet.append(
        [
            2,
            "【示例】丙公司",
            "山西省",
            "【示例】尧都商行",
            "山西省临汾市尧都区小十字南街19号",
            "黄花菜",
            "散装",
            "/",
            "购进日期：2025/6/19",
            "二氧化硫残留量（检验值：0.290g/kg；标准值：≤0.2g/kg）",
            "蔬菜制品",
            *common,
        ]
    )
    sheet.append(
        [
            3,
            "/",
            "/",
            "【示例】星沙水产店",
            "湖南省长沙市长沙县星沙街道开元路100号",
            "鲫鱼",
            "散装",
            "/",
            "购进日期：2025/6/20",
            "恩诺沙星║312μg/kg║≤100μg/kg\n氧氟沙星║5.2μg/kg║不得检出",
            "食用农产品",
            *common,
        ]
    )
    sheet.append(["注：以上信息仅指本次抽检标称的生产企业相关产品的生产日期/批号和所检项目。"])
    sheet.merge_cells("A8:P8")
    workbook.save(path)
    return path


def test_a_notice_attachment_imports_its_failed_batches(changsha, tmp_path, capsys):
    path = write_notice(tmp_path / "不合格产品信息.xlsx")
    mapping = tmp_path / "notice.json"
    mapping.write_text(json.dumps({"failures_only": True}))
    code, out = run(
        [
            path,
            "--table",
            "inspections",
            "--data-dir",
            changsha,
            "--mapping",
            mapping,
            "--set",
            "level=municipal",
            "--set",
            "kind=supervision",
            "--dry-run",
        ],
        capsys,
    )
    assert code == 0, out
    assert "2 valid rows, 4 test items, 0 rejected" in out and "1 outside" in out
    assert "row 8: left out as a note below the table" in out
    code, out = run(
        [
            path,
            "--table",
            "inspections",
            "--data-dir",
            changsha,
            "--mapping",
            mapping,
            "--set",
            "level=municipal",
            "--set",
            "kind=supervision",
        ],
        capsys,
    )
    assert code == 0, out
    database = db.Database(changsha)
    got = database.con.execute(
        "select district_code, sector_code, sample_date, passed, failed_items from inspections "
        "where sample_id like 'IMP-%' order by district_code"
    ).fetchall()
    assert [g[:2] for g in got] == [("430102", "food-meat"), ("430121", "agri-other")]
    assert {str(g[2]) for g in got} == {"2025-07-15"} and all(g[3] is False for g in got)
    assert [g[4] for g in got] == ["菌落总数、大肠菌群", "恩诺沙星、氧氟沙星"]
    items = database.con.execute(
        "select item, value, limit_value, limit_op from inspection_items order by sample_id, seq"
    ).df()
    assert set(items.item) == {"菌落总数", "大肠菌群", "恩诺沙星", "氧氟沙星"}
    row = items.set_index("item")
    assert (row.loc["菌落总数", "value"], row.loc["菌落总数", "limit_value"]) == (520000.0, 100000.0)
    assert row.loc["恩诺沙星", "value"] / row.loc["恩诺沙星", "limit_value"] == pytest.approx(3.12)
    assert row.loc["氧氟沙星", "limit_op"] == "not_detected"
    new = database.table("enterprises").set_index("name")
    assert "【示例】芙蓉超市" in new.index


REPUBLICATION_HEADER = [
    "物料名称",
    "产品分类",
    "供应商",
    "检测项目",
    "单位",
    "检测结果",
    "限量值",
    "判定",
    "发布单位",
    "发布日期",
]
REPUBLICATION = [  # a row per failed item; the batch: the same product, supplier, publisher and date
    [
        "再制蛋",
        "蛋及蛋制品-->再制蛋",
        "【示例】济南市历下区蛋品店",
        "菌落总数",
        "CFU/g",
        "6.2×10⁴",
        "≤5×10⁴",
        "不合格",
        "国内监督抽查(山东市场监管局)",
        "2022-05-10",
    ],
    [
        "带鱼",
        "水产及其制品-->生鲜（冻）水产品",
        "【示例】青岛市市南区海鲜行",
        "镉(以Cd计)",
        "mg/kg",
        "0.3",
        "≤0.1",
        "不合格",
        "国内监督抽查(山东市场监管局)",
        "2022-06-01",
    ],
    [
        "带鱼",
        "水产及其制品-->生鲜（冻）水产品",
        "【示例】青岛市市南区海鲜行",
        "恩诺沙星",
        "μg/kg",
        "150",
        "≤100",
        "不合格",
        "国内监督抽查(山东市场监管局)",
        "2022-06-01",
    ],
    [
        "鸡蛋",
        "蛋及蛋制品-->鲜蛋",
        "【示例】沙县小吃",
        "恩诺沙星",
        "μg/kg",
        "15",
        "不得检出",
        "不合格",
        "国内监督抽查(山东市场监管局)",
        "2022-06-02",
    ],
    [
        "鸡蛋",
        "蛋及蛋制品-->鲜蛋",
        "【示例】长沙市芙蓉区蛋行",
        "氟苯尼考",
        "μg/kg",
        "20",
        "不得检出",
        "不合格",
        "国内监督抽查(湖南市场监管局)",
        "2022-06-03",
    ],
    [
        "酱油",
        "调味品-->酱油",
        "【示例】东营市广饶县调味品店",
        "苯甲酸",
        "g/kg",
        "1.5",
        "≤1.0",
        "不合格",
        "国内监督抽查(山东市场监管局)",
        "2022-07-01",
    ],
]


@pytest.fixture(scope="module")
def shandong(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("shandong") / "data"
    city.init("370000", out)  # a province: its cities are the units
    return out


def test_a_province_takes_a_republication_placing_rows_by_the_names_in_them(shandong, tmp_path, capsys):
    path = tmp_path / "spot-checks.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows([REPUBLICATION_HEADER, *REPUBLICATION])
    mapping = tmp_path / "republication.json"
    mapping.write_text(json.dumps({"failures_only": True}))
    code, out = run(
        [
            path,
            "--table",
            "inspections",
            "--data-dir",
            shandong,
            "--mapping",
            mapping,
            "--set",
            "level=provincial",
            "--set",
            "kind=supervision",
            "--accept-valid",
        ],
        capsys,
    )
    assert code == 0, out
    # 6 rows, 5 batches: 济南 (placed), 青岛 x2 items (placed), 沙县小吃 (unplaced: a shop sign, no county),
    # 湖南 (outside, by its publisher), 东营 (placed)
    assert "4 valid rows, 5 test items, 0 rejected" in out and "1 outside, 1 unplaced" in out
    got = (
        db.Database(shandong)
        .con.execute("select district_code, sector_code, failed_items from inspections order by district_code")
        .fetchall()
    )
    assert got == [
        (places.UNPLACED, "agri-eggs", "恩诺沙星"),
        ("370100", "food-other", "菌落总数"),
        ("370200", "agri-aquatic", "镉(以Cd计)、恩诺沙星"),
        ("370500", "food-condiment", "苯甲酸"),
    ]
    sectors = pd.read_csv(shandong / "sectors.csv").set_index("sector_code")
    assert sectors.loc["food-other", "name_zh"] == "其他食品"  # 蛋制品 is no sector of the catalogue: its catch-all


def test_a_file_lying_wholly_elsewhere_changes_nothing(changsha, tmp_path, capsys):
    path = tmp_path / "elsewhere.csv"
    path.write_text(
        "\n".join(
            [
                "抽样编号,抽样日期,被抽样单位名称,被抽样单位地址,食品大类,检验结论",
                "X1,2025-05-01,甲店,湖南省株洲市天元区长江北路1号,乳制品,合格",
                "X2,2025-05-01,乙店,湖南省湘潭市岳塘区建设北路2号,乳制品,合格",
                "X3,2025-05-02,丙店,山西省临汾市尧都区小十字南街19号,糕点,不合格",
                "X4,2025-05-02,丁店,南京市鼓楼区中山路1号,糕点,合格",
                "",
            ]
        ),
        encoding="utf-8",
    )
    before = fingerprint(changsha)
    code, out = run(
        [
            path,
            "--table",
            "inspections",
            "--data-dir",
            changsha,
            "--set",
            "level=municipal",
            "--set",
            "kind=supervision",
        ],
        capsys,
    )
    assert code == 0 and "0 valid rows" in out and "4 outside" in out and "4 rows lie outside" in out
    assert fingerprint(changsha) == before


def test_real_addresses_from_published_notices_are_placed_and_never_wrongly():
    """Addresses as published notices of Hunan's market regulators give them (tests/realdata/addresses.csv, with
    where each notice was published), read for a Changsha data directory: each must be placed in its district,
    said to be outside, or left unplaced as expected; a wrong district would be the one thing not allowed."""
    units = pd.read_csv(ROOT / "data" / "cities" / "changsha" / "districts.csv", dtype=str)
    gazetteer = places.Gazetteer(units, "430100", "city")
    cases = pd.read_csv(ADDRESSES, comment="#", dtype=str).fillna("")
    found = [gazetteer.place({row.source: row.text}) for row in cases.itertuples()]
    got = [where.code or where.status for where in found]
    assert got == list(cases.expected)
    placed = sum(where.status == "placed" for where in found)
    assert placed >= 10 and len(cases) >= 25


def spot_check_params() -> dict:
    return {"year_from": 2025, "year_to": 2025, "month_from": 1, "month_to": 12, "districts": [], "sectors": []}


def test_a_notice_counts_apart_and_its_pass_rate_needs_the_totals(changsha, tmp_path, capsys):
    """The notice's two batches (food-meat in 芙蓉区, agri in 长沙县, July 2025) never enter the full data's pass
    rates; with the notice's totals (417 food batches in 2025, 50 agri in July) a pass rate is (417 - 1) / 417
    and (50 - 1) / 50, and nowhere else."""
    before = db.Database(changsha).query("pass_rate_by_domain_year", **spot_check_params())
    mapping = tmp_path / "notice.json"
    mapping.write_text(json.dumps({}))
    code, out = run(
        [
            write_notice(tmp_path / "notice.xlsx"),
            "--table",
            "inspections",
            "--data-dir",
            changsha,
            "--mapping",
            mapping,
            "--failures-only",
            "--set",
            "level=municipal",
            "--set",
            "kind=supervision",
        ],
        capsys,
    )
    assert code == 0, out
    database = db.Database(changsha)
    assert database.query("pass_rate_by_domain_year", **spot_check_params()).equals(before)
    scope = {"year_from": 2025, "year_to": 2025, "districts": [], "sectors": []}
    listed = database.query("notice_batches", **scope)
    assert listed[["domain", "sector_code", "failed_batches"]].values.tolist() == [
        ["agri", "agri-other", 1],
        ["food", "food-meat", 1],
    ]
    assert database.query("notice_pass_rates", **scope).empty  # no totals yet: no rate
    totals = tmp_path / "totals.csv"
    totals.write_text(
        "year,month,domain,sector_code,district_code,batches,source_title\n"
        "2025,0,food,,,417,【示例】长沙市市场监督管理局 2025年食品安全监督抽检情况的公示\n"
        "2025,7,agri,,,50,【示例】2025年7月食用农产品抽检\n"
        "2025,7,agri,,430102,10,【示例】芙蓉区 2025年7月\n",
        encoding="utf-8",
    )
    code, out = run([totals, "--table", "sampling_totals", "--data-dir", changsha], capsys)
    assert code == 0, out
    rates = db.Database(changsha).query("notice_pass_rates", **scope)
    got = rates[["domain", "district_code", "batches", "failed_batches"]].fillna("").values.tolist()
    assert got == [["food", "", 417, 1], ["agri", "", 50, 1], ["agri", "430102", 10, 0]]
    assert rates.pass_rate.tolist() == pytest.approx([100 * 416 / 417, 98.0, 100.0])
    in_furong = db.Database(changsha).query("notice_pass_rates", **{**scope, "districts": ["430102"]})
    assert in_furong[["district_code", "failed_batches"]].values.tolist() == [["430102", 0]]  # the 长沙县 batch


def test_a_sample_counts_once_whether_a_notice_or_the_export_has_it(changsha, tmp_path, capsys):
    """抽样编号 N1 comes first from a notice, then with the full export (which replaces the notice's batch and its
    items); the notice again changes nothing; the export's S-rows are not notice rows."""
    notice = tmp_path / "notice.csv"
    notice.write_text(
        "抽样编号,抽样日期,被抽样单位名称,被抽样单位地址,食品大类,不合格项目║检验结果║标准值\n"
        "N1,2025-06-01,【示例】甲店,长沙市芙蓉区五一大道1号,乳制品,菌落总数║5.2×10⁵CFU/g║≤1×10⁵CFU/g\n",
        encoding="utf-8",
    )
    defaults = ["--set", "level=municipal", "--set", "kind=supervision"]
    code, out = run([notice, "--table", "inspections", "--data-dir", changsha, "--failures-only", *defaults], capsys)
    assert code == 0 and "1 valid rows, 1 test items" in out, out
    export = tmp_path / "export.csv"
    export.write_text(
        "抽样编号,报告分类,抽样日期,被抽样单位名称,被抽样单位所在县,食品大类,检验项目,检验结果,判定依据,结果判定\n"
        "N1,一般不合格报告,2025-06-01,【示例】甲店,芙蓉区,乳制品,菌落总数,5.2×10⁵,≤1×10⁵,不合格\n"
        "N1,一般不合格报告,2025-06-01,【示例】甲店,芙蓉区,乳制品,蛋白质,3.1,≥2.9,合格\n"
        "N2,合格报告,2025-06-02,【示例】乙店,岳麓区,乳制品,蛋白质,3.0,≥2.9,合格\n",
        encoding="utf-8",
    )
    code, out = run([export, "--table", "inspections", "--data-dir", changsha, *defaults], capsys)
    assert code == 0, out
    assert "2 valid rows, 3 test items" in out and "1 batches replace the ones a notice listed" in out and "N1" in out
    database = db.Database(changsha)
    rows = database.con.execute(
        "select sample_id, coalesce(failures_only, false), passed from inspections where "
        "sample_id in ('N1', 'N2') order by sample_id"
    ).fetchall()
    assert rows == [("N1", False, False), ("N2", False, True)]
    items = database.con.execute(
        "select sample_id, item from inspection_items where sample_id in ('N1', 'N2') order by sample_id, seq"
    ).fetchall()
    assert items == [("N1", "菌落总数"), ("N1", "蛋白质"), ("N2", "蛋白质")]  # the notice's own N1 item is gone
    before = fingerprint(changsha)
    code, out = run([notice, "--table", "inspections", "--data-dir", changsha, "--failures-only", *defaults], capsys)
    assert code == 0 and "0 valid rows" in out and "1 batches are already in the data" in out, out
    assert fingerprint(changsha) == before
    # a full file's batch that is rejected (no date) replaces nothing: the notice's N3 stays
    notice.write_text(notice.read_text(encoding="utf-8").replace("N1,", "N3,"), encoding="utf-8")
    code, out = run([notice, "--table", "inspections", "--data-dir", changsha, "--failures-only", *defaults], capsys)
    assert code == 0 and "1 valid rows, 1 test items" in out, out
    export.write_text(
        "抽样编号,报告分类,抽样日期,被抽样单位名称,被抽样单位所在县,食品大类,检验项目,检验结果,判定依据,结果判定\n"
        "N3,一般不合格报告,不详,【示例】甲店,芙蓉区,乳制品,菌落总数,5.2×10⁵,≤1×10⁵,不合格\n"
        "N4,合格报告,2025-06-03,【示例】乙店,岳麓区,乳制品,蛋白质,3.0,≥2.9,合格\n",
        encoding="utf-8",
    )
    code, out = run([export, "--table", "inspections", "--data-dir", changsha, "--accept-valid", *defaults], capsys)
    assert code == 0 and "1 valid rows, 1 test items, 1 rejected" in out and "replace" not in out, out
    rows = (
        db.Database(changsha)
        .con.execute(
            "select sample_id, failures_only from inspections where sample_id in ('N3', 'N4') order by sample_id"
        )
        .fetchall()
    )
    assert rows == [("N3", True), ("N4", None)]


def test_a_city_counting_food_by_the_national_classification(tmp_path, capsys):
    """`qcity.city init 430100 --sectors national-food`: the food sectors are the classification's 大类 (and the
    亚类 of 食用农产品), the other domains keep the catalogue's; the export's samples count under them by name."""
    from qcity.intake import categories

    out = tmp_path / "changsha"
    assert city.main(["init", "430100", "--out", str(out), "--sectors", "national-food"]) == 0
    sectors = pd.read_csv(out / "sectors.csv").set_index("sector_code")
    reference = categories.reference()
    assert len(sectors[sectors.domain.isin(["food", "agri"])]) == len(reference[reference.code != ""]) == 40
    assert sectors.loc["nf-dairy", "name_zh"] == "乳制品"
    assert sectors.loc["nf-agri-vegetables", "name_en"] == "Vegetables"
    assert "mfg-electrical" in sectors.index and "food-dairy" not in sectors.index
    code, text = run(
        [
            write_export(tmp_path / "export.xlsx"),
            "--table",
            "inspections",
            "--data-dir",
            out,
            "--sheet",
            "data_1",
            "--accept-valid",
        ],
        capsys,
    )
    assert code == 0, text
    got = dict(db.Database(out).con.execute("select sample_id, sector_code from inspections").fetchall())
    assert got == {
        "S1": "nf-dairy",
        "S2": "nf-condiment",
        "S3": "nf-agri-vegetables",
        "S4": "nf-pastry",
        "S5": "nf-grain",
        "S7": "nf-catering",
        "S9": "nf-grain",
    }


def test_short_names_lead_and_street_names_never_place():
    """Short province and city names count where they lead the text, one after the other; a county's short name
    never does: 芙蓉北路 is a street of 开福区, not 芙蓉区."""
    units = pd.read_csv(ROOT / "data" / "cities" / "changsha" / "districts.csv", dtype=str)
    gazetteer = places.Gazetteer(units, "430100", "city")
    assert gazetteer.place({"address": "湖南长沙芙蓉区五一大道1号"}).code == "430102"
    assert gazetteer.place({"address": "湖南长沙望城县高塘岭"}).code == "430112"  # its name before 2011
    assert gazetteer.place({"address": "长沙市芙蓉北路1号"}).status == "unplaced"
    assert gazetteer.place({"address": "湖南湘潭雨湖区"}).status == "outside"
    assert gazetteer.place({"unit": "长沙芙蓉兴盛便利店"}).status == "unplaced"
    assert gazetteer.place({"address": "南京市鼓楼区中山路1号"}).status == "outside"  # 中山 is no city here
