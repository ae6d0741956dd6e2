#!/usr/bin/env python3
"""Generate the bundled example snapshot of 青禾县 (a fictional county).

    python3 scripts/gen_example_county.py            # write and verify
    python3 scripts/gen_example_county.py --check    # verify only

Output: Cases/qinghe-county/snapshot/ (folder form of snapshot v1, see
shared spec snapshot-v1.md). The output is deterministic: one seeded RNG,
fixed iteration order. Every planted violation is listed in PLANTED below and
in Cases/qinghe-county/README.md; everything else is meant to be compliant.
"""

import datetime as dt
import os
import random
import re
import shutil
import sys

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Cases", "qinghe-county", "snapshot")

D = dt.date
AS_OF = D(2024, 6, 30)
SEED = 20240630
rng = random.Random(SEED)

# Documents: the county is 青禾县 (prefix 青), its city is 澄州市 (prefix 澄).
REFORM_PARTY = "澄委〔2019〕21号"      # 市委 approves the county party bodies of the 2019 reform
REFORM_GOV = "澄政函〔2019〕17号"      # 市政府 approves the county government departments
REFORM_2024_PARTY = "澄委〔2024〕9号"
REFORM_2024_GOV = "澄政函〔2024〕6号"

# --------------------------------------------------------------------------
# document-number counters (deterministic)

_doc_counters = {("青编", 2019): 1}  # 青编〔2019〕1号 is the region's limits document


def docno(prefix, year, start=1):
    key = (prefix, year)
    n = _doc_counters.get(key, start - 1) + 1
    _doc_counters[key] = n
    return f"{prefix}〔{year}〕{n}号"


# --------------------------------------------------------------------------
# institution table
#
# Each entry: id, name, category, rank, staffing (a, pl, ps, w), leadership
# (principal, deputy, internal_principal, internal_deputy), approved internal
# units, functions, and optional extras.

PARTY = "party_body"
GOV = "government_department"
MANAGED = "department_managed"
DISPATCHED = "dispatched"
PUBLIC = "public_institution"
TOWN = "township"
SUBDISTRICT = "subdistrict"
OTHER = "other_organ"


def S(a=0, pl=0, ps=0, w=0):
    return {"administrative": a, "political_legal": pl, "public_service": ps, "worker": w}


INSTITUTIONS = []  # list of dicts (internal form)


def add(id, name, category, rank, staffing, lead, units, functions, **kw):
    p, d = lead[0], lead[1]
    ip = lead[2] if len(lead) > 2 else len(units)
    idp = lead[3] if len(lead) > 3 else 0
    INSTITUTIONS.append(dict(
        id=id, name=name, category=category, rank=rank, staffing=staffing,
        lead=dict(principal=p, deputy=d, internal_principal=ip, internal_deputy=idp),
        units=list(units), functions=list(functions), **kw))


# ---- 11 party bodies (县委工作机关) -------------------------------------------

add("QH-XWB", "县委办公室", PARTY, "section", S(a=22, w=3), (1, 4, 7, 2),
    ["秘书股", "综合股", "督查股", "信息股", "机要保密股", "改革股", "档案管理股"],
    ["负责县委日常运转，协助县委领导处理日常工作",
     "负责县委重要决策部署的督促检查和信息综合",
     "统筹管理全县机要、保密、密码和档案工作",
     "承担县委全面深化改革委员会日常工作"],
    plates=["县委机要保密局", "县档案局"], file="party/qh-xwb.yaml")
add("QH-ZZB", "县委组织部", PARTY, "section", S(a=18, w=2), (1, 4, 6, 1),
    ["办公室", "组织股", "干部股", "干部监督股", "人才工作股", "公务员管理股"],
    ["负责全县党的组织建设和党员队伍建设",
     "负责领导班子和干部队伍建设，管理县管干部",
     "统筹全县公务员队伍建设和人才工作"],
    plates=["县公务员局"], file="party/qh-zzb.yaml")
add("QH-XCB", "县委宣传部", PARTY, "section", S(a=12, w=1), (1, 3),
    ["办公室", "理论教育股", "新闻宣传股", "文明创建股", "文艺出版股"],
    ["负责全县党的理论学习、宣传教育和意识形态工作",
     "指导全县精神文明建设和新闻出版、电影管理工作",
     "统筹全县融媒体建设和对外宣传"],
    plates=["县新闻出版局", "县电影局"], file="party/qh-xcb.yaml")
add("QH-TZB", "县委统战部", PARTY, "section", S(a=10, w=1), (1, 3),
    ["办公室", "党派工作股", "民族宗教股", "经济联络股"],
    ["负责全县统一战线工作的统筹协调",
     "负责民族宗教工作和党外代表人士队伍建设",
     "负责侨务和非公有制经济人士统战工作"],
    plates=["县民族宗教事务局", "县侨务办公室"], file="party/qh-tzb.yaml")
add("QH-ZFW", "县委政法委员会", PARTY, "section", S(a=11, w=1), (1, 3),
    ["办公室", "政治安全股", "执法监督股", "平安建设股"],
    ["统筹协调全县政法工作和平安建设",
     "指导推进政法领域改革和执法监督",
     "负责社会治安综合治理和维护稳定工作"],
    file="party/qh-zfw.yaml")
add("QH-BB", "县委机构编制委员会办公室", PARTY, "section", S(a=10, w=1), (1, 2),
    ["综合股", "机构编制股", "监督检查股", "事业单位登记管理股"],
    ["负责全县机构编制管理和机构改革的组织实施",
     "审核县级机关和事业单位的机构设置、职能配置和编制",
     "负责机构编制监督检查和事业单位登记管理"],
    file="party/qh-bb.yaml")
add("QH-WXB", "县委网络安全和信息化委员会办公室", PARTY, "section", S(a=6), (1, 2),
    ["综合股", "网络安全股", "网络舆情股"],
    ["统筹协调全县网络安全和信息化工作",
     "负责网络舆情监测、研判和处置",
     "负责网络内容管理和网络安全监督"],
    established=D(2019, 3, 1), file="party/qh-wxb.yaml",
    events=[("establish", D(2019, 3, 1), "city", "party_committee", REFORM_PARTY, {})])
add("QH-SGB", "县委社会工作部", PARTY, "section", S(a=9), (1, 3),
    ["办公室", "基层治理股", "社会组织股", "志愿服务和人民建议征集股"],
    ["统筹指导全县社会工作和基层治理",
     "负责新经济组织、新社会组织党建工作的统筹",
     "统筹推进志愿服务和人民建议征集工作"],
    plates=["县委两新工作委员会"], established=D(2024, 3, 28),
    sanding=("青办发", D(2024, 4, 26)), file="party/qh-sgb.yaml",
    events=[("establish", D(2024, 3, 28), "city", "party_committee", REFORM_2024_PARTY, {})])
add("QH-JGGW", "县直属机关工作委员会", PARTY, "section", S(a=6), (1, 2),
    ["办公室", "组织宣传股", "党建指导股"],
    ["负责县直机关党的建设工作",
     "指导县直机关党组织开展党员教育管理",
     "指导县直机关精神文明建设和群团工作"],
    file="party/qh-jggw.yaml")
add("QH-XCBAN", "县委巡察工作领导小组办公室", PARTY, "section", S(a=12), (1, 2, 5, 0),
    ["综合股", "巡察指导督导股", "第一巡察组", "第二巡察组", "第三巡察组"],
    ["负责县委巡察工作领导小组日常工作",
     "组织实施县委巡察和对村（社区）巡察",
     "督促巡察整改落实，负责巡察干部队伍管理"],
    file="party/qh-xcban.yaml")
add("QH-LGB", "县委老干部局", PARTY, "section", S(a=6, w=1), (1, 2),
    ["综合股", "服务管理股"],
    ["负责全县离退休干部工作的统筹管理",
     "落实离退休干部政治待遇和生活待遇",
     "指导离退休干部党建工作"],
    file="party/qh-lgb.yaml")

# ---- 26 government departments (县政府工作部门) --------------------------------

add("QH-ZFB", "县政府办公室", GOV, "section", S(a=20, w=4), (1, 4, 6, 1),
    ["秘书股", "综合股", "督查股", "政务公开股", "应急值守股", "研究股"],
    ["负责县政府日常运转，协助县政府领导处理日常工作",
     "负责县政府重要决策部署的督促检查和政务公开",
     "负责县政府总值班和突发事件信息报送"],
    plates=["县人民政府研究室", "县人民政府外事办公室"], file="government/qh-zfb.yaml")
add("QH-FGJ", "县发展和改革局", GOV, "section", S(a=16, w=1), (1, 3),
    ["办公室", "规划股", "投资股", "经济运行股", "价格股", "项目管理股"],
    ["拟订并组织实施全县国民经济和社会发展规划",
     "负责固定资产投资综合管理和重大项目统筹",
     "负责价格管理和经济运行调节"],
    plates=["县国防动员办公室"], file="government/qh-fgj.yaml")
add("QH-JTJ", "县教育和体育局", GOV, "section", S(a=18, w=2), (1, 4, 7, 1),
    ["办公室", "基础教育股", "职业与成人教育股", "人事股", "计划财务股", "体育股", "教育督导室"],
    ["负责全县教育事业和体育事业的统筹规划和管理",
     "负责中小学和幼儿园的办学管理和教育督导",
     "指导群众体育和竞技体育工作"],
    plates=["县人民政府教育督导室"], established=D(2019, 3, 1), file="government/qh-jtj.yaml",
    events=[("merge", D(2019, 3, 1), "city", "government", REFORM_GOV,
             {"new_name": "县教育和体育局"})])
add("QH-KGJ", "县科学技术和工业信息化局", GOV, "section", S(a=10), (1, 3),
    ["办公室", "科技股", "工业股", "信息化股"],
    ["负责全县科技创新和科技成果转化工作",
     "负责工业经济运行监测和中小企业发展",
     "推进信息化和工业化融合发展"],
    established=D(2019, 3, 1), file="government/qh-kgj.yaml",
    events=[("merge", D(2019, 3, 1), "city", "government", REFORM_GOV,
             {"new_name": "县科学技术和工业信息化局"})])
add("QH-GAJ", "县公安局", GOV, "section", S(pl=132, w=2), (1, 4, 12, 6),
    ["指挥中心", "警务保障室", "政工室", "法制大队", "治安管理大队", "刑事侦查大队",
     "经济犯罪侦查大队", "交通管理大队", "国内安全保卫大队", "禁毒大队",
     "网络安全保卫大队", "看守所"],
    ["负责全县社会治安管理，预防、制止和侦查违法犯罪活动",
     "负责道路交通、户政、出入境等公安行政管理",
     "负责监所管理和公安队伍建设"],
    file="government/qh-gaj.yaml",
    events=[("add_leadership", D(2021, 9, 15), "county", "staffing_committee", None,
             {})])
