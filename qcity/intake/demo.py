"""Synthetic demo data: a complete data directory for a real city's districts with made-up figures.

    python -m qcity.demo --city changsha --rows 200000 --seed 7 --out data
    python -m qcity.demo --city-dir data/zhuzhou --out data/zhuzhou-demo    # any city set up by qcity.city init
    python -m qcity.demo --as-of 2026-09-30 --out data/ytd                  # a year in progress: data stop there

Calibrated to the public reference values in DESIGN.md §3 (food ~97% with catering lowest, manufacturing
~94-95%, agricultural products ~97.5-98%, drugs ~99%, slow improvement 2016-2025) so that charts look like a
real programme's, but every figure and enterprise is invented, and city.json says `"synthetic": true` so the
app labels it everywhere. Its last nine months hold three planted problems for the early warnings to find (see
PLANT_MONTHS). Deterministic for a seed; generates inspections one year at a time so ten million rows fit in a few
hundred MB.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from qcity.analysis import indicators
from qcity.progress import Progress, Terminal, silent
from qcity.store import rollups, schema

CITIES_DIR = Path(__file__).resolve().parents[2] / "data" / "cities"
FIRST_YEAR = 2016
DEFAULT_AS_OF = date(2025, 12, 31)  # the default demo: ten whole years
FIRST_SESSION_YEAR = 2016
UNKNOWN_POPULATION_10K = 50.0  # sizes the synthetic figures of a unit whose population the city folder lacks

# code, name_zh, name_en, domain, sampling weight within domain, pass rate in 2025, short name for firm names
SECTORS = [
    ("mfg-electrical", "电工电器", "Electrical products", "manufacturing", 1.2, 0.928, "电器"),
    ("mfg-building", "建筑材料", "Building materials", "manufacturing", 1.0, 0.952, "建材"),
    ("mfg-chemical", "化工产品", "Chemical products", "manufacturing", 0.8, 0.958, "化工"),
    ("mfg-textile", "纺织服装", "Textiles and apparel", "manufacturing", 1.0, 0.940, "服饰"),
    ("mfg-children", "儿童用品", "Children's products", "manufacturing", 0.7, 0.930, "童用品"),
    ("mfg-machinery", "机械设备", "Machinery", "manufacturing", 0.8, 0.965, "机械"),
    ("mfg-auto-parts", "汽车配件", "Auto parts", "manufacturing", 0.6, 0.960, "汽配"),
    ("mfg-daily", "日用消费品", "Daily consumer goods", "manufacturing", 1.0, 0.950, "日化"),
    ("food-catering", "餐饮食品", "Catering food", "food", 1.6, 0.930, "餐饮"),
    ("food-dairy", "乳制品", "Dairy products", "food", 0.6, 0.9995, "乳业"),
    ("food-meat", "肉制品", "Meat products", "food", 0.9, 0.988, "肉食品"),
    ("food-grain", "粮食加工品", "Grain products", "food", 1.0, 0.991, "粮食"),
    ("food-oil", "食用油", "Edible oils", "food", 0.6, 0.986, "油脂"),
    ("food-beverage", "饮料", "Beverages", "food", 0.8, 0.980, "饮品"),
    ("food-pastry", "糕点", "Pastries", "food", 0.8, 0.968, "食品"),
    ("food-condiment", "调味品", "Condiments", "food", 0.7, 0.983, "调味品"),
    ("food-vegetable-products", "蔬菜制品", "Vegetable products", "food", 0.6, 0.970, "农产品"),
    ("food-liquor", "酒类", "Alcoholic drinks", "food", 0.6, 0.986, "酒业"),
    ("agri-vegetables", "蔬菜", "Vegetables", "agri", 2.0, 0.976, "蔬菜基地"),
    ("agri-fruit", "水果", "Fruit", "agri", 1.0, 0.988, "果业"),
    ("agri-livestock", "畜禽肉", "Livestock and poultry meat", "agri", 1.2, 0.985, "牧业"),
    ("agri-aquatic", "水产品", "Aquatic products", "agri", 0.8, 0.968, "水产"),
    ("agri-eggs", "鲜蛋", "Eggs", "agri", 0.5, 0.993, "禽蛋"),
    ("drug-chemical", "化学药品", "Chemical drugs", "drugs", 1.5, 0.995, "药业"),
    ("drug-tcm", "中药", "Traditional Chinese medicine", "drugs", 1.2, 0.986, "中药"),
    ("drug-biological", "生物制品", "Biological products", "drugs", 0.3, 0.999, "生物"),
    ("drug-devices", "医疗器械", "Medical devices", "drugs", 0.8, 0.989, "医疗器械"),
    ("construction", "建设工程", "Construction", "construction", 0.0, None, "建工"),
    ("special-equipment", "特种设备", "Special equipment", "special_equipment", 0.0, None, "电梯"),
    ("svc-retail", "商贸零售", "Retail", "services", 0.0, None, "商贸"),
    ("svc-logistics", "物流仓储", "Logistics", "services", 0.0, None, "物流"),
]
DOMAIN_SHARE = {"food": 0.52, "agri": 0.22, "manufacturing": 0.18, "drugs": 0.08}
TREND_PER_YEAR = {"food": 0.03, "agri": 0.03, "manufacturing": 0.04, "drugs": 0.03}  # logit units
# Sampling is heavier before Spring Festival, in Quality Month (September) and before National Day.
MONTH_WEIGHTS = np.array([1.2, 0.6, 0.9, 1.0, 1.0, 1.05, 1.0, 1.0, 1.25, 1.1, 1.0, 0.95])
SUMMER_RISK = {"food-catering": -0.35, "agri-aquatic": -0.25, "food-pastry": -0.15}  # logit shift, Jun-Sep
# Problems planted in the last nine months of data (from PLANT_MONTHS before the as-of month), for the early-warning
# page to find (tests/test_attention.py): the largest meat-products cell of a district falls from about 99% to 93%
# (logit shift); three firms fail again and again and are sampled three times as often (follow-up sampling); and a
# pesticide, thiamethoxam (噻虫胺), turns up in vegetables, which fail more often. Each draws on its own random
# stream.
PLANT_MONTHS = 8
PLANTED_DECLINE = ("food-meat", -2.0)
PLANTED_FIRMS = (3, -3.0, 3.0)  # firms, logit shift, sampling share multiplier
PLANTED_RESIDUE = ("agri-vegetables", "噻虫胺", -0.6, 0.6)  # sector, item, logit shift, share of its failures
FAILED_ITEMS = {  # failure reasons and their weights per domain; catering is mostly microbial
    "food": {
        "microbial": 0.34,
        "additive": 0.22,
        "pesticide_residue": 0.08,
        "labelling": 0.12,
        "heavy_metal": 0.08,
        "content": 0.16,
    },
    "agri": {"pesticide_residue": 0.55, "vet_drug_residue": 0.30, "heavy_metal": 0.15},
    "manufacturing": {"performance": 0.42, "labelling": 0.22, "electrical_safety": 0.22, "hazardous_substance": 0.14},
    "drugs": {"content": 0.45, "microbial": 0.15, "labelling": 0.25, "heavy_metal": 0.15},
}
# Failed test items as sampling results write them, per domain and failure category, most frequent first (the
# names of the shipped test-item dictionary, data/reference/test_items.csv). Some samples fail on several.
TEST_ITEMS = {
    "food": {
        "microbial": ["菌落总数", "大肠菌群", "霉菌", "沙门氏菌", "金黄色葡萄球菌"],
        "additive": [
            "二氧化硫残留量",
            "苯甲酸及其钠盐(以苯甲酸计)",
            "脱氢乙酸及其钠盐(以脱氢乙酸计)",
            "甜蜜素(以环己基氨基磺酸计)",
            "铝的残留量(干样品,以Al计)",
            "山梨酸及其钾盐(以山梨酸计)",
        ],
        "pesticide_residue": ["毒死蜱", "腐霉利", "克百威"],
        "labelling": ["标签"],
        "heavy_metal": ["铅(以Pb计)", "镉(以Cd计)", "总砷(以As计)"],
        "content": ["酸价(以脂肪计)", "过氧化值(以脂肪计)", "蛋白质", "酒精度", "氨基酸态氮(以氮计)"],
    },
    "agri": {
        "pesticide_residue": ["毒死蜱", "克百威", "氧乐果", "噻虫胺", "腐霉利", "甲拌磷", "啶虫脒"],
        "vet_drug_residue": ["恩诺沙星", "氧氟沙星", "呋喃唑酮代谢物", "孔雀石绿", "磺胺类(总量)", "地塞米松"],
        "heavy_metal": ["镉(以Cd计)", "铅(以Pb计)", "总汞(以Hg计)"],
    },
    "manufacturing": {
        "performance": ["拉伸强度", "断裂伸长率", "耐磨性能", "色牢度", "能效等级"],
        "labelling": ["标志和说明", "标签", "使用说明"],
        "electrical_safety": ["输入功率和电流", "对触及带电部件的防护", "发热", "接地措施", "泄漏电流和电气强度"],
        "hazardous_substance": ["甲醛含量", "邻苯二甲酸酯", "可迁移元素"],
    },
    "drugs": {
        "content": ["含量测定", "有关物质", "溶出度"],
        "microbial": ["微生物限度"],
        "labelling": ["说明书", "标签"],
        "heavy_metal": ["重金属", "铅(以Pb计)"],
    },
}
MORE_ITEMS = (0.22, 0.06)  # chance of a second, and then a third, failed item of the same category
PRODUCTS = {  # product categories sampled in each sector
    "mfg-electrical": ["电线电缆", "插头插座"],
    "mfg-building": ["防水卷材", "建筑涂料"],
    "mfg-chemical": ["化肥", "车用尿素"],
    "mfg-textile": ["服装", "床上用品"],
    "mfg-children": ["童车", "玩具"],
    "mfg-machinery": ["电动工具", "泵"],
    "mfg-auto-parts": ["制动软管", "轮胎"],
    "mfg-daily": ["洗涤用品", "电热水壶"],
    "food-catering": ["复用餐饮具", "自制凉菜"],
    "food-dairy": ["巴氏杀菌乳", "酸奶"],
    "food-meat": ["熟肉制品", "腌腊肉制品"],
    "food-grain": ["大米", "挂面"],
    "food-oil": ["菜籽油", "花生油"],
    "food-beverage": ["瓶装饮用水", "果汁饮料"],
    "food-pastry": ["月饼", "蛋糕"],
    "food-condiment": ["酱油", "食醋"],
    "food-vegetable-products": ["酱腌菜", "干制蔬菜"],
    "food-liquor": ["白酒", "啤酒"],
    "agri-vegetables": ["豇豆", "芹菜"],
    "agri-fruit": ["柑橘", "葡萄"],
    "agri-livestock": ["猪肉", "鸡肉"],
    "agri-aquatic": ["草鱼", "小龙虾"],
    "agri-eggs": ["鸡蛋", "鸭蛋"],
    "drug-chemical": ["片剂", "胶囊"],
    "drug-tcm": ["中药饮片", "中成药"],
    "drug-biological": ["疫苗", "血液制品"],
    "drug-devices": ["一次性使用输液器", "医用口罩"],
}
SYLLABLES_A = list("岚禾澜沐溪朔芃翎棠珩玥霁昀屿栎芊麓湘潇衡楚蓁筠")
SYLLABLES_B = list("川原峰桥田谷源泽林岩洲岭苑庭舟野塘湾园坊居堂泉")
EVENTS = [  # two national policy milestones and the 2022 Quality Month launch named in DESIGN.md
    ("2017-09-05", "《关于开展质量提升行动的指导意见》发布", "National guideline on quality improvement issued"),
    ("2022-09-14", "质量月启动，推出一站式质量诊断服务", "Quality Month launch; one-stop quality diagnosis service"),
    ("2023-02-06", "《质量强国建设纲要》印发", "Outline for building a quality powerhouse issued"),
]
TARGETS = {  # indicator: (2016 target, 2025 target), linear in between and on; demo values, not the city's plan
    "mfg_pass_rate": (93.0, 94.0),
    "food_pass_rate": (97.0, 98.0),
    "agri_pass_rate": (97.0, 98.0),
    "drug_pass_rate": (98.5, 99.0),
    "se_deaths_per_10k": (0.10, 0.08),
    "construction_acceptance_rate": (98.5, 99.0),
}


def logit(p):
    return np.log(p / (1 - p))


class DemoCity:
    """Everything needed to draw a year of samples; fixed by the city and the seed."""

    def __init__(self, city: str | Path, rows: int, seed: int, as_of: date = DEFAULT_AS_OF):
        """`city`: a folder name under data/cities, or the path of a folder set up by `python -m qcity.city init`.
        `as_of`: the last day of data; dated records stop there, and tables kept by year end with the last whole
        year (a year's brands or patents are published after it ends)."""
        self.as_of = as_of
        self.years = range(FIRST_YEAR, as_of.year + 1)
        self.whole_years = range(FIRST_YEAR, as_of.year + 1 if (as_of.month, as_of.day) == (12, 31) else as_of.year)
        self.ref = CITIES_DIR / city  # an absolute path stays as it is
        if not (self.ref / "city.json").exists():
            known = ", ".join(sorted(p.name for p in CITIES_DIR.iterdir() if (p / "city.json").exists()))
            raise SystemExit(f"unknown city '{city}': no {self.ref / 'city.json'} (known: {known})")
        self.city = json.loads((self.ref / "city.json").read_text(encoding="utf-8"))
        self.given_districts = pd.read_csv(self.ref / "districts.csv", dtype={"district_code": str})
        known = self.given_districts.population_10k  # written back as given: an unknown population stays empty
        self.districts = self.given_districts.assign(
            population_10k=known.fillna(known.median()).fillna(UNKNOWN_POPULATION_10K)
        )
        self.sectors = pd.DataFrame(
            SECTORS, columns=["sector_code", "name_zh", "name_en", "domain", "weight", "pass_2025", "short"]
        )
        self.rows, self.seed = rows, seed
        rng = self.rng("setup")
        nd = len(self.districts)
        self.district_effect = rng.normal(0, 0.12, nd)
        sampled = self.sectors[self.sectors.weight > 0].reset_index(drop=True)
        self.sampled = sampled
        within_domain = sampled.weight / sampled.groupby("domain").weight.transform("sum")
        domain_weight = sampled.domain.map(DOMAIN_SHARE) * within_domain
        pop = self.districts.population_10k.to_numpy()
        cell = np.outer(pop**0.9 * rng.lognormal(0, 0.2, nd), domain_weight.to_numpy())
        cell *= rng.lognormal(0, 0.35, cell.shape)
        cell *= np.where(rng.random(cell.shape) < 0.06, 0.004, 1.0)  # a few district-sector cells barely sampled
        self.cell_weight = (cell / cell.sum()).ravel()
        self.enterprises = self._enterprises(rng)
        self.diagnosis = self._diagnosis(self.rng("diagnosis"))
        self.served_from = self._served_from()
        self.planted = self._planted()

    def _planted(self) -> dict:
        """Where the planted problems are: the start date, the declining cell, the firms and their cells."""
        ns = len(self.sampled)
        sector_index = {code: i for i, code in enumerate(self.sampled.sector_code)}
        meat = sector_index[PLANTED_DECLINE[0]]
        district = int(np.argmax(self.cell_weight.reshape(-1, ns)[:, meat]))
        cells = np.argsort(-self.cell_weight, kind="stable")[: PLANTED_FIRMS[0]]  # the busiest cells' first firms
        return {
            "from": np.datetime64(date(self.as_of.year, max(1, self.as_of.month - PLANT_MONTHS), 1)),
            "decline": (district, meat),
            "firm_cells": cells,
            "firms": self.cell_start[cells],
            "residue": sector_index[PLANTED_RESIDUE[0]],
        }

    def planted_problems(self) -> dict:
        """The planted problems by code, as the early-warning page should name them."""
        district, sector = self.planted["decline"]
        return {
            "from": str(self.planted["from"]),
            "decline": (self.districts.district_code.iloc[district], self.sampled.sector_code.iloc[sector]),
            "firms": self.enterprises.enterprise_id.to_numpy()[self.planted["firms"]].tolist(),
            "residue": (self.sampled.domain.iloc[self.planted["residue"]], PLANTED_RESIDUE[1]),
        }

    def rng(self, part: str, year: int = 0) -> np.random.Generator:
        return np.random.default_rng([self.seed, sum(map(ord, part)), year])

    def _enterprises(self, rng) -> pd.DataFrame:
        """Firms per district and sector, sorted by cell so a sample can pick one by index."""
        nd, ns = len(self.districts), len(self.sampled)
        total = int(np.clip(self.rows // 40, 2000, 80000))
        per_cell = np.maximum(1, np.round(self.cell_weight * total)).astype(int)
        self.cell_start = np.concatenate([[0], np.cumsum(per_cell)[:-1]])
        self.cell_count = per_cell
        district = np.repeat(np.repeat(np.arange(nd), ns), per_cell)
        sector = np.repeat(np.tile(np.arange(ns), nd), per_cell)
        frame = pd.DataFrame(
            {
                "district_code": self.districts.district_code.to_numpy()[district],
                "sector_code": self.sampled.sector_code.to_numpy()[sector],
            }
        )
        others = self.sectors[self.sectors.weight == 0].sector_code.to_numpy()  # firms that are never sampled
        extra = max(200, total // 20)
        frame = pd.concat(
            [
                frame,
                pd.DataFrame(
                    {
                        "district_code": rng.choice(
                            self.districts.district_code.to_numpy(),
                            extra,
                            p=self.districts.population_10k / self.districts.population_10k.sum(),
                        ),
                        "sector_code": rng.choice(others, extra),
                    }
                ),
            ],
            ignore_index=True,
        )
        n = len(frame)
        frame.insert(0, "enterprise_id", [f"E{i:06d}" for i in range(1, n + 1)])
        frame["name"] = self._names(frame.sector_code, rng)
        frame["size"] = rng.choice(schema.ENTERPRISE_SIZES, n, p=[0.05, 0.15, 0.4, 0.4])
        self.enterprise_effect = rng.normal(0, 0.35, n)
        return frame[list(schema.TABLES["enterprises"].column_names)]

    def _names(self, sector_codes: pd.Series, rng) -> list[str]:
        """Invented firm names, marked 【示例】 so nobody takes them for real companies."""
        short = dict(zip(self.sectors.sector_code, self.sectors.short))
        combos = [a + b for a in SYLLABLES_A for b in SYLLABLES_B]
        names = [""] * len(sector_codes)
        for code, idx in sector_codes.groupby(sector_codes).groups.items():
            picks = rng.permutation(len(combos))
            for i, row in enumerate(idx):
                serial = "" if i < len(combos) else f"{i // len(combos) + 1}"
                names[row] = f"【示例】{combos[picks[i % len(combos)]]}{short[code]}{serial}有限公司"
        return names

    def _diagnosis(self, rng) -> pd.DataFrame:
        """Service visits from Quality Month 2022 on, going more often to firms with weaker results."""
        sampled = np.flatnonzero(self.enterprises.sector_code.isin(self.sampled.sector_code))
        weight = np.exp(-1.5 * self.enterprise_effect[sampled])
        rows = []
        later = ((year, 700 + 20 * (year - 2025)) for year in self.years if year > 2025)
        for year, count in ((2022, 180), (2023, 520), (2024, 640), (2025, 700), *later):
            start = np.datetime64(f"{year}-09-14" if year == 2022 else f"{year}-01-01")
            days = (np.datetime64(f"{year + 1}-01-01") - start).astype(int)
            firms = rng.choice(sampled, count, replace=False, p=weight / weight.sum())
            found = rng.poisson(4, count) + 1
            rows.append(
                pd.DataFrame(
                    {
                        "date": start + rng.integers(0, days, count).astype("timedelta64[D]"),
                        "enterprise_id": self.enterprises.enterprise_id.to_numpy()[firms],
                        "problems_found": found,
                        "problems_solved": rng.binomial(found, 0.82),
                        "satisfaction": rng.choice([3, 4, 5], count, p=[0.1, 0.35, 0.55]),
                    }
                )
            )
        frame = pd.concat(rows, ignore_index=True).sort_values("date", kind="stable")
        frame = frame[frame.date <= np.datetime64(self.as_of)].reset_index(drop=True)
        frame.insert(0, "service_id", [f"DX{i:06d}" for i in range(1, len(frame) + 1)])
        frame["date"] = frame.date.astype("datetime64[s]").dt.date
        return frame

    def _served_from(self) -> np.ndarray:
        """Per enterprise, the first diagnosis visit (far future when never served)."""
        first = self.diagnosis.groupby("enterprise_id").date.min()
        served = np.full(len(self.enterprises), np.datetime64("2100-01-01"), dtype="datetime64[D]")
        index = pd.Index(self.enterprises.enterprise_id).get_indexer(first.index)
        served[index] = np.array(first.to_numpy(), dtype="datetime64[D]")
        return served

    def inspections_for_year(self, year: int, count: int) -> pa.Table:
        """One year of sampled batches, sorted by date. The draws come in a fixed order from the year's two random
        streams, so that a seed gives the same city every time."""
        rng, plant = self.rng("inspections", year), self.rng("planted", year)
        district, sector, month, date, firm = self._batches(year, count, rng, plant)
        late = date >= self.planted["from"]
        vegetables = sector == self.planted["residue"]
        passed = self._verdicts(year, rng, district, sector, month, date, firm, vegetables, late)
        sample_domain = self.sampled.domain.to_numpy()[sector]
        kind = np.where(rng.random(count) < 0.15, 1, 0)  # supervision, some risk monitoring
        agri = sample_domain == "agri"
        kind[agri] = np.where(rng.random(agri.sum()) < 0.8, 2, 0)  # agricultural products: routine monitoring
        failed = self._failure_categories(rng, passed, sector, sample_domain)
        residue = late & ~passed & vegetables & (plant.random(count) < PLANTED_RESIDUE[3])
        failed[residue] = schema.FAILED_ITEMS.index("pesticide_residue")
        products = [p for code in self.sampled.sector_code for p in PRODUCTS[code]]
        per_sector = np.array([len(PRODUCTS[code]) for code in self.sampled.sector_code])
        product = (np.cumsum(per_sector) - per_sector)[sector] + (rng.random(count) * per_sector[sector]).astype(int)

        order = np.argsort(date, kind="stable")

        def codes(indices, dictionary):
            return pa.DictionaryArray.from_arrays(pa.array(indices[order], pa.int32()), pa.array(dictionary))

        failed = failed[order]
        items = self._failed_items(failed, sample_domain[order], year)
        for row in np.flatnonzero(residue[order]):
            items[row] = PLANTED_RESIDUE[1]
        return pa.table(
            {
                "sample_id": pa.array([f"DEMO{year}{i:08d}" for i in range(1, count + 1)]),
                "sample_date": pa.array(date[order]),
                "district_code": codes(district, self.districts.district_code.tolist()),
                "sector_code": codes(sector, self.sampled.sector_code.tolist()),
                "product": codes(product, products),
                "enterprise_id": pa.array(self.enterprises.enterprise_id.to_numpy()[firm[order]]),
                "level": codes(rng.choice(3, count, p=[0.1, 0.3, 0.6]), list(schema.LEVELS)),
                "kind": codes(kind, list(schema.INSPECTION_KINDS)),
                "passed": pa.array(passed[order]),
                "failed_item": pa.DictionaryArray.from_arrays(
                    pa.array(np.where(failed < 0, 0, failed), pa.int32(), mask=failed < 0),
                    pa.array(schema.FAILED_ITEMS),
                ),
                "failed_items": pa.array(items, pa.string()),
            }
        )

    def _batches(self, year: int, count: int, rng, plant) -> tuple[np.ndarray, ...]:
        """Where, when and whom each batch was sampled: district, sector, month, date and enterprise (the planted
        repeat offenders followed up in the last months)."""
        ns = len(self.sampled)
        cell = rng.choice(len(self.cell_weight), count, p=self.cell_weight)
        district, sector = cell // ns, cell % ns
        month = rng.choice(12, count, p=MONTH_WEIGHTS / MONTH_WEIGHTS.sum())
        first = np.datetime64(f"{year}-01") + month.astype("timedelta64[M]")
        days = ((first + np.timedelta64(1, "M")).astype("datetime64[D]") - first.astype("datetime64[D]")).astype(int)
        date = first.astype("datetime64[D]") + (rng.random(count) * days).astype("timedelta64[D]")
        firm = self.cell_start[cell] + (rng.random(count) * self.cell_count[cell]).astype(int)
        late = date >= self.planted["from"]
        for planted_cell, planted_firm in zip(self.planted["firm_cells"], self.planted["firms"]):
            followed = (
                late
                & (cell == planted_cell)
                & (plant.random(count) < (PLANTED_FIRMS[2] - 1) / self.cell_count[planted_cell])
            )
            firm[followed] = planted_firm
        return district, sector, month, date, firm

    def _verdicts(self, year, rng, district, sector, month, date, firm, vegetables, late) -> np.ndarray:
        """Whether each batch passed: the sector's calibrated rate for the year, the district's and the firm's
        effects, summer risk, a diagnosis visit's help, and the planted problems of the last months."""
        domain = self.sampled.domain.to_numpy()
        trend = np.array([TREND_PER_YEAR[d] for d in domain]) * (2025 - year)
        sector_logit = logit(self.sampled.pass_2025.to_numpy()) - trend + rng.normal(0, 0.05, len(self.sampled))
        summer = np.array([SUMMER_RISK.get(c, 0.0) for c in self.sampled.sector_code])
        score = (
            sector_logit[sector]
            + self.district_effect[district]
            + self.enterprise_effect[firm]
            + np.where((month >= 5) & (month <= 8), summer[sector], 0.0)
            + np.where(date >= self.served_from[firm], 0.25, 0.0)
        )
        declining = (district == self.planted["decline"][0]) & (sector == self.planted["decline"][1])
        score += late * (
            declining * PLANTED_DECLINE[1]
            + np.isin(firm, self.planted["firms"]) * PLANTED_FIRMS[1]
            + vegetables * PLANTED_RESIDUE[2]
        )
        return rng.random(len(score)) < 1 / (1 + np.exp(-score))

    def _failure_categories(self, rng, passed, sector, sample_domain) -> np.ndarray:
        """Each failed batch's failure category, drawn by domain (catering: microbial half the time); -1 if passed."""
        failed = np.full(len(passed), -1)
        for name, reasons in FAILED_ITEMS.items():
            mask = (~passed) & (sample_domain == name)
            codes = [schema.FAILED_ITEMS.index(r) for r in reasons]
            weights = np.array(list(reasons.values()))
            failed[mask] = rng.choice(codes, mask.sum(), p=weights / weights.sum())
        catering = (~passed) & (self.sampled.sector_code.to_numpy()[sector] == "food-catering")
        failed[catering & (rng.random(len(passed)) < 0.5)] = schema.FAILED_ITEMS.index("microbial")
        return failed

    def _failed_items(self, failed: np.ndarray, domains: np.ndarray, year: int) -> list[str | None]:
        """The failed items as a result file writes them (joined by 、), drawn for each failed sample from its
        domain and category's items, the first ones more often, without repeats (top-k of Gumbel-perturbed log
        weights); its own random stream, so the rest of the data is unchanged."""
        rng = self.rng("failed_items", year)
        texts = np.full(len(failed), None, dtype=object)
        for domain, by_category in TEST_ITEMS.items():
            for category, names in by_category.items():
                rows = np.flatnonzero((failed == schema.FAILED_ITEMS.index(category)) & (domains == domain))
                if not len(rows):
                    continue
                second = rng.random(len(rows)) < MORE_ITEMS[0]
                count = np.minimum(1 + second + (second & (rng.random(len(rows)) < MORE_ITEMS[1])), len(names))
                keys = -np.log(np.arange(1, len(names) + 1)) + rng.gumbel(size=(len(rows), len(names)))
                picked = np.argsort(-keys, axis=1)
                texts[rows] = ["、".join(names[j] for j in sorted(picked[i, :n])) for i, n in enumerate(count)]
        return texts.tolist()

    def yearly_counts(self) -> dict[int, int]:
        """Sampling grows about 6% a year; the counts of whole years add up to exactly `rows` (a year in progress
        is drawn whole and cut at the as-of date, so that its months keep their seasonal weights)."""
        growth = 1.06 ** np.arange(len(self.years))
        counts = np.floor(self.rows * growth / growth.sum()).astype(int)
        counts[-1] += self.rows - counts.sum()
        return dict(zip(self.years, counts.tolist()))

    def inspections_until_as_of(self, year: int, count: int) -> pa.Table:
        """A year of samples, without those after the as-of date."""
        table = self.inspections_for_year(year, count)
        return table if year < self.as_of.year else table.filter(pc.less_equal(table["sample_date"], self.as_of))

    def awards(self) -> pd.DataFrame:
        """Mayor Quality Award: tens of applicants a year, a few winners."""
        rng = self.rng("awards")
        big = self.enterprises[self.enterprises["size"].isin(["large", "medium"])].enterprise_id.to_numpy()
        rows = []
        for year in self.whole_years:
            n = int(rng.integers(30, 61))
            firms = rng.choice(big, n, replace=False)
            stage = np.zeros(n, int)
            for level, p in ((1, 0.6), (2, 0.55), (3, 0.6)):
                stage[(stage == level - 1) & (rng.random(n) < p)] = level
            score = np.where(stage > 0, rng.normal(560, 60, n) + 70 * stage, np.nan).clip(0, 1000).round(1)
            at_committee = np.flatnonzero(stage == 3)
            winners = at_committee[np.argsort(-score[at_committee])][: int(rng.integers(2, 9))]
            stage[at_committee] = 4
            stage[winners] = 5
            prize = np.select([stage == 5, stage == 4], [rng.choice([50.0, 100.0], n), 10.0], np.nan)
            rows.append(
                pd.DataFrame(
                    {
                        "year": year,
                        "session": year - FIRST_SESSION_YEAR + 1,
                        "enterprise_id": firms,
                        "stage": np.array(schema.AWARD_STAGES)[stage],
                        "score": score,
                        "prize_10k_yuan": prize,
                    }
                )
            )
        return pd.concat(rows, ignore_index=True)

    def standards(self) -> pd.DataFrame:
        rng = self.rng("standards")
        firms = self.enterprises[self.enterprises["size"] != "micro"]
        names = dict(zip(self.sectors.sector_code, self.sectors.name_zh))
        prefix = {"international": "ISO", "national": "GB/T", "industry": "HY/T", "local": "DB43/T", "group": "T/CS"}
        counts = {
            "international": (0, 2),
            "national": (3, 10),
            "industry": (5, 15),
            "local": (10, 30),
            "group": (15, 40),
        }
        rows = []
        for year in self.whole_years:
            for level, (lo, hi) in counts.items():
                n = int(rng.integers(lo, hi + 1 + (year - 2016) // 3))
                picked = firms.sample(n, random_state=rng)
                topics = rng.choice(["技术规范", "检验方法", "质量要求", "服务规范", "评价指南"], n)
                rows += [
                    {
                        "standard_code": f"示例-{prefix[level]} {year}-{i + 1:03d}",
                        "title": f"【示例】{names[s]}{t}",
                        "level": level,
                        "role": rng.choice(schema.STANDARD_ROLES),
                        "year": year,
                        "enterprise_id": e,
                    }
                    for i, (e, s, t) in enumerate(zip(picked.enterprise_id, picked.sector_code, topics))
                ]
        return pd.DataFrame(rows)

    def brands(self) -> pd.DataFrame:
        rng = self.rng("brands")
        rows = []
        for year in self.whole_years:
            n = int(rng.integers(40, 91))
            rows.append(
                pd.DataFrame(
                    {
                        "year": year,
                        "enterprise_id": rng.choice(self.enterprises.enterprise_id, n),
                        "kind": rng.choice(schema.BRAND_KINDS, n, p=[0.15, 0.15, 0.15, 0.55]),
                    }
                )
            )
        return pd.concat(rows, ignore_index=True).drop_duplicates(["year", "enterprise_id", "kind"])

    def enforcement(self) -> pd.DataFrame:
        rng = self.rng("enforcement")
        pop = self.districts.population_10k / self.districts.population_10k.sum()
        rows = []
        for i, year in enumerate(self.years):
            n = int(rng.integers(300, 450) * 1.05**i)
            value = rng.lognormal(9.2, 1.4, n).round(0)
            recent = year == self.years[-1]  # the last year's cases are still open more often
            status = rng.choice(schema.CASE_STATUSES, n, p=[0.35, 0.6, 0.05] if recent else [0.03, 0.92, 0.05])
            rows.append(
                pd.DataFrame(
                    {
                        "case_id": [f"DEMO-AJ-{year}-{k:05d}" for k in range(1, n + 1)],
                        "opened": np.datetime64(f"{year}-01-01") + rng.integers(0, 365, n).astype("timedelta64[D]"),
                        "district_code": rng.choice(self.districts.district_code, n, p=pop),
                        "sector_code": rng.choice(self.sectors.sector_code, n),
                        "violation": rng.choice(schema.VIOLATIONS, n, p=[0.25, 0.15, 0.3, 0.15, 0.15]),
                        "goods_value_yuan": value,
                        "fine_yuan": (value * rng.uniform(0.5, 3, n) + 2000).round(0),
                        "status": status,
                    }
                )
            )
        frame = pd.concat(rows, ignore_index=True)
        frame = frame[frame.opened <= np.datetime64(self.as_of)].reset_index(drop=True)
        frame["opened"] = frame.opened.astype("datetime64[s]").dt.date
        known = rng.random(len(frame)) < 0.6  # cases against a registered enterprise; the rest are street vendors
        firms = self.enterprises.iloc[rng.integers(0, len(self.enterprises), known.sum())]
        frame["enterprise_id"] = None
        frame.loc[known, ["enterprise_id", "district_code", "sector_code"]] = firms[
            ["enterprise_id", "district_code", "sector_code"]
        ].to_numpy()
        return frame

    def special_equipment(self) -> pd.DataFrame:
        """Units grow ~8% a year; deaths fall from ~0.10 to ~0.05 per 10,000 units."""
        rng = self.rng("special_equipment")
        per_10k_people = {
            "elevator": 100,
            "boiler": 2,
            "pressure_vessel": 30,
            "pressure_pipe": 5,
            "lifting_machinery": 15,
            "field_vehicle": 20,
            "amusement_ride": 0.5,
        }
        rows = []
        for i, year in enumerate(self.whole_years):
            rate = 0.10 - 0.005 * i
            for d in self.districts.itertuples():
                for equipment, density in per_10k_people.items():
                    units = int(d.population_10k * density * 1.08**i * rng.uniform(0.8, 1.2))
                    deaths = int(rng.poisson(units * rate / 10000))
                    accidents = deaths + int(rng.poisson(units * 0.1 / 10000))
                    rows.append((year, d.district_code, equipment, units, accidents, deaths))
        return pd.DataFrame(rows, columns=list(schema.TABLES["special_equipment"].column_names))

    def construction(self) -> pd.DataFrame:
        rng = self.rng("construction")
        rows = []
        for i, year in enumerate(self.whole_years):
            for d in self.districts.itertuples():
                completed = int(d.population_10k * 3 * 1.04**i * rng.uniform(0.8, 1.2))
                accepted = int(rng.binomial(completed, 0.986 + 0.0009 * i))
                rows.append((year, d.district_code, completed, accepted, int(rng.poisson(completed * 0.05))))
        return pd.DataFrame(rows, columns=list(schema.TABLES["construction"].column_names))

    def innovation(self) -> pd.DataFrame:
        rng = self.rng("innovation")
        rows = []
        for i, year in enumerate(self.whole_years):
            for d in self.districts.itertuples():
                density = 30 if d.kind == "district" else 12
                patents = int(d.population_10k * density * 1.14**i * rng.uniform(0.85, 1.15))
                rows.append(
                    (
                        year,
                        d.district_code,
                        patents,
                        int(patents * rng.uniform(0.35, 0.45)),
                        int(d.population_10k * (6 if d.kind == "district" else 3) * 1.1**i),
                    )
                )
        return pd.DataFrame(rows, columns=list(schema.TABLES["innovation"].column_names))

    def targets(self) -> pd.DataFrame:
        """Targets for every year with data, the year in progress too (they are set at its start)."""
        span = 2025 - FIRST_YEAR
        return pd.DataFrame(
            [
                (ind, y, round(a + (b - a) * (y - FIRST_YEAR) / span, 2), None)
                for ind, (a, b) in TARGETS.items()
                for y in self.years
            ],
            columns=list(schema.TABLES["targets"].column_names),
        )

    def write(self, out: Path, progress: Progress = silent) -> int:
        """Write the data directory; returns the inspection rows written. Tells `progress` (in English, as the
        command speaks) the inspections' rows year by year, then the other tables and the rollup."""
        out.mkdir(parents=True, exist_ok=True)
        written = 0
        self.enterprises.to_parquet(out / "enterprises.parquet", index=False)
        counts = self.yearly_counts()
        with pq.ParquetWriter(out / "inspections.parquet", self.inspections_for_year(FIRST_YEAR, 1).schema) as writer:
            for year, count in counts.items():
                progress("Writing inspections", written, self.rows)
                table = self.inspections_until_as_of(year, count)
                writer.write_table(table, row_group_size=256_000)
                written += table.num_rows
        progress("Writing inspections", written, written)
        progress("Writing the other tables", 0, 0)
        self.given_districts.to_csv(out / "districts.csv", index=False)
        self.sectors[list(schema.TABLES["sectors"].column_names)].to_csv(out / "sectors.csv", index=False)
        self.targets().to_csv(out / "targets.csv", index=False)
        events = [e for e in EVENTS if date.fromisoformat(e[0]) <= self.as_of]
        pd.DataFrame(events, columns=["date", "title_zh", "title_en"]).to_csv(out / "events.csv", index=False)
        # the city's own additions to the shipped test-item dictionary: one example, a local short form of an item
        pd.DataFrame(
            [("防腐剂各自用量占其最大使用量比例之和", "additive")],
            columns=list(schema.TABLES["test_items"].column_names),
        ).to_csv(out / "test_items.csv", index=False)
        for name in ("awards", "standards", "brands", "enforcement", "special_equipment", "construction", "innovation"):
            getattr(self, name)().to_parquet(out / f"{name}.parquet", index=False)
        self.diagnosis.to_parquet(out / "diagnosis.parquet", index=False)
        shutil.copyfile(self.ref / self.city["boundaries"], out / self.city["boundaries"])
        config = {
            **self.city,
            "synthetic": True,
            "index_weights": indicators.DEFAULT_INDEX_WEIGHTS,
            "years": [FIRST_YEAR, self.as_of.year],
            "as_of": self.as_of.isoformat(),
            "generator": {"rows": self.rows, "seed": self.seed},
        }
        (out / "city.json").write_text(json.dumps(config, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        progress("Building the rollup", 0, 0)
        rollups.build(out)
        return written


def sector_catalogue() -> pd.DataFrame:
    """The default sectors (code, names, domain) a new city starts with: the demo's, which follow the national
    food-production licence categories, edible agricultural products, the product spot-check categories, drugs and
    devices, construction, special equipment and services."""
    return pd.DataFrame([s[:4] for s in SECTORS], columns=list(schema.TABLES["sectors"].column_names))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m qcity.demo", description=__doc__.splitlines()[0])
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--city", default="changsha", help="a folder under data/cities (default: changsha)")
    which.add_argument("--city-dir", type=Path, help="a folder set up by `python -m qcity.city init CODE --out DIR`")
    parser.add_argument("--rows", type=int, default=200_000, help="inspection rows (default: 200000)")
    parser.add_argument("--seed", type=int, default=7, help="random seed (default: 7)")
    parser.add_argument("--out", type=Path, default=Path("data"), help="data directory to write (default: data)")
    parser.add_argument(
        "--as-of",
        type=date.fromisoformat,
        default=DEFAULT_AS_OF,
        metavar="YYYY-MM-DD",
        help="last day of data, e.g. 2026-09-30 for a year in progress (default: 2025-12-31)",
    )
    args = parser.parse_args(argv)
    if not date(FIRST_YEAR + 1, 1, 1) <= args.as_of <= date(2035, 12, 31):
        parser.error(f"--as-of must fall in {FIRST_YEAR + 1}-2035")
    if args.rows < 1000:
        parser.error("--rows must be at least 1000")
    existing = args.out / "city.json"
    if existing.exists() and not json.loads(existing.read_text(encoding="utf-8")).get("synthetic"):
        print(
            f'{args.out} holds real data (city.json has no "synthetic": true); refusing to overwrite it',
            file=sys.stderr,
        )
        return 1
    start = time.perf_counter()
    city = args.city_dir.resolve() if args.city_dir else args.city
    if args.city_dir and args.city_dir.resolve() == args.out.resolve():
        parser.error("--out must differ from --city-dir: the set-up folder stays for your real files")
    with Terminal() as terminal:
        written = DemoCity(city, args.rows, args.seed, args.as_of).write(args.out, terminal)
    print(
        f"wrote synthetic {args.city_dir or args.city} demo, {written:,} inspection rows, seed {args.seed}, "
        f"as of {args.as_of}, to {args.out} in {time.perf_counter() - start:.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
