"""Regions, supervising departments (主管部门) and budget units (预算单位) of a province.

The province is Jiangsu: the province itself, its 13 prefecture-level cities and their
districts, counties and county-level cities.  A department is a region plus a bureau type
(无锡市教育局); its units are its own office (机关) and the institutions under it, named the
way budgets print them (无锡市教育局机关, 无锡市第一中学, 江阴市疾病预防控制中心).

Codes are synthetic but hierarchical: a six-digit region code (the real ones for the
province and its cities, numbered districts below them), three digits for the bureau and
three for the unit.
"""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass

from jixiao.domain.model import BudgetUnit

PROVINCE, CITY, COUNTY = "p", "c", "x"

#: City → its districts (区) and counties / county-level cities (县, 市).
_CITIES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (
        "南京市",
        "320100",
        (
            "玄武区",
            "秦淮区",
            "建邺区",
            "鼓楼区",
            "浦口区",
            "栖霞区",
            "雨花台区",
            "江宁区",
            "六合区",
            "溧水区",
            "高淳区",
        ),
    ),
    ("无锡市", "320200", ("梁溪区", "锡山区", "惠山区", "滨湖区", "新吴区", "江阴市", "宜兴市")),
    (
        "徐州市",
        "320300",
        (
            "鼓楼区",
            "云龙区",
            "贾汪区",
            "泉山区",
            "铜山区",
            "丰县",
            "沛县",
            "睢宁县",
            "新沂市",
            "邳州市",
        ),
    ),
    ("常州市", "320400", ("天宁区", "钟楼区", "新北区", "武进区", "金坛区", "溧阳市")),
    (
        "苏州市",
        "320500",
        (
            "姑苏区",
            "虎丘区",
            "吴中区",
            "相城区",
            "吴江区",
            "常熟市",
            "张家港市",
            "昆山市",
            "太仓市",
        ),
    ),
    ("南通市", "320600", ("崇川区", "通州区", "海门区", "如东县", "启东市", "如皋市", "海安市")),
    ("连云港市", "320700", ("连云区", "海州区", "赣榆区", "东海县", "灌云县", "灌南县")),
    (
        "淮安市",
        "320800",
        ("淮安区", "淮阴区", "清江浦区", "洪泽区", "涟水县", "盱眙县", "金湖县"),
    ),
    (
        "盐城市",
        "320900",
        ("亭湖区", "盐都区", "大丰区", "响水县", "滨海县", "阜宁县", "射阳县", "建湖县", "东台市"),
    ),
    ("扬州市", "321000", ("广陵区", "邗江区", "江都区", "宝应县", "仪征市", "高邮市")),
    ("镇江市", "321100", ("京口区", "润州区", "丹徒区", "丹阳市", "扬中市", "句容市")),
    ("泰州市", "321200", ("海陵区", "高港区", "姜堰区", "兴化市", "靖江市", "泰兴市")),
    ("宿迁市", "321300", ("宿城区", "宿豫区", "沭阳县", "泗阳县", "泗洪县")),
)


@dataclass(frozen=True, slots=True)
class Region:
    name: str  # as printed before a bureau: 江苏省, 无锡市, 无锡市梁溪区, 江阴市, 丰县
    code: str
    level: str  # PROVINCE, CITY or COUNTY
    city: str  # the prefecture-level city ("" for the province)


def _regions() -> tuple[Region, ...]:
    found = [Region("江苏省", "320000", PROVINCE, "")]
    for city, code, counties in _CITIES:
        found.append(Region(city, code, CITY, city))
        for k, county in enumerate(counties, start=1):
            # Districts are printed with their city (two cities have a 鼓楼区).
            name = city + county if county.endswith("区") else county
            found.append(Region(name, f"{code[:4]}{k:02d}", COUNTY, city))
    return tuple(found)


REGIONS = _regions()


@dataclass(frozen=True, slots=True)
class Bureau:
    """A bureau type; ``names`` by level (province, city, county), None where absent."""

    key: str
    province: str | None
    city: str
    county: str | None
    units: tuple[str, ...]  # sub-units, see _unit_name

    def name(self, level: str) -> str | None:
        return {PROVINCE: self.province, CITY: self.city, COUNTY: self.county}[level]


def _b(
    key: str,
    units: str,
    *,
    province: str | None = "",
    county: str | None = "",
    city: str = "",
) -> Bureau:
    """A bureau named ``key`` at every level but where a level says otherwise (None: absent)."""
    return Bureau(
        key,
        key if province == "" else province,
        city or key,
        key if county == "" else county,
        tuple(units.split()),
    )