add("QH-MZJ", "县民政局", GOV, "section", S(a=10), (1, 3),
    ["办公室", "社会救助股", "养老服务股", "区划地名和社会事务股", "基层政权建设股"],
    ["负责全县社会救助和最低生活保障工作",
     "统筹养老服务体系建设和儿童福利工作",
     "负责行政区划、地名和殡葬管理"],
    file="government/qh-mzj.yaml")
add("QH-SFJ", "县司法局", GOV, "section", S(a=4, pl=12), (1, 3, 6, 0),
    ["办公室", "法治督察股", "行政执法协调监督股", "人民参与和促进法治股",
     "公共法律服务管理股", "社区矫正管理股"],
    ["承担县委全面依法治县委员会办公室日常工作",
     "负责行政执法协调监督和行政复议",
     "负责社区矫正、人民调解和公共法律服务"],
    established=D(2019, 3, 1), file="government/qh-sfj.yaml",
    events=[("adjust_functions", D(2019, 3, 1), "city", "government", REFORM_GOV, {})])
add("QH-CZJ", "县财政局", GOV, "section", S(a=22, w=2), (1, 4, 10, 2),
    ["办公室", "预算股", "国库股", "综合股", "经济建设股", "农业农村股",
     "社会保障股", "政府采购管理股", "国有资产管理股", "会计股"],
    ["负责县级财政预算编制、执行和决算",
     "负责国库管理、政府采购和政府债务管理",
     "负责行政事业单位国有资产管理和会计管理"],
    plates=["县国有资产监督管理办公室"], file="government/qh-czj.yaml",
    events=[("add_internal_unit", D(2020, 4, 20), "county", "staffing_office", None,
             {"unit_name": "政府采购管理股"})])
add("QH-RSJ", "县人力资源和社会保障局", GOV, "section", S(a=14, w=1), (1, 3),
    ["办公室", "就业促进和职业能力建设股", "事业单位人事管理股", "工资福利股",
     "劳动关系股", "社会保险股"],
    ["负责全县就业创业和职业技能培训",
     "负责事业单位人事管理和机关事业单位工资福利",
     "负责社会保险政策落实和劳动关系协调"],
    file="government/qh-rsj.yaml")
add("QH-ZRJ", "县自然资源局", GOV, "section", S(a=18, w=1), (1, 3),
    ["办公室", "国土空间规划股", "耕地保护股", "调查确权登记股", "矿产资源管理股", "执法监察股"],
    ["负责全县自然资源调查监测和统一确权登记",
     "负责国土空间规划编制和用途管制",
     "负责耕地保护和自然资源执法监察"],
    established=D(2019, 3, 1), file="government/qh-zrj.yaml",
    events=[("establish", D(2019, 3, 1), "city", "government", REFORM_GOV, {})])
add("QH-ZJJ", "县住房和城乡建设局", GOV, "section", S(a=14, w=1), (1, 3),
    ["办公室", "规划建设股", "房地产市场监管股", "建筑市场监管股", "村镇建设股", "城市建设股"],
    ["负责全县住房保障和房地产市场监管",
     "负责建筑市场和工程质量安全监管",
     "指导城市建设和村镇建设"],
    file="government/qh-zjj.yaml",
    events=[("rename", D(2019, 3, 1), "city", "government", REFORM_GOV,
             {"new_name": "县住房和城乡建设局"})])
add("QH-JYJ", "县交通运输局", GOV, "section", S(a=10), (1, 3),
    ["办公室", "规划建设股", "运输管理股", "安全监督股", "法制股"],
    ["负责全县公路、水路交通基础设施规划和建设",
     "负责道路运输市场监管和交通运输安全",
     "负责交通运输行业法治建设"],
    file="government/qh-jyj.yaml")
add("QH-SLJ", "县水利局", GOV, "section", S(a=10, w=1), (1, 3),
    ["办公室", "规划建设股", "水资源管理股", "河湖管理股", "农村水利水电股"],
    ["负责全县水资源的合理开发利用和保护",
     "负责水利工程建设和河湖管理，承担县河长制办公室日常工作",
     "负责农村水利和水旱灾害防御"],
    file="government/qh-slj.yaml")
add("QH-NYJ", "县农业农村局", GOV, "section", S(a=20, w=1), (1, 4, 9, 1),
    ["办公室", "发展规划和财务股", "乡村产业股", "农村社会事业促进股", "农村合作经济指导股",
     "种植业管理股", "畜牧兽医股", "巩固衔接股", "法规和执法监督股"],
    ["统筹全县农业农村发展和乡村振兴",
     "负责种植业、畜牧业、渔业等农业产业管理",
     "负责巩固拓展脱贫攻坚成果同乡村振兴有效衔接"],
    plates=["县乡村振兴局"], established=D(2019, 3, 1),
    sanding=("青办发", D(2024, 5, 20)), file="government/qh-nyj.yaml",
    events=[("merge", D(2019, 3, 1), "city", "government", REFORM_GOV,
             {"new_name": "县农业农村局"}),
            ("merge", D(2024, 3, 28), "city", "government", REFORM_2024_GOV, {})])
add("QH-SWJ", "县商务局", GOV, "section", S(a=8), (1, 2),
    ["办公室", "商贸流通股", "对外经济贸易股"],
    ["负责全县商贸流通和消费促进",
     "负责对外贸易、利用外资和招商引资服务"],
    file="government/qh-swj.yaml")
add("QH-WLJ", "县文化广电旅游局", GOV, "section", S(a=12, w=1), (1, 3),
    ["办公室", "文化艺术股", "文物保护股", "旅游发展股", "广播电视股", "市场管理股"],
    ["负责全县文化事业、文化产业和旅游业发展",
     "负责文物保护和非物质文化遗产保护",
     "负责广播电视和文化旅游市场管理"],
    plates=["县文物局"], established=D(2019, 3, 1), file="government/qh-wlj.yaml",
    events=[("merge", D(2019, 3, 1), "city", "government", REFORM_GOV,
             {"new_name": "县文化广电旅游局"})])
add("QH-WJJ", "县卫生健康局", GOV, "section", S(a=14, w=1), (1, 3),
    ["办公室", "医政医管股", "疾病预防控制股", "基层卫生健康股", "中医药管理股",
     "人口监测与家庭发展股", "老龄健康股"],
    ["负责全县卫生健康事业发展和医疗机构管理",
     "负责疾病预防控制和卫生应急",
     "负责人口监测、家庭发展和老龄健康工作"],
    plates=["县中医药管理局"], established=D(2019, 3, 1), file="government/qh-wjj.yaml",
    events=[("establish", D(2019, 3, 1), "city", "government", REFORM_GOV, {})])
add("QH-TYJ", "县退役军人事务局", GOV, "section", S(a=7), (1, 2),
    ["办公室", "移交安置股", "拥军优抚股"],
    ["负责退役军人移交安置和就业创业服务",
     "负责拥军优抚和褒扬纪念工作"],
    established=D(2019, 3, 1), file="government/qh-tyj.yaml",
    events=[("establish", D(2019, 3, 1), "city", "government", REFORM_GOV, {})])
add("QH-YJJ", "县应急管理局", GOV, "section", S(a=13, w=1), (1, 3),
    ["办公室", "安全生产综合协调股", "应急指挥和救援股", "危险化学品和工贸安全监管股", "防灾减灾股"],
    ["负责全县应急管理和安全生产综合监管",
     "组织协调重大突发事件应急处置和防灾减灾救灾",
     "负责危险化学品和工贸行业安全生产监管"],
    plates=["县地震局"], established=D(2019, 3, 1), file="government/qh-yjj.yaml",
    events=[("establish", D(2019, 3, 1), "city", "government", REFORM_GOV, {}),
            ("add_staffing", D(2021, 7, 12), "county", "staffing_committee", None,
             {"staffing_delta": {"administrative": 4}, "basis": "line_department_document"})])
add("QH-SJJ", "县审计局", GOV, "section", S(a=12), (1, 2),
    ["办公室", "财政审计股", "经济责任审计股", "企业和金融审计股", "固定资产投资审计股"],
    ["负责全县财政收支和国有资产的审计监督",
     "负责领导干部经济责任审计和自然资源资产离任审计",
     "承担县委审计委员会办公室日常工作"],
    file="government/qh-sjj.yaml")
add("QH-SJG", "县市场监督管理局", GOV, "section", S(a=28, w=1), (1, 4, 8, 2),
    ["办公室", "登记注册股", "信用监管股", "食品安全协调股", "特种设备安全监察股",
     "药品医疗器械监管股", "质量发展和标准化股", "执法稽查大队"],
    ["负责全县市场主体登记注册和信用监管",
     "负责食品、药品、特种设备安全监督管理",
     "负责质量、标准化、计量和知识产权工作"],
    plates=["县知识产权局"], established=D(2019, 3, 1), file="government/qh-sjg.yaml",
    events=[("establish", D(2019, 3, 1), "city", "government", REFORM_GOV, {})])
add("QH-TJJ", "县统计局", GOV, "section", S(a=8), (1, 2),
    ["办公室", "综合统计股", "农业统计股", "经济统计股"],
    ["负责全县统计调查和统计数据发布",
     "组织实施重大国情国力普查",
     "负责统计执法监督"],
    file="government/qh-tjj.yaml",
    events=[("reduce_staffing", D(2020, 6, 10), "county", "staffing_committee", None,
             {"staffing_delta": {"administrative": -2}})])
add("QH-YBJ", "县医疗保障局", GOV, "section", S(a=7), (1, 2),
    ["办公室", "医药服务管理股", "基金监管股"],
    ["负责全县医疗保障制度的组织实施",
     "负责医疗保障基金监督管理和医药服务管理"],
    established=D(2019, 3, 1), file="government/qh-ybj.yaml",
    events=[("establish", D(2019, 3, 1), "city", "government", REFORM_GOV, {})])
add("QH-LYJ", "县林业局", GOV, "section", S(a=12, w=1), (1, 3),
    ["办公室", "生态保护修复股", "森林资源管理股", "林业改革发展股", "森林防火股"],
    ["负责全县林业和草原资源保护管理",
     "负责生态保护修复和国土绿化",
     "负责森林防火和林业有害生物防治"],
    file="government/qh-lyj.yaml")
add("QH-CGJ", "县城市管理局", GOV, "section", S(a=16, w=1), (1, 3),
    ["办公室", "市政公用股", "市容环境卫生股", "法制股", "综合执法大队"],
    ["负责城市市政公用设施和市容环境卫生管理",
     "集中行使城市管理领域行政处罚权"],
    plates=["县城市管理综合行政执法局"], name_in_use="县城市管理综合行政执法局",
    file="government/qh-cgj.yaml")
