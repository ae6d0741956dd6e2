#!/usr/bin/env python3
"""Generate the realistic cases built on published 三定 figures (Cases/real-*/).

    python3 scripts/gen_real_cases.py            # write every case
    python3 scripts/gen_real_cases.py --check    # fail if a written file differs

Each case pairs a real department's approved figures (establishment, leader posts,
internal units) as /work/shared/reference/regulations.md §7 gives them with a roster
constructed here: once compliant (`Cases/real-<name>/`, `expect: []`) and once with
constructed violations (`Cases/real-<name>-violations/`). The rosters, person ids,
joining dates, document numbers and every violation are invented; each case's README
says which figures are real and which are filled in. Output is deterministic (one
seeded RNG per case, fixed order). The READMEs and case.yaml files are hand-written.
"""

import datetime as dt
import os
import random
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
D = dt.date


# --------------------------------------------------------------------------
# YAML output (flow mappings for persons and events keep the files readable)

def scalar(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, D):
        return value.isoformat()
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {scalar(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(scalar(v) for v in value) + "]"
    text = str(value)
    if text[:1] in "[{\"'&*!|>%@`#" or ": " in text or " #" in text or text.isdigit():
        return '"' + text.replace('"', '\\"') + '"'
    return text


def person(pid, establishment, post=None, post_rank=None, unit=None, joined=None, approval=None):
    fields = {"id": pid, "establishment": establishment}
    if post:
        fields["post"] = post
    if post_rank:
        fields["post_rank"] = post_rank
    if unit:
        fields["internal_unit"] = unit
    if joined:
        fields["joined"] = joined
    if approval:
        fields["hiring_approval"] = approval
    return fields


def institution_yaml(inst):
    """One institution as a block mapping; lists of persons and events one flow item per line."""
    lines = []
    first = True
    for key, value in inst.items():
        prefix = "  - " if first else "    "
        first = False
        if key in ("staff", "events") and value:
            lines.append(f"{prefix}{key}:")
            lines.extend(f"      - {scalar(item)}" for item in value)
        elif key == "approved":
            lines.append(f"{prefix}approved:")
            lines.extend(f"      {k}: {scalar(v)}" for k, v in value.items())
        elif isinstance(value, list) and value and len(scalar(value)) > 90:
            lines.append(f"{prefix}{key}:")
            lines.extend(f"      - {scalar(item)}" for item in value)
        else:
            lines.append(f"{prefix}{key}: {scalar(value)}")
    return "\n".join(lines)


def snapshot_yaml(header, as_of, region, institutions, coordination_bodies=()):
    out = [f"# {line}" for line in header] + ["snapshot: v1", f"as_of: {as_of.isoformat()}", "region:"]
    out.extend(f"  {k}: {scalar(v)}" for k, v in region.items())
    out.append("institutions:")
    for inst in institutions:
        out.append(institution_yaml(inst))
    if coordination_bodies:
        out.append("coordination_bodies:")
        out.extend(f"  - {scalar(body)}" for body in coordination_bodies)
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------
# rosters

def random_date(rng, start, end):
    return start + dt.timedelta(days=rng.randrange((end - start).days + 1))


def approval_for(joined, counter, prefix):
    """Hires after the 条例 took effect carry a (constructed) 用编核准 number."""
    if joined < D(2019, 8, 5):
        return None
    counter[joined.year] = counter.get(joined.year, 0) + 1
    return f"{prefix}〔{joined.year}〕{counter[joined.year]}号"


def central_roster(rng, code, units, total, principal=1, deputies=4, unit_deputies=2,
                   latest=D(2019, 12, 31), approval_prefix="虚构用编"):
    """A State Council body's roster: leaders, one head and `unit_deputies` deputies per 司, then staff.

    Every joining date falls on or before `latest`; hires after 2019-08-05 carry an approval number."""
    counter = {}
    staff = []
    serial = 0

    def next_id():
        nonlocal serial
        serial += 1
        return f"{code}-P{serial:04d}"

    def joined_between(start):
        return random_date(rng, start, latest)

    for _ in range(principal):
        j = joined_between(D(1988, 7, 1))
        staff.append(person(next_id(), "administrative", "principal", "ministry", None, j, approval_for(j, counter, approval_prefix)))
    for _ in range(deputies):
        j = joined_between(D(1990, 7, 1))
        staff.append(person(next_id(), "administrative", "deputy", "vice_ministry", None, j, approval_for(j, counter, approval_prefix)))
    for unit in units:
        j = joined_between(D(1992, 7, 1))
        staff.append(person(next_id(), "administrative", "internal_principal", "bureau", unit, j, approval_for(j, counter, approval_prefix)))
        for _ in range(unit_deputies):
            j = joined_between(D(1995, 7, 1))
            staff.append(person(next_id(), "administrative", "internal_deputy", "vice_bureau", unit, j, approval_for(j, counter, approval_prefix)))
    index = 0
    while len(staff) < total:
        unit = units[index % len(units)]
        index += 1
        j = joined_between(D(1996, 7, 1))
        staff.append(person(next_id(), "administrative", None, None, unit, j, approval_for(j, counter, approval_prefix)))
    return staff


# --------------------------------------------------------------------------
# the cases

CENTRAL = {"code": "000000", "name": "中央", "level": "central"}

NHC_UNITS = [
    "办公厅", "人事司", "规划发展与信息化司", "财务司", "法规司", "体制改革司", "疾病预防控制局", "医政医管局",
    "基层卫生健康司", "卫生应急办公室", "科技教育司", "综合监督局", "药物政策与基本药物制度司",
    "食品安全标准与监测评估司", "老龄健康司", "妇幼健康司", "职业健康司", "人口监测与家庭发展司", "宣传司",
    "国际合作司", "保健局", "机关党委", "离退休干部局",
]

MEE_UNITS = [
    "办公厅", "中央生态环境保护督察办公室", "综合司", "法规与标准司", "行政体制与人事司", "科技与财务司",
    "自然生态保护司", "水生态环境司", "海洋生态环境司", "大气环境司", "应对气候变化司", "土壤生态环境司",
    "固体废物与化学品司", "核设施安全监管司", "核电安全监管司", "辐射源安全监管司", "环境影响评价与排放管理司",
    "生态环境监测司", "生态环境执法局", "国际合作司", "宣传教育司",
]

SAMR_UNITS = [
    "办公厅", "综合规划司", "法规司", "执法稽查局", "登记注册局", "信用监督管理司", "反垄断局",
    "价格监督检查和反不正当竞争局", "网络交易监督管理司", "广告监督管理司", "质量发展局", "产品质量安全监督管理司",
    "食品生产安全监督管理司", "食品经营安全监督管理司", "特殊食品安全监督管理司", "食品安全抽检监测司",
    "食品安全协调司", "特种设备安全监察局", "计量司", "标准技术管理司", "标准创新管理司", "认证监督管理司",
    "认可与检验检测监督管理司", "新闻宣传司", "科技和财务司", "人事司", "国际合作司",
]

REFORM_2018 = {  # the 2018 State Council reform plan: proposed, assessed, decided by the NPC, implemented
    "type": "establish", "date": D(2018, 3, 17), "authority": {"level": "central", "body": "congress"},
    "collective_decision": True,
}


def reform_event(implemented):
    event = dict(REFORM_2018)
    event["steps"] = {"proposed": D(2018, 2, 28), "assessed": D(2018, 3, 13), "decided": D(2018, 3, 17), "implemented": implemented}
    return event


def nhc(violations):
    rng = random.Random(20180910)
    staff = central_roster(rng, "NHC", NHC_UNITS, 498, latest=D(2020, 1, 31))
    units = list(NHC_UNITS)
    if violations:
        # a fifth 副主任, a third deputy in one 司, two hires beyond the 525 posts, an unapproved 司
        staff.append(person("NHC-P0499", "administrative", "deputy", "vice_ministry", None, D(2019, 12, 2), "虚构用编〔2019〕90号"))
        staff.append(person("NHC-P0500", "administrative", "internal_deputy", "vice_bureau", "医政医管局", D(2019, 11, 4), "虚构用编〔2019〕91号"))
        for n in range(501, 526):  # fill the remaining vacancies in September 2019
            staff.append(person(f"NHC-P{n:04d}", "administrative", None, None, NHC_UNITS[n % len(NHC_UNITS)], D(2019, 9, 2), f"虚构用编〔2019〕{n - 400}号"))
        for n in (526, 527):       # then two more, with no vacancy left
            staff.append(person(f"NHC-P{n:04d}", "administrative", None, None, NHC_UNITS[n % len(NHC_UNITS)], D(2020, 3, 2), f"虚构用编〔2020〕{n - 500}号"))
        units.append("数据管理司")
    inst = {
        "id": "NHC", "name": "国家卫生健康委员会", "category": "government_department",
        "state_council_type": "constituent", "rank": "ministry", "within_limit": True,
        "approved": {
            "document": "《国家卫生健康委员会职能配置、内设机构和人员编制规定》",
            "staffing": {"administrative": 525},
            "leadership": {"principal": 1, "deputy": 4, "internal_principal": 23, "internal_deputy": 65},
            "internal_units": NHC_UNITS,
        },
        "internal_units": units,
        "staff": staff,
        "events": [reform_event(D(2018, 3, 27))],
    }
    header = ["国家卫生健康委员会（国务院组成部门）：2018年三定规定的公开数字（行政编制525名，主任1名、副主任4名，",
              "司局级领导职数88名，23个内设机构）。名册、入编日期和文号均为构造，人员匿名。见同目录 README.md。"]
    if violations:
        header.append("本快照埋设了构造的违规，不是对该部门的真实检查结论。")
    return snapshot_yaml(header, D(2020, 6, 30), CENTRAL, [inst])


def mee(violations):
    rng = random.Random(20230924)
    staff = central_roster(rng, "MEE", MEE_UNITS, 490, latest=D(2025, 3, 31))
    events = [
        reform_event(D(2018, 4, 16)),
        {"type": "add_staffing", "date": D(2023, 9, 24), "authority": {"level": "central", "body": "party_committee"},
         "collective_decision": True, "staffing_delta": {"administrative": 4},
         "steps": {"proposed": D(2023, 3, 16), "assessed": D(2023, 6, 30), "decided": D(2023, 9, 24), "implemented": D(2023, 9, 24)}},
        {"type": "add_leadership", "date": D(2023, 9, 24), "authority": {"level": "central", "body": "party_committee"},
         "collective_decision": True,
         "steps": {"proposed": D(2023, 3, 16), "assessed": D(2023, 6, 30), "decided": D(2023, 9, 24), "implemented": D(2023, 9, 24)}},
    ]
    inst = {
        "id": "MEE", "name": "生态环境部", "plates": ["国家核安全局"], "category": "government_department",
        "state_council_type": "constituent", "rank": "ministry", "within_limit": True,
        "approved": {
            "document": "《生态环境部职能配置、内设机构和人员编制规定》",
            "staffing": {"administrative": 504},
            "leadership": {"principal": 1, "deputy": 4, "internal_principal": 21, "internal_deputy": 58},
            "internal_units": MEE_UNITS,
        },
        "internal_units": MEE_UNITS,
        "staff": staff,
        "events": events,
    }
    if violations:
        # a fifth 副部长, the former name on documents, the 2023 编制 approved by the 编办 alone,
        # and a function adjustment the ministry decided itself with no procedure on record
        staff.append(person("MEE-P0491", "administrative", "deputy", "vice_ministry", None, D(2024, 1, 8), "虚构用编〔2024〕40号"))
        inst = dict(inst)
        inst = {k: inst[k] for k in ["id", "name"]} | {"name_in_use": "环境保护部"} | {k: v for k, v in inst.items() if k not in ("id", "name")}
        events[1] = dict(events[1], authority={"level": "central", "body": "staffing_office"})
        events.append({"type": "adjust_functions", "date": D(2024, 5, 20), "authority": {"level": "central", "body": "department"}})
    header = ["生态环境部（国务院组成部门，对外保留国家核安全局牌子）：2023年9月调整后的公开数字（行政编制504名，",
              "司局级领导职数79名，21个内设机构；部长1名、副部长4名沿用2018年三定）。名册、入编日期和文号均为构造，",
              "人员匿名。见同目录 README.md。"]
    if violations:
        header.append("本快照埋设了构造的违规，不是对该部门的真实检查结论。")
    return snapshot_yaml(header, D(2025, 6, 30), CENTRAL, [inst])


def samr(violations):
    rng = random.Random(20180911)
    staff = central_roster(rng, "SAMR", SAMR_UNITS, 780, latest=D(2020, 5, 29))
    if violations:
        # a fifth 副局长 (six leaders in all), a second head of the 办公厅, a 2019 hire with no 用编核准
        staff.append(person("SAMR-P0781", "administrative", "deputy", "vice_ministry", None, D(2019, 9, 2), "虚构用编〔2019〕120号"))
        staff.append(person("SAMR-P0782", "administrative", "internal_principal", "bureau", "办公厅", D(2019, 9, 2), "虚构用编〔2019〕121号"))
        staff.append(person("SAMR-P0783", "administrative", None, None, "计量司", D(2019, 10, 8)))
    inst = {
        "id": "SAMR", "name": "国家市场监督管理总局", "category": "government_department",
        "state_council_type": "directly_affiliated", "rank": "ministry", "within_limit": True,
        "approved": {
            "document": "《国家市场监督管理总局职能配置、内设机构和人员编制规定》",
            "staffing": {"administrative": 805},
            "leadership": {"principal": 1, "deputy": 4, "internal_principal": 27, "internal_deputy": 93},
            "internal_units": SAMR_UNITS,
        },
        "internal_units": SAMR_UNITS,
        "staff": staff,
        "events": [reform_event(D(2018, 4, 10))],
    }
    header = ["国家市场监督管理总局（国务院直属机构，正部级）：2018年三定规定的公开数字（机关行政编制805名，局长1名、",
              "副局长4名，司局级领导职数120名，27个司局）。名册、入编日期和文号均为构造，人员匿名。见同目录 README.md。"]
    if violations:
        header.append("本快照埋设了构造的违规，不是对该部门的真实检查结论。")
    return snapshot_yaml(header, D(2020, 6, 30), CENTRAL, [inst])


def caoxian(violations):
    region = {"code": "000001", "name": "曹县", "level": "county",
              "party_committee_term_start": D(2021, 10, 1),
              "last_staffing_verification": D(2017, 6, 30) if violations else D(2022, 9, 30)}
    full_steps = lambda p, a, d, i: {"proposed": p, "assessed": a, "decided": d, "implemented": i}
    office_staff = [
        person("CX-P01", "administrative", "principal", "section", None, D(2006, 8, 1)),
        person("CX-P02", "administrative", "deputy", "vice_section", None, D(2009, 7, 15)),
        person("CX-P03", "administrative", "internal_principal", None, "综合科", D(2012, 9, 1)),
        person("CX-P04", "administrative", "internal_principal", None, "机构编制科", D(2014, 3, 3)),
        person("CX-P05", "administrative", None, None, "监督检查室", D(2017, 10, 9)),
        person("CX-P06", "administrative", None, None, "机构编制科", D(2020, 10, 12), "虚构用编〔2020〕8号"),
    ]
    units = ["综合科", "机构编制科", "监督检查室", "事业单位监督管理局"]
    office_events = [
        {"type": "transfer_staffing", "date": D(2024, 7, 15), "authority": {"level": "central", "body": "staffing_office"},
         "counterparty_level": "city", "collective_decision": True, "staffing_delta": {"administrative": -2},
         "document_number": "虚构编〔2024〕3号", "steps": full_steps(D(2024, 1, 16), D(2024, 3, 12), D(2024, 6, 20), D(2024, 7, 15))},
    ]
    if violations:
        office_staff.append(person("CX-P07", "administrative", "internal_deputy", None, "综合科", D(2016, 5, 3)))
        office_staff.append(person("CX-P08", "administrative", None, None, "信息科", D(2024, 2, 1)))
        units = units + ["信息科"]
        office_events = [
            {"type": "add_internal_unit", "date": D(2023, 4, 10), "authority": {"level": "city", "body": "staffing_office"},
             "unit_name": "信息科", "collective_decision": True, "reported": False,
             "steps": full_steps(D(2022, 11, 7), D(2023, 1, 12), D(2023, 3, 20), D(2023, 4, 10))},
            dict(office_events[0], authority={"level": "province", "body": "staffing_office"}),
            {"type": "add_leadership", "date": D(2024, 11, 5), "authority": {"level": "county", "body": "staffing_committee"}},
        ]
    office = {
        "id": "CX-BWB", "name": "曹县机构编制委员会办公室", "category": "party_body", "rank": "section", "within_limit": True,
        "approved": {
            "document": "《曹县机构编制委员会办公室职能配置、内设机构和人员编制规定》",
            "staffing": {"administrative": 12},
            "leadership": {"principal": 1, "deputy": 2, "internal_principal": 3, "internal_deputy": 0},
            "internal_units": ["综合科", "机构编制科", "监督检查室", "事业单位监督管理局"],
        },
        "internal_units": units,
        "staff": office_staff,
        "events": office_events,
    }
    unit_staff = [
        person("CX-S01", "public_service", "principal", "vice_section", None, D(2005, 9, 1)),
        person("CX-S02", "public_service", "deputy", None, None, D(2008, 7, 7)),
        person("CX-S03", "public_service", None, None, None, D(2010, 8, 2)),
        person("CX-S04", "public_service", None, None, None, D(2012, 8, 6)),
        person("CX-S05", "public_service", None, None, None, D(2015, 9, 1)),
        person("CX-S06", "public_service", None, None, None, D(2018, 8, 20)),
        person("CX-S07", "public_service", None, None, None, D(2021, 9, 1), "虚构用编〔2021〕15号"),
        person("CX-S08", "public_service", None, None, None, D(2023, 8, 28), "虚构用编〔2023〕11号"),
    ]
    if violations:
        unit_staff.append(person("CX-S09", "public_service", None, None, None, D(2025, 3, 3), "虚构用编〔2025〕4号"))
    public_unit = {
        "id": "CX-SYJ", "name": "曹县事业单位监督管理局", "category": "public_institution",
        "public_institution_type": "public_welfare_1", "rank": "vice_section", "within_limit": False, "parent": "CX-BWB",
        "registration": {"status": "registered", "last_annual_report": D(2025, 3, 18)},
        "approved": {"staffing": {"public_service": 8}, "leadership": {"principal": 1, "deputy": 1}},
        "staff": unit_staff,
    }
    abolished_unit = {
        "id": "CX-DZZW", "name": "曹县机构编制电子政务中心", "category": "public_institution",
        "public_institution_type": "public_welfare_1", "rank": "vice_section", "within_limit": False, "parent": "CX-BWB",
        "abolished": D(2023, 12, 31),
        "registration": {"status": "registered" if violations else "deregistered", "last_annual_report": D(2023, 3, 20)},
        "approved": {"staffing": {"public_service": 0}, "leadership": {"principal": 1, "deputy": 0}},
    }
    header = ["曹县机构编制委员会办公室（山东，县委工作部门，正科级）：县志所载数字（行政编制12名、实有6名；",
              "事业编制8名、实有8名；4个内设机构）。数据日期、名册其余细节、事项和文号均为构造，人员匿名。",
              "区划代码参考资料未给出，000001 为占位代码。见同目录 README.md。"]
    if violations:
        header.append("本快照埋设了构造的违规，不是对该单位的真实检查结论。")
    return snapshot_yaml(header, D(2025, 12, 31), region, [office, public_unit, abolished_unit])


def yanhu(violations):
    region = {"code": "000002", "name": "盐湖区", "level": "county", "last_staffing_verification": D(2022, 9, 15)}
    staff = [
        person("YH-P01", "administrative", "principal", "section", None, D(2003, 7, 1)),
        person("YH-P02", "administrative", "deputy", "vice_section", None, D(2008, 8, 1)),
        person("YH-P03", "administrative", "deputy", "vice_section", None, D(2011, 9, 1)),
        person("YH-P04", "administrative", None, None, None, D(2013, 10, 8)),
        person("YH-P05", "administrative", None, None, None, D(2016, 12, 1)),
        person("YH-P06", "administrative", None, None, None, D(2020, 11, 2), "虚构用编〔2020〕21号"),
        person("YH-W01", "worker", None, None, None, D(2009, 3, 2)),
    ]
    if violations:
        staff += [
            person("YH-P07", "administrative", None, None, None, D(2021, 11, 1), "虚构用编〔2021〕30号"),
            person("YH-P08", "administrative", "deputy", "vice_section", None, D(2022, 3, 1), "虚构用编〔2022〕6号"),
            person("YH-W02", "worker", None, None, None, D(2022, 5, 10), "虚构用编〔2022〕9号"),
            person("YH-S01", "public_service", None, None, None, D(2015, 4, 1)),
        ]
    inst = {
        "id": "YH-TZB", "name": "盐湖区委统战部", "category": "party_body", "rank": "section", "within_limit": True,
        "approved": {"staffing": {"administrative": 7, "worker": 1}, "leadership": {"principal": 1, "deputy": 2}},
        "staff": staff,
    }
    header = ["盐湖区委统战部（山西运城市盐湖区，区委工作部门）：2022年机构编制核查自查报告所载数字（行政编制7名、",
              "工勤编制1名，实有7名；部门领导职数3名，实配3名）。正副职的划分、名册细节和文号均为构造，人员匿名。",
              "区划代码参考资料未给出，000002 为占位代码。见同目录 README.md。"]
    if violations:
        header.append("本快照埋设了构造的违规，不是对该单位的真实检查结论。")
    return snapshot_yaml(header, D(2022, 9, 15), region, [inst])


CASES = {
    "real-nhc": lambda: nhc(False), "real-nhc-violations": lambda: nhc(True),
    "real-mee": lambda: mee(False), "real-mee-violations": lambda: mee(True),
    "real-samr": lambda: samr(False), "real-samr-violations": lambda: samr(True),
    "real-caoxian": lambda: caoxian(False), "real-caoxian-violations": lambda: caoxian(True),
    "real-yanhu": lambda: yanhu(False), "real-yanhu-violations": lambda: yanhu(True),
}


def main():
    check = "--check" in sys.argv[1:]
    stale = []
    for name, build in CASES.items():
        path = os.path.join(ROOT, "Cases", name, "snapshot.yaml")
        text = build()
        if check:
            try:
                with open(path, encoding="utf-8") as f:
                    if f.read() != text:
                        stale.append(path)
            except FileNotFoundError:
                stale.append(path)
        else:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
    if stale:
        print("stale: " + ", ".join(stale), file=sys.stderr)
        sys.exit(1)
    print(("checked " if check else "wrote ") + f"{len(CASES)} snapshots")


if __name__ == "__main__":
    main()