# Sub-unit notation: "机关" and names starting with "@" follow the department
# (无锡市教育局机关, 无锡市公安局@交通警察支队 → 无锡市公安局交通警察支队); the others follow the
# region (无锡市 + 第一中学).  A trailing "^" limits the unit to the province and cities, a
# trailing "_" to counties and cities.
BUREAUS: tuple[Bureau, ...] = (
    _b(
        "教育局",
        "机关 教师发展中心 学生资助管理中心 教育考试院^ 电化教育馆 第一中学_ 第二中学_ "
        "第三中学_ 实验小学_ 实验初级中学_ 职业教育中心校_ 特殊教育学校 青少年活动中心",
        province="教育厅",
    ),
    _b(
        "卫生健康委员会",
        "机关 疾病预防控制中心 妇幼保健院 人民医院 第二人民医院_ 中医院 卫生监督所 "
        "急救中心 中心血站^ 精神卫生中心",
    ),
    _b(
        "民政局",
        "机关 社会福利院 救助管理站 殡仪馆 社会组织服务中心 养老服务指导中心 儿童福利院",
        province="民政厅",
    ),
    _b(
        "交通运输局",
        "机关 公路事业发展中心 @综合行政执法支队 港航事业发展中心 城乡公交服务中心",
        province="交通运输厅",
    ),
    _b(
        "生态环境局",
        "机关 环境监测站 @综合行政执法支队 固体废物与化学品管理中心 环境科学研究所^",
        province="生态环境厅",
    ),
    _b(
        "农业农村局",
        "机关 农业技术推广中心 农业机械化技术推广站 动物疫病预防控制中心 "
        "@农业综合行政执法大队 农村经济经营管理站 渔政监督站",
        province="农业农村厅",
    ),
    _b(
        "财政局",
        "机关 财政国库集中收付中心 政府采购中心 财政投资评审中心 财政信息中心",
        province="财政厅",
    ),
    _b(
        "人力资源和社会保障局",
        "机关 公共就业人才服务中心 社会保险基金管理中心 @劳动保障监察支队 "
        "职业技能鉴定中心 技师学院^ 人事考试中心",
        province="人力资源和社会保障厅",
    ),
    _b(
        "住房和城乡建设局",
        "机关 建设工程质量安全监督站 住房保障服务中心 房地产市场管理服务中心 城建档案馆",
        province="住房和城乡建设厅",
    ),
    _b(
        "文化广电和旅游局",
        "机关 图书馆 文化馆 博物馆 美术馆 @文化市场综合行政执法支队 旅游发展服务中心",
        province="文化和旅游厅",
    ),
    _b("司法局", "机关 公共法律服务中心 法律援助中心 社区矫正管理中心", province="司法厅"),
    _b(
        "市场监督管理局",
        "机关 产品质量监督检验所 计量测试所 食品药品检验所 @综合行政执法支队 消费者权益保护中心",
    ),
    _b(
        "水利局",
        "机关 水利工程管理处 河道管理处 防汛防旱服务中心 水利工程建设管理中心 水土保持站",
        province="水利厅",
    ),
    _b(
        "应急管理局",
        "机关 应急救援指挥中心 @综合行政执法支队 安全生产宣传教育中心 应急物资储备中心",
        province="应急管理厅",
    ),
    _b(
        "人大常委会办公室",
        "机关 @信息中心 @代表服务中心 @预算联网监督中心",
        province="人大常委会办公厅",
    ),
    _b("政协办公室", "机关 @信息中心 @委员服务中心 文史研究馆^", province="政协办公厅"),
    _b("审计局", "机关 @信息中心 政府投资审计中心", province="审计厅"),
    _b(
        "公安局",
        "机关 @交通警察支队 看守所 拘留所 出入境管理服务中心 警务保障中心 @特警支队^",
        province="公安厅",
    ),
    _b(
        "自然资源和规划局",
        "机关 不动产登记中心 土地储备中心 测绘地理信息中心 @执法监察支队 国土空间规划研究中心",
        province="自然资源厅",
    ),
    _b("科学技术局", "机关 科技创新服务中心 生产力促进中心 科技情报研究所^", province="科学技术厅"),
    _b("工业和信息化局", "机关 中小企业服务中心 节能监察中心", province="工业和信息化厅"),
    _b("商务局", "机关 商务发展服务中心 投资促进中心 口岸服务中心^", province="商务厅"),
    _b(
        "退役军人事务局",
        "机关 退役军人服务中心 军供站 光荣院 烈士陵园管理处",
        province="退役军人事务厅",
    ),
    _b("体育局", "机关 体育运动学校 体育场馆管理中心 社会体育指导中心"),
    _b("统计局", "机关 社情民意调查中心 统计数据管理中心 普查中心"),
    _b("医疗保障局", "机关 医疗保障基金管理中心 医疗保障监督检查所"),
    _b(
        "城市管理局",
        "机关 环境卫生管理处 市政设施管理处 @综合行政执法支队 园林绿化管理中心 城市照明管理处",
        province=None,
    ),
    _b("发展和改革委员会", "机关 价格认证中心 经济研究中心 重点项目服务中心"),
    _b("数据局", "机关 大数据中心 政务服务中心 便民服务热线中心"),
    _b("档案馆", "机关 档案技术服务中心"),
    _b("粮食和物资储备局", "机关 粮油质量监测所 军粮供应站 物资储备中心"),
    _b("机关事务管理局", "机关 机关后勤服务中心 公务用车服务中心 机关幼儿园"),
    _b("信访局", "机关 人民来访接待中心 网上信访服务中心"),
    _b("残疾人联合会", "机关 残疾人康复中心 残疾人就业服务中心 残疾人辅助器具服务中心"),
    _b("妇女联合会", "机关 妇女儿童活动中心 婚姻家庭服务中心"),
    _b("总工会", "机关 @职工服务中心 工人文化宫 职工疗休养中心"),
    _b("人民检察院", "机关 @检察技术信息中心 @司法警察支队"),
    _b(
        "人民法院",
        "机关 @司法警察支队 @诉讼服务中心",
        province="高级人民法院",
        city="中级人民法院",
        county="人民法院",
    ),
    _b("红十字会", "机关 @备灾救灾中心 造血干细胞捐献服务中心^"),
    _b("科学技术协会", "机关 科技馆 科普服务中心"),
    _b("融媒体中心", "机关 @新闻采编中心 @技术保障中心", province=None, city="广播电视台"),
    _b("气象局", "机关 气象台 防雷技术服务中心 人工影响天气中心"),
    _b("民族宗教事务局", "机关 民族宗教服务中心", province="民族宗教事务委员会"),
    _b("地方金融管理局", "机关 金融服务中心", county=None),
)