add("QH-XFJ", "县信访局", GOV, "section", S(a=8), (1, 2),
    ["办公室", "办信股", "接访股", "督查督办股"],
    ["负责受理、交办、转送群众来信来访",
     "协调处理重要信访问题并督查督办"],
    file="government/qh-xfj.yaml")

# ---- department-managed bodies (部门管理机构) -------------------------------------

add("QH-LCJ", "县粮食和物资储备局", MANAGED, "vice_section", S(a=5), (1, 1), [],
    ["负责全县粮食流通和储备物资管理",
     "承担粮食安全责任制考核日常工作"],
    parent="QH-FGJ", established=D(2019, 3, 1), file="government/department-managed.yaml",
    events=[("establish", D(2019, 3, 1), "city", "government", REFORM_GOV, {})])
add("QH-RFB", "县人民防空办公室", MANAGED, "section", S(a=5), (1, 2),
    ["综合股", "工程股"],
    ["负责全县人民防空建设和管理",
     "负责人防工程建设和防空警报设施管理"],
    parent="QH-ZJJ", file="government/department-managed.yaml",
    events=[("change_rank", D(2022, 8, 16), "county", "staffing_committee", None,
             {"new_rank": "section"})])
add("QH-SJU", "县数据局", MANAGED, "vice_section", S(a=5), (1, 1),
    ["综合股", "数据资源股"],
    ["统筹推进全县数字政府建设和数据资源整合共享",
     "负责数据基础设施布局建设"],
    parent="QH-FGJ", established=D(2024, 5, 10), sanding=("青办发", D(2024, 6, 3)),
    file="government/department-managed.yaml",
    events=[("establish", D(2024, 5, 10), "city", "government", REFORM_2024_GOV, {})])
add("QH-XZJ", "县乡村振兴局", MANAGED, "section", S(a=8), (1, 2),
    ["综合股", "规划发展股"],
    ["负责巩固拓展脱贫攻坚成果和乡村振兴有关工作",
     "统筹衔接推进乡村振兴项目和资金管理"],
    parent="QH-NYJ", established=D(2021, 5, 20), abolished=D(2024, 3, 28),
    sanding=("青办发", D(2021, 6, 18)), no_staff=True, actual_units=[],
    file="government/department-managed.yaml",
    events=[("rename", D(2021, 5, 20), "city", "government", "澄政函〔2021〕9号",
             {"new_name": "县乡村振兴局"}),
            ("abolish", D(2024, 3, 28), "city", "government", REFORM_2024_GOV, {})])

# ---- dispatched bodies (派出机构) ------------------------------------------------

for pid, pname, pl, lead in [("QH-GAJ-CG", "县公安局城关派出所", 16, (1, 2)),
                             ("QH-GAJ-QX", "县公安局青溪派出所", 9, (1, 1)),
                             ("QH-GAJ-SQ", "县公安局石桥派出所", 9, (1, 1))]:
    add(pid, pname, DISPATCHED, "vice_section", S(pl=pl), lead, [],
        ["负责辖区治安管理、户籍管理和社区警务",
         "办理辖区治安案件，协助侦查刑事案件"],
        parent="QH-GAJ", file="government/dispatched.yaml")
add("QH-SJG-CG", "县市场监督管理局城关市场监督管理所", DISPATCHED, "vice_section", S(a=7), (1, 1), [],
    ["负责辖区市场主体日常监管和食品安全监管",
     "受理辖区消费投诉举报"],
    parent="QH-SJG", file="government/dispatched.yaml")

# ---- other organs (其他机关) -----------------------------------------------------

add("QH-JW", "县纪委监委机关", OTHER, "vice_division", S(a=35, w=2), (1, 4, 7, 2),
    ["办公室", "党风政风监督室", "信访室", "案件监督管理室", "第一纪检监察室",
     "第二纪检监察室", "案件审理室"],
    ["履行党的纪律检查和国家监察职责",
     "负责监督执纪问责和监督调查处置",
     "负责派驻机构和巡察工作的协调指导"],
    file="other/qh-jw.yaml")
add("QH-RD", "县人大常委会机关", OTHER, "division", S(a=16, w=2), (1, 4),
    ["办公室", "法制工作委员会", "财政经济工作委员会", "社会建设工作委员会", "代表工作委员会"],
    ["承担县人大常委会及其主任会议的日常工作",
     "服务人大代表依法履职"],
    file="other/renda-zhengxie.yaml")
add("QH-ZX", "县政协机关", OTHER, "division", S(a=13, w=2), (1, 4),
    ["办公室", "提案委员会", "经济委员会", "文史和学习委员会"],
    ["承担县政协全体会议和常委会议的日常工作",
     "组织政治协商、民主监督和参政议政"],
    file="other/renda-zhengxie.yaml")
add("QH-FY", "县人民法院", OTHER, "vice_division", S(pl=50, w=2), (1, 3, 7, 3),
    ["办公室", "政治处", "立案庭", "刑事审判庭", "民事审判庭", "行政审判庭", "执行局"],
    ["依法审判刑事、民事、行政案件",
     "负责生效裁判的执行工作"],
    file="other/courts.yaml")
add("QH-JCY", "县人民检察院", OTHER, "vice_division", S(pl=32, w=1), (1, 3),
    ["办公室", "政治部", "第一检察部", "第二检察部", "第三检察部"],
    ["依法行使检察权，办理审查逮捕、审查起诉案件",
     "开展诉讼监督和公益诉讼"],
    file="other/courts.yaml")
for gid, gname, a, units, fn in [
        ("QH-ZGH", "县总工会", 7, ["办公室", "基层工作部", "权益保障部"],
         ["组织和指导全县工会工作", "维护职工合法权益"]),
        ("QH-TXW", "共青团青禾县委员会", 4, [],
         ["负责全县共青团工作和青少年事务", "指导少先队工作"]),
        ("QH-FL", "县妇女联合会", 4, [],
         ["代表和维护妇女儿童合法权益", "组织妇女参与经济社会发展"]),
        ("QH-KX", "县科学技术协会", 4, [],
         ["组织开展科学普及工作", "联系和服务科技工作者"]),
        ("QH-GSL", "县工商业联合会", 4, [],
         ["联系和服务非公有制经济人士", "参与商会建设和管理"]),
        ("QH-CL", "县残疾人联合会", 5, [],
         ["代表和维护残疾人合法权益", "负责残疾人康复、就业和社会保障服务"])]:
    add(gid, gname, OTHER, "section", S(a=a), (1, 2 if units else 1), units, fn,
        file="other/mass-organizations.yaml")

# ---- townships and subdistricts (乡镇、街道) ------------------------------------

ADMIN_UNITS_TOWN = ["党政综合办公室", "党建工作办公室", "经济发展办公室", "社会事务办公室",
                    "平安建设办公室", "综合行政执法队"]
ADMIN_UNITS_XIANG = ADMIN_UNITS_TOWN[:5]
TOWN_CENTERS = []  # 乡镇（街道）综合服务中心: public institutions whose parent is the township
TOWN_FUNCS = ["加强党的建设，统筹辖区经济社会发展",
              "负责公共服务、社会治理和平安建设",
              "依法履行辖区综合行政执法职责"]
STREET_FUNCS = ["加强基层党建，统筹辖区社区治理",
                "负责公共服务、城市管理和平安建设",
                "依法履行辖区综合行政执法职责"]
XIANG_FUNCS = ["加强党的建设，推进乡村振兴",
               "负责公共服务、社会治理和平安建设"]

for tid, tname, cat, a, ps, kind in [
        ("QH-CGJD", "城关街道", SUBDISTRICT, 36, 22, "street"),
        ("QH-DCJD", "东城街道", SUBDISTRICT, 30, 18, "street"),
        ("QH-QXZ", "青溪镇", TOWN, 34, 24, "town"),
        ("QH-HFZ", "禾丰镇", TOWN, 30, 22, "town"),
        ("QH-SQZ", "石桥镇", TOWN, 30, 20, "town"),
        ("QH-LHZ", "柳河镇", TOWN, 28, 20, "town"),
        ("QH-BSZ", "白沙镇", TOWN, 26, 18, "town"),
        ("QH-LQX", "龙泉乡", TOWN, 22, 14, "xiang"),
        ("QH-YLX", "杨林乡", TOWN, 20, 12, "xiang"),
        ("QH-GPX", "高坪乡", TOWN, 20, 12, "xiang")]:
    if kind == "xiang":
        units, funcs, deputy = ADMIN_UNITS_XIANG, XIANG_FUNCS, 7
        f = "towns/xiang.yaml"
    else:
        units = ADMIN_UNITS_TOWN
        funcs = STREET_FUNCS if kind == "street" else TOWN_FUNCS
        deputy = 8
        f = "towns/" + tid.lower() + ".yaml"
    ev = []
    if kind != "xiang" and tid in ("QH-QXZ", "QH-CGJD"):
        ev = [("add_internal_unit", D(2020, 9, 8), "county", "staffing_committee", None,
               {"unit_name": "综合行政执法队"})]
    add(tid, tname, cat, "section", S(a=a), (2, deputy, len(units), 2),
        units, funcs, file=f, events=ev)
    TOWN_CENTERS.append((tid + "-FW", tname + "综合服务中心", tid, "public_welfare_1", "vice_section",
                         ps, 0, 1, 1, [], 0, "public/township-service-centers.yaml"))

# ---- public institutions (事业单位) ---------------------------------------------
# (id, name, parent, type, rank, ps, worker, principal, deputy, units, internal_deputy, file)

BY_ID_TMP = {i["id"]: i["category"] for i in INSTITUTIONS}
PW1, PW2, ADMF, BUS = "public_welfare_1", "public_welfare_2", "administrative_function", "business"
PUBLICS = [
    ("QH-DX", "县委党校", "QH-ZZB", PW1, "section", 16, 2, 1, 2, ["办公室", "教务科", "科研室"], 0, "public/party-affiliated.yaml"),
    ("QH-DAG", "县档案馆", "QH-XWB", PW1, "vice_section", 8, 0, 1, 1, ["综合股", "档案管理股", "党史地方志股"], 0, "public/party-affiliated.yaml"),
    ("QH-RMT", "县融媒体中心", "QH-XCB", PW1, "section", 40, 2, 1, 2, ["综合办公室", "新闻采编部", "新媒体部", "技术运维部"], 2, "public/party-affiliated.yaml"),
    ("QH-WMSJ", "县新时代文明实践中心", "QH-XCB", PW1, "vice_section", 5, 0, 1, 1, [], 0, "public/qh-wmsj.yaml"),
    ("QH-JGSW", "县机关事务服务中心", "QH-ZFB", PW1, "vice_section", 8, 6, 1, 1, ["综合股", "资产管理股", "后勤保障股"], 0, "public/government-services.yaml"),
    ("QH-ZWFW", "县政务服务中心", "QH-ZFB", ADMF, "section", 18, 0, 1, 2, ["综合股", "窗口管理股", "政务热线股"], 0, "public/government-services.yaml"),
    ("QH-BG", "县宾馆", "QH-JGSW", BUS, "vice_section", 12, 8, 1, 1, [], 0, "public/government-services.yaml"),
    ("QH-TZPS", "县财政投资评审中心", "QH-CZJ", PW1, "vice_section", 8, 0, 1, 1, ["综合股", "评审股"], 0, "public/economy.yaml"),
    ("QH-GKZF", "县国库集中支付中心", "QH-CZJ", PW1, "vice_section", 9, 0, 1, 1, ["综合股", "支付股"], 0, "public/economy.yaml"),
    ("QH-JCJC", "县检验检测中心", "QH-SJG", PW1, "vice_section", 10, 0, 1, 1, ["综合股", "检验股"], 0, "public/economy.yaml"),
    ("QH-YZ", "县第一中学", "QH-JTJ", PW1, "section", 100, 4, 1, 3, ["办公室", "教务处", "政教处", "总务处"], 4, "public/education.yaml"),
    ("QH-EZ", "县第二中学", "QH-JTJ", PW1, "vice_section", 70, 3, 1, 2, ["办公室", "教务处", "政教处", "总务处"], 2, "public/education.yaml"),
    ("QH-SYXX", "县实验小学", "QH-JTJ", PW1, "vice_section", 55, 2, 1, 2, ["办公室", "教导处", "德育处", "总务处"], 1, "public/education.yaml"),
    ("QH-ZJZX", "县职业教育中心", "QH-JTJ", PW2, "vice_section", 45, 3, 1, 2, ["办公室", "教务处", "学生处", "实训处"], 0, "public/education.yaml"),
    ("QH-RMYY", "县人民医院", "QH-WJJ", PW2, "section", 120, 5, 1, 3, ["院办公室", "医务科", "护理部", "财务科", "内科", "外科", "妇产科", "儿科", "急诊科"], 4, "public/health.yaml"),
    ("QH-ZYY", "县中医院", "QH-WJJ", PW2, "vice_section", 55, 3, 1, 2, ["院办公室", "医务科", "护理部", "内科", "针灸推拿科"], 0, "public/health.yaml"),
    ("QH-JKZX", "县疾病预防控制中心", "QH-WJJ", PW1, "vice_section", 28, 0, 1, 2, ["综合办公室", "疾病控制科", "免疫规划科", "检验科"], 0, "public/health.yaml"),
    ("QH-FYBJ", "县妇幼保健院", "QH-WJJ", PW2, "vice_section", 36, 2, 1, 2, ["办公室", "妇女保健科", "儿童保健科", "产科"], 0, "public/health.yaml"),
    ("QH-YBFW", "县医疗保障服务中心", "QH-YBJ", PW1, "vice_section", 12, 0, 1, 1, ["综合股", "医保经办股", "稽核股"], 0, "public/health.yaml"),
    ("QH-SHFLY", "县社会福利院", "QH-MZJ", PW1, "vice_section", 10, 6, 1, 1, ["综合股", "护理部"], 0, "public/social.yaml"),
    ("QH-BYG", "县殡仪馆", "QH-MZJ", PW2, "vice_section", 8, 4, 1, 1, [], 0, "public/social.yaml"),
    ("QH-SBZX", "县社会保险服务中心", "QH-RSJ", PW1, "section", 24, 0, 1, 2, ["综合股", "养老保险股", "工伤失业保险股", "基金财务股"], 0, "public/social.yaml"),
    ("QH-TYFW", "县退役军人服务中心", "QH-TYJ", PW1, "vice_section", 6, 0, 1, 1, [], 0, "public/social.yaml"),
    ("QH-BDC", "县不动产登记中心", "QH-ZRJ", PW1, "vice_section", 15, 0, 1, 2, ["综合股", "登记股", "档案信息股"], 0, "public/construction-transport.yaml"),
    ("QH-ZLAJ", "县建设工程质量安全监督站", "QH-ZJJ", PW1, "vice_section", 12, 0, 1, 1, ["质量监督股", "安全监督股"], 0, "public/construction-transport.yaml"),
    ("QH-GLZX", "县公路事业发展中心", "QH-JYJ", PW1, "section", 28, 8, 1, 2, ["综合股", "养护股", "工程股"], 0, "public/construction-transport.yaml"),
    ("QH-HWS", "县环境卫生管理所", "QH-CGJ", PW1, "vice_section", 10, 18, 1, 1, ["综合股", "清扫保洁股"], 0, "public/construction-transport.yaml"),
    ("QH-SLGC", "县水利工程管理站", "QH-SLJ", PW1, "vice_section", 14, 4, 1, 1, ["综合股", "工程管理股"], 0, "public/agriculture.yaml"),
    ("QH-NJZX", "县农业技术推广中心", "QH-NYJ", PW1, "section", 28, 0, 1, 2, ["综合股", "粮油作物股", "经济作物股", "土壤肥料股", "植保植检股"], 0, "public/agriculture.yaml"),
    ("QH-XMSY", "县畜牧兽医服务中心", "QH-NYJ", PW1, "vice_section", 18, 0, 1, 2, ["综合股", "动物防疫股", "畜牧技术推广股"], 0, "public/agriculture.yaml"),
    ("QH-LC", "县国有青禾林场", "QH-LYJ", PW1, "vice_section", 18, 8, 1, 2, ["综合股", "营林股", "护林防火股"], 0, "public/agriculture.yaml"),
    ("QH-TSG", "县图书馆", "QH-WLJ", PW1, "vice_section", 9, 0, 1, 1, [], 0, "public/culture.yaml"),
    ("QH-WHG", "县文化馆", "QH-WLJ", PW1, "vice_section", 11, 0, 1, 1, [], 0, "public/culture.yaml"),
] + TOWN_CENTERS

PUBLIC_FUNCS = {
    "QH-DX": ["承担全县党员领导干部教育培训", "开展党的理论研究和决策咨询"],
    "QH-DAG": ["负责全县档案的接收、保管和利用", "承担党史研究和地方志编纂"],
    "QH-RMT": ["负责县级融媒体平台的新闻采编和发布", "承担广播电视播出和技术保障"],
    "QH-WMSJ": ["统筹全县新时代文明实践中心（所、站）建设", "组织开展志愿服务活动"],
    "QH-JGSW": ["负责县级机关办公用房和公务用车管理", "承担县级机关后勤服务保障"],
    "QH-ZWFW": ["负责县政务服务大厅的运行管理", "承担12345政务服务便民热线工作"],
    "QH-BG": ["承担公务接待服务", "按市场化方式开展住宿餐饮经营"],
    "QH-TZPS": ["承担财政投资项目预算、结算评审", "提供工程造价技术支撑"],
    "QH-GKZF": ["承担国库集中支付业务", "负责财政资金支付的审核和核算"],
    "QH-JCJC": ["承担食品、农产品和工业产品的检验检测", "提供计量检定技术服务"],
    "QH-YZ": ["实施普通高中教育", "承担教育教学研究"],
    "QH-EZ": ["实施初级中学教育", "承担教育教学研究"],
    "QH-SYXX": ["实施小学教育", "承担城区小学教学改革试点"],
    "QH-ZJZX": ["实施中等职业教育", "开展职业技能培训"],
    "QH-RMYY": ["提供基本医疗服务和急危重症救治", "承担基层医疗卫生机构业务指导"],
    "QH-ZYY": ["提供中医医疗、康复和预防保健服务", "承担中医药适宜技术推广"],
    "QH-JKZX": ["承担疾病预防控制和突发公共卫生事件处置", "开展免疫规划和卫生检验"],
    "QH-FYBJ": ["提供妇女儿童保健和医疗服务", "承担孕产妇和儿童健康管理"],
    "QH-YBFW": ["承担医疗保障经办服务", "负责医保基金结算和稽核"],
    "QH-SHFLY": ["为特困人员和孤残儿童提供集中供养", "承担社会福利服务"],
    "QH-BYG": ["提供遗体接运、火化和殡葬服务", "承担殡葬改革服务保障"],
    "QH-SBZX": ["承担全县社会保险经办服务", "负责社会保险基金财务管理"],
    "QH-TYFW": ["为退役军人提供就业创业和权益维护服务", "指导乡镇退役军人服务站工作"],
    "QH-BDC": ["承担不动产登记和登记资料管理", "提供不动产登记信息查询服务"],
    "QH-ZLAJ": ["承担建设工程质量监督", "承担建筑施工安全监督"],
    "QH-GLZX": ["承担县乡公路养护和工程建设管理", "保障公路安全畅通"],
    "QH-HWS": ["承担城区道路清扫保洁", "负责生活垃圾收运和公厕管理"],
    "QH-SLGC": ["负责县管水利工程运行维护", "承担水库、堤防安全监测"],
    "QH-NJZX": ["承担农业技术推广和农技服务", "开展植物保护和土壤肥料监测"],
    "QH-XMSY": ["承担动物疫病防控和畜牧技术推广", "提供兽医技术服务"],
    "QH-LC": ["负责国有林场森林资源保护培育", "承担林区森林防火"],
    "QH-TSG": ["提供公共图书借阅和数字阅读服务", "指导乡镇综合文化站图书室建设"],
    "QH-WHG": ["组织开展群众文化活动", "承担非物质文化遗产保护传承"],
}

PUBLIC_EXTRA = {
    "QH-DX": dict(registration_status="filed"),
    "QH-DAG": dict(registration_status="filed", plates=["县委党史研究室", "县地方志编纂中心"]),
    "QH-RMT": dict(plates=["县广播电视台"], established=D(2019, 4, 26),
                   events=[("establish", D(2019, 4, 26), "county", "staffing_committee", None, {})]),
    "QH-WMSJ": dict(registration_status="unregistered", established=D(2020, 8, 18),
                    events=[("establish", D(2020, 8, 18), "county", "staffing_committee", None, {})]),
    "QH-YZ": dict(events=[("add_staffing", D(2022, 7, 5), "county", "staffing_committee", None,
                           {"staffing_delta": {"public_service": 10}})]),
    "QH-BG": dict(),
}

for _c in TOWN_CENTERS:
    if BY_ID_TMP.get(_c[2]) == SUBDISTRICT:
        PUBLIC_FUNCS[_c[0]] = ["承担辖区便民服务和政务服务代办", "承担社区服务和网格化服务管理的技术支撑"]
    else:
        PUBLIC_FUNCS[_c[0]] = ["承担辖区便民服务和政务服务代办", "承担农业农村技术推广和社会事务服务"]