def _unit_name(region: Region, department: str, sub: str) -> str | None:
    """The printed name of a sub-unit, or None where it does not exist at this level."""
    if sub.endswith("^"):
        if region.level == COUNTY:
            return None
        sub = sub[:-1]
    if sub.endswith("_"):
        if region.level == PROVINCE:
            return None
        sub = sub[:-1]
    if sub == "机关" or sub.startswith("@"):
        return department + sub.lstrip("@")
    return region.name + sub


@dataclass(frozen=True, slots=True)
class Entry:
    """One unit of the catalogue."""

    unit: BudgetUnit
    region: Region
    bureau: Bureau
    department: str


@dataclass(frozen=True, slots=True)
class DepartmentEntry:
    name: str
    code: str
    region: Region
    bureau: Bureau
    units: tuple[Entry, ...]


@functools.cache
def catalogue() -> tuple[DepartmentEntry, ...]:
    """Every department of the province with its units, in region and bureau order."""
    found: list[DepartmentEntry] = []
    seen: set[str] = set()
    for region in REGIONS:
        for b, bureau in enumerate(BUREAUS, start=1):
            label = bureau.name(region.level)
            if label is None:
                continue
            department = region.name + label
            code = f"{region.code}{b:03d}"
            entries: list[Entry] = []
            for s, sub in enumerate(bureau.units, start=1):
                name = _unit_name(region, department, sub)
                if name is None or name in seen:
                    continue
                seen.add(name)
                unit = BudgetUnit(name, department, f"{code}{s:03d}")
                entries.append(Entry(unit, region, bureau, department))
            found.append(DepartmentEntry(department, code, region, bureau, tuple(entries)))
    return tuple(found)


_LEVEL_WEIGHT = {PROVINCE: 0.25, CITY: 0.5, COUNTY: 1.0}


def chosen(count: int, seed: int) -> list[Entry]:
    """``count`` units: whole departments in a random order (province and city departments
    first more often), then in catalogue order.  A larger count keeps every unit of a smaller
    one (same seed).  Beyond the catalogue, units repeat with a numbered suffix."""
    departments = catalogue()
    rng = random.Random(f"units|{seed}")
    keys = [rng.random() * _LEVEL_WEIGHT[d.region.level] for d in departments]
    order = sorted(range(len(departments)), key=keys.__getitem__)
    picked: list[tuple[int, int]] = []  # (department index, unit index)
    for d in order:
        for u in range(len(departments[d].units)):
            if len(picked) == count:
                break
            picked.append((d, u))
        if len(picked) == count:
            break
    picked.sort()
    entries = [departments[d].units[u] for d, u in picked]
    total = sum(len(department.units) for department in departments)
    extra = count - total
    round_ = 2
    while extra > 0:
        for department in departments:
            for e in department.units:
                if extra == 0:
                    break
                unit = BudgetUnit(
                    f"{e.unit.name}（{round_}）", e.department, f"{e.unit.code}{round_:02d}"
                )
                entries.append(Entry(unit, e.region, e.bureau, e.department))
                extra -= 1
        round_ += 1
    return entries