for (pid, pname, parent, ptype, rank, ps, w, p, dpt, units, idp, f) in PUBLICS:
    extra = dict(PUBLIC_EXTRA.get(pid, {}))
    add(pid, pname, PUBLIC, rank, S(ps=ps, w=w), (p, dpt, len(units), idp), units,
        PUBLIC_FUNCS[pid], parent=parent, public_type=ptype, file=f, **extra)

BY_ID = {i["id"]: i for i in INSTITUTIONS}

# --------------------------------------------------------------------------
# planted violations (see README). Anything not listed here is meant to pass.

PLANTED = {
    "over_establishment": "QH-JYJ",        # 2 administrative staff over approved
    "extra_deputy": "QH-SLJ",              # 4 deputies, 3 approved
    "leader_above_rank": "QH-ZJJ",         # principal post_rank vice_division in a section bureau
    "unapproved_unit": "QH-SWJ",           # 电子商务股 not in approved.internal_units
    "duplicate_person": ("QH-MZJ", "QH-SHFLY"),
    "mixed_establishment": "QH-KGJ",       # 2 public_service staff in a government department
    "secondment_no_approval": ("QH-SQZ", "QH-XWB"),
    "rank_change_by_county": "QH-RFB",
    "staffing_by_line_document": "QH-YJJ",
    "unregistered": "QH-WMSJ",
    "coordination_past_term": "QH-YX-07",
    "coordination_own_office": "QH-YX-08",
}
EXEMPTED = "QH-NYJ"  # 3 administrative staff over approved, covered by an exemption

# --------------------------------------------------------------------------
# roster generation

_person_counter = [100]


def new_pid():
    _person_counter[0] += 1
    return f"P{_person_counter[0]:06d}"


def rand_date(lo, hi):
    return D.fromordinal(rng.randint(lo.toordinal(), hi.toordinal()))


HIRE_CUTOFF = D(2018, 1, 1)
_hire_docs = {}


def hiring_doc(inst_id, year):
    key = (inst_id, year)
    if key not in _hire_docs:
        _hire_docs[key] = docno("青编用", year)
    return _hire_docs[key]


LEADER_RANKS = {
    "division": ("division", "vice_division"),
    "vice_division": ("vice_division", "section"),
    "section": ("section", "vice_section"),
    "vice_section": ("vice_section", None),
}


def vacancies(n):
    if n <= 0:
        return 0
    if n <= 4:
        return rng.choice([0, 0, 0, 1])
    return rng.randint(0, max(1, n // 8))


def build_roster(inst, actual=None, deputies=None):
    """Return the list of person dicts for one institution."""
    if inst.get("no_staff"):
        return []
    st = inst["staffing"]
    lead = inst["lead"]
    counts = {t: st[t] - vacancies(st[t]) for t in ("administrative", "political_legal",
                                                     "public_service", "worker")}
    if actual:
        counts.update(actual)
    if st["administrative"] > 0 or (actual and actual.get("administrative")):
        primary = "administrative"
    elif st["political_legal"] > 0:
        primary = "political_legal"
    else:
        primary = "public_service"
    n_principal = lead["principal"]
    n_deputy = lead["deputy"] if deputies is None else deputies
    if deputies is None and n_deputy >= 3 and rng.random() < 0.35:
        n_deputy -= 1  # one deputy post vacant
    assert n_principal + n_deputy <= counts[primary], inst["id"]

    units = inst.get("actual_units", inst["units"])
    def compatible(t):
        if not units:
            return []
        if t == "worker":
            return [units[0]]
        return units

    rank_p, rank_d = LEADER_RANKS[inst["rank"]]
    people = []
    for _ in range(n_principal):
        people.append(dict(establishment=primary, post="principal", post_rank=rank_p))
    for _ in range(n_deputy):
        d = dict(establishment=primary, post="deputy")
        if rank_d:
            d["post_rank"] = rank_d
        people.append(d)
    rest = []
    for t in ("administrative", "political_legal", "public_service", "worker"):
        k = counts[t] - (n_principal + n_deputy if t == primary else 0)
        rest += [dict(establishment=t, post="none") for _ in range(k)]

    # internal posts: one principal per unit (up to the approved number), deputies in the first units
    ip_left = lead["internal_principal"]
    for u in units:
        if ip_left <= 0:
            break
        if u in inst.get("unit_without_head", ()):
            continue
        for p in rest:
            if p["post"] == "none" and "internal_unit" not in p and u in compatible(p["establishment"]) \
                    and p["establishment"] != "worker":
                p["post"], p["internal_unit"] = "internal_principal", u
                ip_left -= 1
                break
    idp_left = lead["internal_deputy"]
    for u in units:
        if idp_left <= 0:
            break
        for p in rest:
            if p["post"] == "none" and "internal_unit" not in p and u in compatible(p["establishment"]) \
                    and p["establishment"] != "worker":
                p["post"], p["internal_unit"] = "internal_deputy", u
                idp_left -= 1
                break
    rr = {}
    for p in rest:
        if "internal_unit" in p:
            continue
        cu = compatible(p["establishment"])
        if cu:
            key = tuple(cu)
            i = rr.get(key, 0)
            p["internal_unit"] = cu[i % len(cu)]
            rr[key] = i + 1

    order = {u: i for i, u in enumerate(units)}
    postorder = {"internal_principal": 0, "internal_deputy": 1, "none": 2}
    rest.sort(key=lambda p: (p["establishment"] == "worker", order.get(p.get("internal_unit"), 99),
                             postorder[p["post"]]))
    people += rest

    out = []
    for p in people:
        if p["post"] in ("principal", "deputy"):
            joined = rand_date(D(1990, 7, 1), D(2008, 12, 31))
        elif p["post"] != "none":
            joined = rand_date(D(1995, 7, 1), D(2014, 12, 31))
        else:
            joined = rand_date(D(1992, 7, 1), D(2024, 5, 31))
        row = {"id": new_pid(), "establishment": p["establishment"], "post": p["post"]}
        if p.get("post_rank"):
            row["post_rank"] = p["post_rank"]
        if p.get("internal_unit"):
            row["internal_unit"] = p["internal_unit"]
        row["joined"] = joined
        if joined >= HIRE_CUTOFF:
            row["hiring_approval"] = hiring_doc(inst["id"], joined.year)
        out.append(row)
    return out


# --------------------------------------------------------------------------
# assemble institutions in snapshot form

def make_event(inst, spec):
    etype, date, level, body, docnum, extra = spec
    extra = dict(extra)
    basis = extra.pop("basis", "staffing_approval")
    if docnum is None:
        prefix = {"staffing_committee": "青编", "staffing_office": "青编办"}[body]
        docnum = docno(prefix, date.year, start=5)
    ev = {"type": etype, "date": date,
          "authority": {"level": level, "body": body},
          "basis": basis}
    structural = etype in ("establish", "abolish", "merge")
    if structural and inst["category"] in (GOV, MANAGED):
        ev["filed_with_congress"] = True
    ev["collective_decision"] = True
    ev["document_number"] = docnum
    proposed = date - dt.timedelta(days=rng.randint(70, 110))
    assessed = proposed + dt.timedelta(days=rng.randint(15, 35))
    decided = assessed + dt.timedelta(days=rng.randint(10, 25))
    if decided > date:
        decided = date
    implemented = min(date + dt.timedelta(days=rng.randint(5, 20)), AS_OF)
    ev["steps"] = {"proposed": proposed, "assessed": assessed,
                   "decided": decided, "implemented": implemented}
    ev["reported"] = True
    for k in ("new_name", "new_rank", "unit_name"):
        if extra.get(k):
            ev[k] = extra[k]
    if extra.get("staffing_delta"):
        ev["staffing_delta"] = extra["staffing_delta"]
    return ev


SANDING_PREFIX = {PARTY: "青办发", GOV: "青办发", MANAGED: "青办发", DISPATCHED: "青编",
                  TOWN: "青办发", SUBDISTRICT: "青办发", OTHER: "青办发", PUBLIC: "青编"}


def sanding_doc(inst):
    if inst.get("sanding"):
        prefix, issued = inst["sanding"]
    else:
        prefix = SANDING_PREFIX[inst["category"]]
        if inst["category"] == PUBLIC:
            issued = rand_date(D(2019, 6, 10), D(2019, 11, 29))
        elif inst["category"] in (DISPATCHED,):
            issued = rand_date(D(2019, 7, 1), D(2019, 9, 30))
        else:
            issued = rand_date(D(2019, 3, 20), D(2019, 6, 28))
    n = docno(prefix, issued.year)
    name = inst["name"].replace("县", "青禾县", 1) if inst["name"].startswith("县") else inst["name"]
    if inst["category"] in (TOWN, SUBDISTRICT):
        name = "青禾县" + inst["name"]
    if inst["category"] == PARTY:
        name = "中共" + name
    if inst["category"] == PUBLIC:
        title = f"《{name}主要职责、内设机构和人员编制规定》"
    else:
        title = f"《{name}职能配置、内设机构和人员编制规定》"
    return title, n, issued


def assemble(inst):
    title, n, issued = sanding_doc(inst)
    approved = {"document": title, "document_number": n, "issued": issued}
    if inst["category"] == PUBLIC:
        approved["articles"] = {"functions": 2, "internal_units": 3, "staffing": 4}
    approved["staffing"] = {k: v for k, v in inst["staffing"].items() if v}
    approved["leadership"] = dict(inst["lead"])
    approved["internal_units"] = list(inst["units"])
    approved["functions"] = list(inst["functions"])

    out = {"id": inst["id"], "name": inst["name"]}
    if inst.get("name_in_use"):
        out["name_in_use"] = inst["name_in_use"]
    if inst.get("plates"):
        out["plates"] = inst["plates"]
    out["category"] = inst["category"]
    if inst["category"] == PUBLIC:
        out["public_institution_type"] = inst["public_type"]
    out["rank"] = inst["rank"]
    out["within_limit"] = inst["category"] in (PARTY, GOV)
    if inst.get("parent"):
        out["parent"] = inst["parent"]
    if inst.get("established"):
        out["established"] = inst["established"]
    if inst.get("abolished"):
        out["abolished"] = inst["abolished"]
    if inst["category"] == PUBLIC:
        status = inst.get("registration_status", "registered")
        reg = {"status": status}
        if status != "unregistered":
            reg["last_annual_report"] = rand_date(D(2024, 1, 15), D(2024, 3, 29))
        out["registration"] = reg
    out["approved"] = approved
    out["internal_units"] = list(inst.get("actual_units", inst["units"]))
    out["staff"] = inst["roster"]
    evs = [make_event(inst, e) for e in inst.get("events", [])]
    if evs:
        out["events"] = sorted(evs, key=lambda e: e["date"])
    return out


def generate():
    # planted tweaks on the internal form, before rosters
    BY_ID["QH-SWJ"]["actual_units"] = BY_ID["QH-SWJ"]["units"] + ["电子商务股"]
    BY_ID["QH-SWJ"]["unit_without_head"] = ("对外经济贸易股",)

    overrides = {
        "QH-JYJ": dict(actual={"administrative": 12}),        # approved 10
        "QH-NYJ": dict(actual={"administrative": 23}),        # approved 20, exempted
        "QH-KGJ": dict(actual={"administrative": 8, "public_service": 2}),
        "QH-SLJ": dict(actual={"administrative": 10}, deputies=4),  # approved 3 deputies
        "QH-SHFLY": dict(actual={"public_service": 10}),
        "QH-MZJ": dict(actual={"administrative": 10}),
    }
    for inst in INSTITUTIONS:
        inst["roster"] = build_roster(inst, **overrides.get(inst["id"], {}))

    # 1. QH-JYJ: the last two hires are 军转干部 placed by the organisation department, beyond 编制
    jyj = BY_ID["QH-JYJ"]["roster"]
    extras = [p for p in jyj if p["post"] == "none" and p["establishment"] == "administrative"][-2:]
    for p in extras:
        p["joined"] = D(2023, 8, 15)
        p["hiring_approval"] = "青组通〔2023〕15号"

    # 3. QH-ZJJ: principal held at 副处级
    for p in BY_ID["QH-ZJJ"]["roster"]:
        if p["post"] == "principal":
            p["post_rank"] = "vice_division"

    # 6. QH-KGJ: public_service staff in a government department
    for p in BY_ID["QH-KGJ"]["roster"]:
        if p["establishment"] == "public_service":
            p["joined"] = rand_date(D(2016, 1, 1), D(2017, 12, 31))
            p.pop("hiring_approval", None)

    # 5. duplicate person: an MZJ official still on the roster of the 社会福利院
    mzj_row = [p for p in BY_ID["QH-MZJ"]["roster"]
               if p["post"] == "none" and p["joined"] < D(2018, 1, 1)][0]
    fly = BY_ID["QH-SHFLY"]["roster"]
    idx = max(i for i, p in enumerate(fly) if p["establishment"] == "public_service" and p["post"] == "none")
    dup = {"id": mzj_row["id"], "establishment": "public_service", "post": "none",
           "internal_unit": fly[idx].get("internal_unit", "综合股"),
           "joined": mzj_row["joined"] - dt.timedelta(days=3 * 365)}
    fly[idx] = dup

    # 7. secondment out of 石桥镇 without approval; two approved, short secondments elsewhere
    sqz = [p for p in BY_ID["QH-SQZ"]["roster"]
           if p["post"] == "none" and p["establishment"] == "administrative"][0]
    sqz["working_at"] = "QH-XWB"
    sqz["seconded_since"] = D(2023, 10, 9)
    for src, dst, since, approval in [("QH-TJJ", "QH-ZFB", D(2024, 5, 6), "青组借〔2024〕3号"),
                                      ("QH-CZJ", "QH-XCBAN", D(2024, 4, 15), "青组借〔2024〕2号")]:
        p = [q for q in BY_ID[src]["roster"] if q["post"] == "none" and q["establishment"] == "administrative"][-1]
        p["working_at"] = dst
        p["seconded_since"] = since
        p["secondment_approval"] = approval

    # CGJ: four 编外 协管员 (not a finding: 编外 staff hold no 编制)
    cgj = BY_ID["QH-CGJ"]["roster"]
    for _ in range(4):
        joined = rand_date(D(2019, 3, 1), D(2023, 12, 31))
        cgj.append({"id": new_pid(), "establishment": "none", "post": "none",
                    "internal_unit": "综合执法大队", "joined": joined})

    institutions = [assemble(i) for i in INSTITUTIONS]
    return institutions


def coordination_bodies():
    return [
        {"id": "QH-YX-01", "name": "县委全面深化改革委员会", "established": D(2019, 3, 12),
         "approval": "青发〔2019〕6号", "temporary": False, "office_host": "QH-XWB",
         "separate_staffing": 0, "has_office": False},
        {"id": "QH-YX-02", "name": "县委全面依法治县委员会", "established": D(2019, 3, 12),
         "approval": "青发〔2019〕6号", "temporary": False, "office_host": "QH-SFJ",
         "separate_staffing": 0, "has_office": False},
        {"id": "QH-YX-03", "name": "县委审计委员会", "established": D(2019, 3, 12),
         "approval": "青发〔2019〕6号", "temporary": False, "office_host": "QH-SJJ",
         "separate_staffing": 0, "has_office": False},
        {"id": "QH-YX-04", "name": "县委财经委员会", "established": D(2019, 3, 12),
         "approval": "青发〔2019〕6号", "temporary": False, "office_host": "QH-FGJ",
         "separate_staffing": 0, "has_office": False},
        {"id": "QH-YX-05", "name": "县创建全国文明城市指挥部", "established": D(2021, 4, 8),
         "approval": "青办发〔2021〕11号", "temporary": True, "term_ends": D(2025, 12, 31),
         "office_host": "QH-XCB", "separate_staffing": 0, "has_office": False},
        {"id": "QH-YX-06", "name": "县新冠肺炎疫情防控工作指挥部", "established": D(2020, 1, 24),
         "approval": "青办发〔2020〕2号", "temporary": True, "term_ends": D(2023, 3, 31),
         "office_host": "QH-WJJ", "separate_staffing": 0, "has_office": False,
         "abolished": D(2023, 2, 20)},
        # planted: temporary, term ended 2021-12-31, never abolished
        {"id": "QH-YX-07", "name": "县第七次全国人口普查领导小组", "established": D(2019, 11, 20),
         "approval": "青政办发〔2019〕38号", "temporary": True, "term_ends": D(2021, 12, 31),
         "office_host": "QH-TJJ", "separate_staffing": 0, "has_office": False},
        # planted: a coordination body with its own office (指挥部办公室)
        {"id": "QH-YX-08", "name": "县城区棚户区改造工作指挥部", "established": D(2020, 5, 11),
         "approval": "青政办发〔2020〕19号", "temporary": True, "term_ends": D(2025, 6, 30),
         "separate_staffing": 0, "has_office": True},
    ]


def exemptions():
    return [{
        "provision": {"source": "gwy486", "article": 6, "paragraph": 2},
        "subject": EXEMPTED,
        "document_number": "澄编〔2024〕11号",
        "authority": {"level": "city", "body": "staffing_committee"},
        "until": D(2025, 12, 31),
        "reason": "2024年机构改革将县乡村振兴局并入县农业农村局，原有人员随职能划转，"
                  "行政编制暂时超出核定数，过渡期内通过自然减员逐步消化，期间不得新进人员",
    }]


def region(institutions):
    admin = sum(i["approved"]["staffing"].get("administrative", 0)
                + i["approved"]["staffing"].get("political_legal", 0) for i in institutions)
    ps = sum(i["approved"]["staffing"].get("public_service", 0) for i in institutions)
    # the approved limits, with a reserve (机动编制) above what has been allocated
    admin_limit = (admin // 10 + 2) * 10
    ps_limit = (ps // 50 + 2) * 50
    return {
        "code": "999001",
        "name": "青禾县",
        "level": "county",
        "limits": {
            "party_bodies": 11,
            "government_departments": 26,
            "administrative_staffing": admin_limit,
            "public_service_staffing": ps_limit,
            "document_number": "青编〔2019〕1号",
        },
        "party_committee_term_start": D(2021, 9, 26),
        "last_staffing_verification": D(2022, 9, 30),
    }


# --------------------------------------------------------------------------
# YAML output

class Dumper(yaml.SafeDumper):
    def increase_indent(self, flow=False, indentless=False):
        return super().increase_indent(flow, False)


def _repr_str(dumper, value):
    tag = dumper.resolve(yaml.ScalarNode, value, (True, False))
    style = '"' if tag != "tag:yaml.org,2002:str" else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


Dumper.add_representer(str, _repr_str)


def dump(obj):
    return yaml.dump(obj, Dumper=Dumper, allow_unicode=True, sort_keys=False,
                     default_flow_style=False, width=1000, indent=2)


def write_all():
    institutions = generate()
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    os.makedirs(OUT)
    reg = region(institutions)
    top = {"snapshot": "v1", "as_of": AS_OF, "region": reg,
           "coordination_bodies": coordination_bodies(), "exemptions": exemptions()}
    with open(os.path.join(OUT, "region.yaml"), "w", encoding="utf-8") as f:
        f.write("# 青禾县机构编制数据快照（虚构示例，区划代码999001不对应任何真实地区）\n")
        f.write(dump(top))

    files = {}
    for src, inst in zip(INSTITUTIONS, institutions):
        files.setdefault(src["file"], []).append(inst)
    for rel, items in files.items():
        path = os.path.join(OUT, "institutions", rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        names = "、".join(f"{i['name']}（{i['id']}）" for i in items)
        with open(path, "w", encoding="utf-8") as f:
            f.write(f"# {names}\n")
            f.write(dump(items[0] if len(items) == 1 else items))
    return institutions


# --------------------------------------------------------------------------
# README (Chinese first), generated so that person ids and counts stay exact

def write_readme(institutions):
    by = {i["id"]: i for i in institutions}

    def count(iid, est):
        return sum(1 for p in by[iid]["staff"] if p["establishment"] == est)

    zjj_p = next(p["id"] for p in by["QH-ZJJ"]["staff"] if p["post"] == "principal")
    slj_d = [p["id"] for p in by["QH-SLJ"]["staff"] if p["post"] == "deputy"]
    kgj_ps = [p["id"] for p in by["QH-KGJ"]["staff"] if p["establishment"] == "public_service"]
    jyj_x = [p["id"] for p in by["QH-JYJ"]["staff"] if p.get("hiring_approval") == "青组通〔2023〕15号"]
    ids = {}
    for i in institutions:
        for p in i["staff"]:
            ids.setdefault(p["id"], []).append(i["id"])
    dup = next(k for k, v in ids.items() if len(v) > 1)
    sqz = next(p["id"] for p in by["QH-SQZ"]["staff"] if p.get("working_at"))
    swj_n = sum(1 for p in by["QH-SWJ"]["staff"] if p.get("internal_unit") == "电子商务股")
    rows = sum(len(i["staff"]) for i in institutions)
    cats = {}
    for i in institutions:
        cats[i["category"]] = cats.get(i["category"], 0) + 1
    reg = region(institutions)
    lim = reg["limits"]

    planted = [
        ("1", "QH-JYJ 县交通运输局", "超编：实有行政编制人员{a}名，核定{b}名（多2名；{x}为2023年安置的军转干部）".format(
            a=count("QH-JYJ", "administrative"), b=by["QH-JYJ"]["approved"]["staffing"]["administrative"],
            x="、".join(jyj_x)),
         "`staff[].establishment` 对 `approved.staffing.administrative`", "gwy486 第6条第2款；第26条第（四）项"),
        ("2", "QH-SLJ 县水利局", "超职数：副职{n}名（{ids}），核定副职领导职数3名".format(
            n=len(slj_d), ids="、".join(slj_d)),
         "`staff[].post: deputy` 对 `approved.leadership.deputy`", "gwy486 第26条第（五）项；tiaoli 第12条第2款"),
        ("3", "QH-ZJJ 县住房和城乡建设局", f"超规格：局长 {zjj_p} 的职务层次为副处级，机构规格为正科级",
         "`staff[].post_rank: vice_division` 对 `rank: section`", "gwy486 第26条第（五）项"),
        ("4", "QH-SWJ 县商务局", f"擅设内设机构：实设“电子商务股”（{swj_n}人），三定未核定",
         "`internal_units` 对 `approved.internal_units`", "gwy486 第13条"),
        ("5", f"人员 {dup}（QH-MZJ 县民政局、QH-SHFLY 县社会福利院）",
         "一人占两编：同一人员编号同时列入县民政局（行政编制）和县社会福利院（事业编制）实名制",
         "`staff[].id` 在两个机构重复", "gwy486 第6条第2款；第26条第（四）项"),
        ("6", "QH-KGJ 县科学技术和工业信息化局", "混编混岗：政府工作部门中有事业编制人员2名（{}），核定事业编制为0".format(
            "、".join(kgj_ps)),
         "`staff[].establishment: public_service`", "gwy486 第15条；tz2007-2 第二部分"),
        ("7", f"人员 {sqz}（QH-SQZ 石桥镇）", "从乡镇借调到县委办公室（QH-XWB），自2023-10-09起，无借调批准文号（已超过3个月）",
         "`staff[].working_at` / `seconded_since`，缺 `secondment_approval`", "基层减负有关规定（待核）；地方借调管理规定"),
        ("8", "QH-RFB 县人民防空办公室", "2022-08-16 由县编委自行批准将规格由副科级调整为正科级（应报上一级政府批准）",
         "`events[type=change_rank].authority.level: county`", "gwy486 第9条"),
        ("9", "QH-YJJ 县应急管理局", "2021-07-12 增加行政编制4名，依据为上级业务部门文件",
         "`events[type=add_staffing].basis: line_department_document`", "tiaoli 第27条；gwy486 第7条"),
        ("10", "QH-WMSJ 县新时代文明实践中心", "事业单位2020年批准设立后未办理登记（也无年度报告）",
         "`registration.status: unregistered`", "sydwdj 第3条"),
        ("11", "QH-YX-07 县第七次全国人口普查领导小组", "临时性议事协调机构任务期限2021-12-31已届满，未撤销",
         "`coordination_bodies[].term_ends` 早于 `as_of`，无 `abolished`", "gwy486 第11条"),
        ("12", "QH-YX-08 县城区棚户区改造工作指挥部", "议事协调机构单独设立办事机构",
         "`coordination_bodies[].has_office: true`", "gwy486 第12条"),
    ]

    L = []
    w = L.append
    w("# 青禾县（示例案例）")
    w("")
    w("青禾县是一个**虚构**的县（区划代码 `999001`，不对应任何真实地区），隶属同样虚构的澄州市（文号前缀“澄”）。"
      "本案例是 bianzhi 随附的整县机构编制数据快照，数据日期 2024-06-30，按 `shared/spec/snapshot-v1.md` "
      "的文件夹形式组织，人员均为匿名编号（`P` + 6 位数字），不含任何真实姓名。")
    w("")
    w("县为正处级；县委工作机关、政府工作部门和乡镇（街道）为正科级。2019 年机构改革后设党委机构 11 个、"
      f"政府工作部门 26 个（限额 {lim['party_bodies']}/{lim['government_departments']}，依据 {lim['document_number']}）；"
      "2024 年改革新设县委社会工作部、县数据局，县乡村振兴局并入县农业农村局（县农业农村局由此暂时超编，"
      "有澄州市编委批准的过渡期例外，至 2025-12-31）。")
    w("")
    w("数据由 `scripts/gen_example_county.py` 确定性生成（固定随机种子），请勿手工修改快照文件，改生成器后重新运行：")
    w("")
    w("```")
    w("python3 scripts/gen_example_county.py          # 生成并校验")
    w("python3 scripts/gen_example_county.py --check  # 只校验")
    w("```")
    w("")
    w("## 文件结构")
    w("")
    w("| 路径 | 内容 |")
    w("|---|---|")
    w("| `snapshot/region.yaml` | 版本、数据日期、地区及限额、议事协调机构（8个）、批准例外（1项） |")
    w("| `snapshot/institutions/party/` | 11 个县委工作机关，每文件一个 |")
    w("| `snapshot/institutions/government/` | 26 个政府工作部门（每文件一个）；`department-managed.yaml`、`dispatched.yaml` 为列表 |")
    w("| `snapshot/institutions/public/` | 事业单位，按系统分文件（列表）；`qh-wmsj.yaml` 为单个 |")
    w("| `snapshot/institutions/towns/` | 乡镇、街道；镇和街道每文件一个，`xiang.yaml` 为三个乡的列表 |")
    w("| `snapshot/institutions/other/` | 纪委监委机关、人大、政协、法院、检察院、群团机关 |")
    w("")
    w("## 数量")
    w("")
    w("| 类别 | 数量 |")
    w("|---|---|")
    names = {"party_body": "党委工作机关 party_body", "government_department": "政府工作部门 government_department",
             "department_managed": "部门管理机构 department_managed", "dispatched": "派出机构 dispatched",
             "public_institution": "事业单位 public_institution", "township": "乡镇 township",
             "subdistrict": "街道 subdistrict", "other_organ": "其他机关 other_organ"}
    for k in names:
        w(f"| {names[k]} | {cats.get(k, 0)} |")
    w(f"| **机构合计** | **{len(institutions)}** |")
    w(f"| 实名制人员记录 | {rows}（人员编号 {len(ids)} 个，含 1 个重复） |")
    w(f"| 核定行政编制＋政法专项编制合计 | {sum(i['approved']['staffing'].get('administrative', 0) + i['approved']['staffing'].get('political_legal', 0) for i in institutions)}（总额 {lim['administrative_staffing']}） |")
    w(f"| 核定事业编制合计 | {sum(i['approved']['staffing'].get('public_service', 0) for i in institutions)}（总额 {lim['public_service_staffing']}） |")
    w("")
    w("## 埋设的问题（测试应当报告的发现）")
    w("")
    w("共 12 处。除下表和“应当豁免”一节外，其余数据均按合规设计；若检查出其他问题，先核对规则。")
    w("")
    w("| # | 对象 | 问题 | 字段 | 参考依据 |")
    w("|---|---|---|---|---|")
    for r in planted:
        w("| " + " | ".join(r) + " |")
    w("")
    w("说明：同一处问题按规则设计可能产生不止一条发现——")
    w("第1处超编，两名超编人员2023-08-15入编时本局已无空编，各另报一条“无空编录用、调入公务员”；"
      "第6处既是“实有事业编制人员超过核定数（0）”，也是“机关使用事业编制”；"
      "第7处既无批准文号，借调期限也已超过地方规定的3个月；第10处未登记，自然也没有年度报告；"
      "第1处的2名超编人员有组织部门安置文号（`hiring_approval: 青组通〔2023〕15号`），不是“无用编核准”。")
    w("")
    w("## 应当豁免或不应报告的情形")
    w("")
    w("| 对象 | 情形 | 预期 |")
    w("|---|---|---|")
    w(f"| QH-NYJ 县农业农村局 | 实有行政编制人员 {count('QH-NYJ', 'administrative')} 名，核定 {by['QH-NYJ']['approved']['staffing']['administrative']} 名 | 例外（`provision: gwy486 第6条第2款`，澄编〔2024〕11号，至2025-12-31）覆盖，报告为已豁免（exempted） |")
    w("| QH-CGJ 县城市管理局 | `name_in_use` 为“县城市管理综合行政执法局” | 该名称是核定的加挂牌子（`plates`），合规 |")
    w("| QH-CGJ 县城市管理局 | 4 名编外协管员（`establishment: none`） | 不占编制，不计入超编，也不需要用编核准 |")
    w("| QH-TJJ、QH-CZJ 各1人 | 借调到县政府办公室、县委巡察办 | 有批准文号，且不满3个月，合规 |")
    w("| QH-YX-06 县新冠肺炎疫情防控工作指挥部 | 临时机构，期限已过 | 已于2023-02-20撤销，合规 |")
    w("| QH-XZJ 县乡村振兴局 | 已撤销（2024-03-28），仍保留记录 | 无人员，不计入限额，合规 |")
    w("| 乡镇（街道）综合服务中心（`QH-*-FW`） | 乡镇所属事业单位，主管部门为乡镇 | 事业编制在事业单位，乡镇机关本身只有行政编制 |")
    w("| 县编委批准的事项 | 县级事业单位设立、内设机构增设、编制增减、领导职数调整 | 属县级编制部门权限，合规（只有第8处改变机构规格越权） |")
    w("| 其他机关的领导职务层次 | 人大、政协机关为正处级，纪委监委、法院、检察院为副处级 | 领导职务层次不高于机构规格 |")
    w("| 县委党校、县档案馆 | `registration.status: filed` | 已备案，视同已登记 |")
    w("")
    w("所有已登记或已备案的事业单位均在 2024-01-15 至 2024-03-29 之间报送了 2023 年度报告；"
      "2018 年以后入编的人员均有用编核准文号；各机构事项的审批步骤（动议、论证、审议决定、组织实施）日期依次递增。")
    w("")
    w("---")
    w("")
    w("## English summary")
    w("")
    w("Qinghe (青禾县, code `999001`) is a fictional county. The snapshot is in folder form, as of 2024-06-30: "
      f"{len(institutions)} institutions (11 party bodies and 26 government departments within the limits of 11/26), "
      f"{rows} roster rows, 8 coordination bodies and 1 exemption in force. It is generated deterministically by "
      "`scripts/gen_example_county.py`. Twelve violations are planted (table above, columns: #, subject, problem, field, "
      "reference); the over-establishment of QH-NYJ is covered by the exemption and must be reported as exempted. "
      "Everything else is meant to be compliant.")
    w("")
    with open(os.path.join(os.path.dirname(OUT), "README.md"), "w", encoding="utf-8") as f:
        f.write("\n".join(L))


# --------------------------------------------------------------------------
# verification (reads the files back)

ENUMS = {
    "category": {"party_body", "government_department", "department_managed", "dispatched",
                 "public_institution", "township", "subdistrict", "other_organ"},
    "public_institution_type": {"administrative_function", "public_welfare_1", "public_welfare_2", "business"},
    "registration.status": {"registered", "filed", "unregistered"},
    "establishment": {"administrative", "political_legal", "public_service", "worker", "none"},
    "post": {"principal", "deputy", "internal_principal", "internal_deputy", "none"},
    "type": {"establish", "abolish", "merge", "rename", "change_rank", "change_category", "add_staffing",
             "reduce_staffing", "add_internal_unit", "add_leadership", "adjust_functions"},
    "authority.body": {"party_committee", "government", "staffing_committee", "staffing_office",
                       "department", "none"},
    "basis": {"staffing_approval", "line_department_document", "industry_standard", "leader_instruction", "other"},
}
RANKS = ["ministry", "vice_ministry", "bureau", "vice_bureau", "division", "vice_division",
         "section", "vice_section"]
LEVELS = ["central", "province", "city", "county", "township"]

INST_KEYS = {"id", "name", "name_in_use", "plates", "category", "public_institution_type", "rank",
             "within_limit", "parent", "established", "abolished", "registration", "approved",
             "internal_units", "staff", "events"}
APPROVED_KEYS = {"document", "document_number", "issued", "articles", "staffing", "leadership",
                 "internal_units", "functions"}
STAFFING_KEYS = {"administrative", "political_legal", "public_service", "worker"}
LEAD_KEYS = {"principal", "deputy", "internal_principal", "internal_deputy"}
PERSON_KEYS = {"id", "establishment", "post", "post_rank", "internal_unit", "joined", "hiring_approval",
               "working_at", "seconded_since", "secondment_approval"}
EVENT_KEYS = {"type", "date", "authority", "basis", "filed_with_congress", "collective_decision",
              "document_number", "steps", "reported", "new_name", "new_rank", "staffing_delta", "unit_name"}
CB_KEYS = {"id", "name", "established", "approval", "temporary", "term_ends", "office_host",
           "separate_staffing", "has_office", "abolished"}
EX_KEYS = {"rule", "provision", "subject", "document_number", "authority", "until", "reason"}
DOCNO = re.compile(r"^.+〔\d{4}〕\d+号$")


def verify():
    errors = []

    def err(msg):
        errors.append(msg)

    def is_date(v):
        return isinstance(v, dt.date) and not isinstance(v, dt.datetime)

    with open(os.path.join(OUT, "region.yaml"), encoding="utf-8") as f:
        text = f.read()
    top = yaml.safe_load(text)
    if top.get("snapshot") != "v1" or not is_date(top.get("as_of")):
        err("region.yaml: snapshot/as_of")
    as_of = top["as_of"]
    reg = top["region"]
    if not isinstance(reg["code"], str) or '"999001"' not in text:
        err("region.code must be the quoted string 999001")
    if reg["level"] not in LEVELS:
        err("region.level")

    insts = []
    for dirpath, _, fnames in sorted(os.walk(os.path.join(OUT, "institutions"))):
        for fn in sorted(fnames):
            path = os.path.join(dirpath, fn)
            with open(path, encoding="utf-8") as f:
                raw = f.read()
            if not raw.startswith("# "):
                err(f"{path}: must start with a comment line")
            if "\\u" in raw or "\\x" in raw:
                err(f"{path}: escaped characters")
            data = yaml.safe_load(raw)
            items = data if isinstance(data, list) else [data]
            for it in items:
                insts.append((path, it))

    ids = [i["id"] for _, i in insts]
    if len(ids) != len(set(ids)):
        err("duplicate institution ids")
    known = set(ids)
    cb_ids = {c["id"] for c in top.get("coordination_bodies", [])}
    person_seen = {}
    n_rows = 0
    for path, i in insts:
        where = f"{os.path.relpath(path, OUT)}:{i.get('id')}"
        for k in i:
            if k not in INST_KEYS:
                err(f"{where}: unknown key {k}")
        for k in ("id", "name", "category", "rank", "within_limit", "approved", "internal_units", "staff"):
            if k not in i:
                err(f"{where}: missing {k}")
        if i["category"] not in ENUMS["category"]:
            err(f"{where}: category")
        if i["rank"] not in RANKS:
            err(f"{where}: rank")
        if not isinstance(i["within_limit"], bool):
            err(f"{where}: within_limit")
        if i["within_limit"] != (i["category"] in (PARTY, GOV)):
            err(f"{where}: within_limit vs category")
        if "parent" in i and i["parent"] not in known:
            err(f"{where}: parent {i['parent']}")
        if i["category"] in (MANAGED, PUBLIC, DISPATCHED) and "parent" not in i:
            err(f"{where}: parent missing")
        if i["category"] == PUBLIC:
            if i.get("public_institution_type") not in ENUMS["public_institution_type"]:
                err(f"{where}: public_institution_type")
            r = i.get("registration") or {}
            if r.get("status") not in ENUMS["registration.status"]:
                err(f"{where}: registration.status")
            if "last_annual_report" in r and not is_date(r["last_annual_report"]):
                err(f"{where}: last_annual_report")
        elif "public_institution_type" in i or "registration" in i:
            err(f"{where}: public-only fields")
        a = i["approved"]
        for k in a:
            if k not in APPROVED_KEYS:
                err(f"{where}: approved.{k}")
        for k in ("document", "document_number", "issued", "staffing", "leadership", "internal_units", "functions"):
            if k not in a:
                err(f"{where}: approved.{k} missing")
        if not DOCNO.match(a["document_number"]) or not is_date(a["issued"]):
            err(f"{where}: approved document number/issued")
        if set(a["staffing"]) - STAFFING_KEYS or set(a["leadership"]) - LEAD_KEYS:
            err(f"{where}: staffing/leadership keys")
        if not (2 <= len(a["functions"]) <= 4):
            err(f"{where}: functions count")
        for p in i["staff"]:
            n_rows += 1
            for k in p:
                if k not in PERSON_KEYS:
                    err(f"{where}: person key {k}")
            if not re.match(r"^P\d{6}$", p["id"]):
                err(f"{where}: person id {p['id']}")
            person_seen.setdefault(p["id"], []).append(i["id"])
            if p["establishment"] not in ENUMS["establishment"] or p["post"] not in ENUMS["post"]:
                err(f"{where}: person enum {p['id']}")
            if "post_rank" in p and p["post_rank"] not in RANKS:
                err(f"{where}: post_rank")
            if "internal_unit" in p and p["internal_unit"] not in i["internal_units"]:
                err(f"{where}: person {p['id']} unit {p['internal_unit']} not an actual unit")
            if "working_at" in p and p["working_at"] not in known:
                err(f"{where}: working_at")
            if "seconded_since" in p and p["seconded_since"] > as_of:
                err(f"{where}: seconded_since after as_of")
            if not is_date(p["joined"]) or p["joined"] > as_of:
                err(f"{where}: joined")
        prev = None
        for e in i.get("events", []):
            for k in e:
                if k not in EVENT_KEYS:
                    err(f"{where}: event key {k}")
            if e["type"] not in ENUMS["type"] or e["authority"]["body"] not in ENUMS["authority.body"] \
                    or e["authority"]["level"] not in LEVELS or e.get("basis", "other") not in ENUMS["basis"]:
                err(f"{where}: event enum")
            if "new_rank" in e and e["new_rank"] not in RANKS:
                err(f"{where}: new_rank")
            s = e["steps"]
            seq = [s[k] for k in ("proposed", "assessed", "decided", "implemented")]
            if seq != sorted(seq) or seq[-1] > as_of or not (s["decided"] <= e["date"] <= s["implemented"]):
                err(f"{where}: event steps out of order {seq} {e['date']}")
            if prev and e["date"] < prev:
                err(f"{where}: events not oldest first")
            prev = e["date"]
            if not DOCNO.match(e["document_number"]):
                err(f"{where}: event document number")
    dups = {k: v for k, v in person_seen.items() if len(v) > 1}
    if sorted(dups.values()) != [["QH-MZJ", "QH-SHFLY"]]:
        err(f"duplicate persons: {dups}")

    cats = {}
    for _, i in insts:
        if i["within_limit"] and not i.get("abolished"):
            cats[i["category"]] = cats.get(i["category"], 0) + 1
    if cats.get(PARTY) != reg["limits"]["party_bodies"] or cats.get(GOV) != reg["limits"]["government_departments"]:
        err(f"limits: {cats}")
    admin = sum(i["approved"]["staffing"].get("administrative", 0) + i["approved"]["staffing"].get("political_legal", 0)
                for _, i in insts)
    ps = sum(i["approved"]["staffing"].get("public_service", 0) for _, i in insts)
    if admin > reg["limits"]["administrative_staffing"] or ps > reg["limits"]["public_service_staffing"]:
        err("region staffing totals above limits")

    for c in top["coordination_bodies"]:
        for k in c:
            if k not in CB_KEYS:
                err(f"coordination body key {k}")
        if "office_host" in c and c["office_host"] not in known:
            err(f"coordination body office_host {c['office_host']}")
        if not isinstance(c["temporary"], bool) or not is_date(c["established"]):
            err(f"coordination body {c['id']}")
    if len(cb_ids) != len(top["coordination_bodies"]) or cb_ids & known:
        err("coordination body ids")
    for x in top["exemptions"]:
        for k in x:
            if k not in EX_KEYS:
                err(f"exemption key {k}")
        if x["subject"] not in known | cb_ids | set(person_seen) | {reg["code"]}:
            err(f"exemption subject {x['subject']}")
        if ("rule" in x) == ("provision" in x):
            err("exemption: exactly one of rule/provision")
        if x["authority"]["level"] not in LEVELS or x["authority"]["body"] not in ENUMS["authority.body"]:
            err("exemption authority")
        if not is_date(x["until"]) or x["until"] <= as_of:
            err("exemption must be in force")

    by_cat = {}
    for _, i in insts:
        by_cat[i["category"]] = by_cat.get(i["category"], 0) + 1
    print(f"institutions: {len(insts)} {by_cat}")
    print(f"roster rows: {n_rows}, distinct persons: {len(person_seen)}")
    print(f"coordination bodies: {len(top['coordination_bodies'])}, exemptions: {len(top['exemptions'])}")
    print(f"approved administrative+political_legal: {admin} (limit {reg['limits']['administrative_staffing']}), "
          f"public_service: {ps} (limit {reg['limits']['public_service_staffing']})")
    if errors:
        for e in errors:
            print("ERROR:", e)
        return False
    print("verify: OK")
    return True


if __name__ == "__main__":
    if "--check" not in sys.argv:
        write_readme(write_all())
    sys.exit(0 if verify() else 1)
