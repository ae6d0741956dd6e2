#!/usr/bin/env python3
"""Deterministic generator of synthetic, contract-valid snapshots (snapshot v1) for benchmarks.

    python3 Benchmarks/generate.py --institutions 10000 --form file   --out Benchmarks/data/s10000.yaml
    python3 Benchmarks/generate.py --institutions 10000 --form folder --out Benchmarks/data/s10000

The output is valid per shared/spec/snapshot-v1.md (`bianzhi check` exits 0), with about
30 roster rows per institution on average, and a small planted fraction of rule
violations (over-establishment, excess deputies, unapproved internal units and names,
events without approval, late annual reports, unregistered public institutions,
unapproved or overlong secondments, one government department over the region's
limit, expired temporary coordination bodies, expired exemptions) so that
`bianzhi audit` has findings to report: about 120 on 1000 institutions.  YAML text is written directly (no
PyYAML), block style, UTF-8.  Same arguments and seed, same bytes.
"""

import argparse
import os
import random
import sys

AS_OF = "2024-06-30"
REGION_CODE = "370199"

TOP_CATEGORIES = ("party_body", "government_department")
# Categories of the non-top institutions, weighted.
SUB_CATEGORIES = (
    ["public_institution"] * 12 + ["department_managed"] * 3 + ["township"] * 2
    + ["subdistrict"] + ["dispatched"] + ["other_organ"]
)
PUBLIC_TYPES = ("administrative_function", "public_welfare_1", "public_welfare_1", "public_welfare_2", "business")
UNIT_NAMES = (
    "办公室", "综合科", "政策法规科", "财务审计科", "人事科", "规划科", "监督检查科", "信息中心",
    "行政审批科", "宣传科", "业务一科", "业务二科", "安全生产科", "法制科", "督查科", "档案室",
)
FUNCTIONS = (
    "贯彻执行国家和省、市有关方针政策和法律法规",
    "拟订本行业发展规划并组织实施",
    "负责本系统的行政审批和监督管理",
    "负责本部门的财务、审计和国有资产管理",
    "承担本行业安全生产监督管理责任",
    "负责本系统的人事管理和队伍建设",
    "组织开展相关统计和信息化工作",
    "完成县委、县政府交办的其他任务",
)
NAME_SUFFIX = {
    "party_body": "部", "government_department": "局", "department_managed": "管理局",
    "dispatched": "派出所", "public_institution": "中心", "township": "镇",
    "subdistrict": "街道办事处", "other_organ": "委员会",
}
EVENT_TYPES = ("add_staffing", "reduce_staffing", "rename", "change_rank", "add_internal_unit",
               "add_leadership", "adjust_functions")
AUTH_BODIES = ("staffing_committee", "staffing_committee", "staffing_office", "party_committee", "government")


def date(y, m, d):
    return "%04d-%02d-%02d" % (y, m, d)


class Gen:
    def __init__(self, n, seed):
        self.n = n
        self.r = random.Random(seed)
        self.person = 0
        self.n_top = max(4, n // 20)
        self.ids = ["I%06d" % (i + 1) for i in range(n)]
        self.staff_ids = []   # a sample of person ids, for exemptions
        self.cat = []
        self.totals = {"party_body": 0, "government_department": 0, "admin": 0, "public": 0}

    # ---------------------------------------------------------------- institutions

    def categories(self):
        r = self.r
        for i in range(self.n):
            if i < self.n_top:
                self.cat.append(TOP_CATEGORIES[i % 2])
            else:
                self.cat.append(r.choice(SUB_CATEGORIES))

    def institution(self, i):
        """One institution as a list of lines at indentation 0 (a block mapping)."""
        r = self.r
        cat = self.cat[i]
        iid = self.ids[i]
        top = i < self.n_top
        L = []
        a = L.append
        a("id: " + iid)
        a("name: 第%d%s" % (i + 1, NAME_SUFFIX[cat]))
        plate = r.random() < 0.15
        if plate and r.random() < 0.3:
            a("name_in_use: 第%d办公室" % (i + 1))  # uses its approved plate
        elif r.random() < 0.005:
            a("name_in_use: 第%d%s服务中心" % (i + 1, NAME_SUFFIX[cat]))  # unapproved name (planted)
        if plate:
            a("plates:")
            a("- 第%d办公室" % (i + 1))
        a("category: " + cat)
        if cat == "public_institution":
            a("public_institution_type: " + r.choice(PUBLIC_TYPES))
        if top or cat in ("township", "subdistrict"):
            rank = "section"
        else:
            rank = "vice_section" if r.random() < 0.6 else "section"
        a("rank: " + rank)
        within = top
        if top:
            self.totals[cat] += 1
        a("within_limit: " + ("true" if within else "false"))
        if not top and cat in ("department_managed", "public_institution", "dispatched", "other_organ"):
            a("parent: " + self.ids[r.randrange(self.n_top)])
        ey = r.randint(1985, 2020)
        em, ed = r.randint(1, 12), r.randint(1, 28)
        a("established: " + date(ey, em, ed))
        if r.random() < 0.005:
            a("abolished: " + date(2023, r.randint(1, 12), r.randint(1, 28)))
        if cat == "public_institution":
            a("registration:")
            a("  status: " + ("unregistered" if r.random() < 0.02 else "registered"))
            late = r.random() < 0.02
            a("  last_annual_report: " + (date(2023, r.randint(1, 6), r.randint(1, 28)) if late
                                          else date(2024, r.randint(1, 3), r.randint(1, 28))))

        # Roster first (in memory), so the approval can be sized from it.
        size = r.randint(5, 55)
        nunits = r.randint(2, 7)
        units = r.sample(UNIT_NAMES, nunits)
        if cat == "public_institution":
            kinds = ("public_service",) * 16 + ("worker",) * 2 + ("none",) * 2
        elif cat == "dispatched":
            kinds = ("political_legal",) * 14 + ("administrative",) * 3 + ("worker",) + ("none",) * 2
        else:
            kinds = ("administrative",) * 16 + ("worker",) * 2 + ("none",) * 2
        deputies = r.randint(2, 4)
        counts = {"administrative": 0, "political_legal": 0, "public_service": 0, "worker": 0, "none": 0}
        S = []
        s = S.append
        seconded_rate = 0.01
        for k in range(size):
            self.person += 1
            pid = "P%07d" % self.person
            if k == 0:
                post, est = "principal", kinds[0]
            elif k <= deputies:
                post, est = "deputy", kinds[0]
            elif k <= deputies + nunits:
                post, est = "internal_principal", kinds[0]
            else:
                post, est = "none", kinds[r.randrange(20)]
            counts[est] += 1
            s("- id: " + pid)
            s("  establishment: " + est)
            if post != "none":
                s("  post: " + post)
                s("  post_rank: " + (rank if post == "principal" else
                                     ("vice_section" if post == "deputy" else "vice_section")))
            if post != "principal" and post != "deputy":
                s("  internal_unit: " + units[k % nunits])
            if est != "none":
                jy = r.randint(max(ey, 1990), 2024)
                s("  joined: " + date(jy, r.randint(1, 6), r.randint(1, 28)))
                if jy >= 2015:
                    s("  hiring_approval: 县编办用编〔%d〕%d号" % (jy, r.randint(1, 400)))
            if r.random() < seconded_rate:
                s("  working_at: " + self.ids[r.randrange(self.n)])
                bad_secondment = r.random() < 0.1
                since = ((2022, r.randint(1, 12)) if bad_secondment and r.random() < 0.5
                         else r.choice(((2023, r.randint(8, 12)), (2024, r.randint(1, 6)))))
                s("  seconded_since: " + date(since[0], since[1], r.randint(1, 28)))
                if not bad_secondment or r.random() < 0.5:
                    s("  secondment_approval: 县编办借〔%d〕%d号" % (since[0], r.randint(1, 99)))
            if k == 7 and len(self.staff_ids) < 100000:
                self.staff_ids.append(pid)

        # Approved establishment: actual + slack; about 3 % over-established (planted).
        over = r.random() < 0.03
        def approved(kind):
            c = counts[kind]
            if c == 0:
                return 0
            return max(0, c - r.randint(1, 3)) if over and kind == kinds[0] else c + r.randint(0, 3)
        adm, pl, ps, wk = (approved("administrative"), approved("political_legal"),
                           approved("public_service"), approved("worker"))
        self.totals["admin"] += adm + pl
        self.totals["public"] += ps

        a("approved:")
        a("  document: 《第%d%s职能配置、内设机构和人员编制规定》" % (i + 1, NAME_SUFFIX[cat]))
        iy = max(ey, 2019) if r.random() < 0.7 else ey
        a("  document_number: 县编发〔%d〕%d号" % (iy, r.randint(1, 300)))
        a("  issued: " + date(iy, r.randint(1, 12), r.randint(1, 28)))
        if r.random() < 0.1:
            a("  articles:")
            a("    functions: 2")
            a("    internal_units: 3")
            a("    staffing: 4")
        a("  staffing:")
        if adm:
            a("    administrative: %d" % adm)
        if pl:
            a("    political_legal: %d" % pl)
        if ps:
            a("    public_service: %d" % ps)
        a("    worker: %d" % wk)
        a("  leadership:")
        a("    principal: 1")
        # ~2 % have more deputies in post than approved (planted).
        a("    deputy: %d" % (deputies - 1 if r.random() < 0.02 else deputies))
        a("    internal_principal: %d" % nunits)
        a("    internal_deputy: %d" % r.randint(0, nunits))
        # ~2 % run an internal unit that was never approved (planted).
        rogue = r.random() < 0.02
        approved_units = units[:-1] if rogue and nunits > 1 else units
        a("  internal_units:")
        for u in approved_units:
            a("  - " + u)
        a("  functions:")
        for f in r.sample(FUNCTIONS, r.randint(3, 6)):
            a("  - " + f)
        a("internal_units:")
        for u in units:
            a("- " + u)
        a("staff:")
        L.extend(S)

        # Events: establish, then a few changes in date order.
        a("events:")
        nev = r.randint(1, 4)
        dates = sorted(
            [(ey, em, ed)]
            + [(r.randint(max(ey, 2000) + 1, 2024), r.randint(1, 6), r.randint(1, 28)) for _ in range(nev - 1)]
        )
        for j, (y, m, d) in enumerate(dates):
            etype = "establish" if j == 0 else r.choice(EVENT_TYPES)
            a("- type: " + etype)
            a("  date: " + date(y, m, d))
            a("  authority:")
            # ~2 % decided by a department or by nobody (planted).
            bad = r.random() < 0.01
            structural = etype in ("establish", "abolish", "merge", "rename", "change_rank")
            a("    level: " + ("city" if structural and not bad else "county"))
            a("    body: " + (r.choice(("department", "none")) if bad else r.choice(AUTH_BODIES)))
            if etype == "establish":
                a("  basis: " + ("leader_instruction" if bad else "staffing_approval"))
                if top:
                    a("  filed_with_congress: " + ("true" if r.random() < 0.95 else "false"))
            a("  collective_decision: " + ("false" if bad else "true"))
            a("  document_number: 县编发〔%d〕%d号" % (y, r.randint(1, 300)))
            if r.random() < 0.7:
                py = y - 1 if m == 1 else y
                pm = 12 if m == 1 else m - 1
                a("  steps:")
                a("    proposed: " + date(py, pm, 1))
                a("    assessed: " + date(py, pm, 15))
                a("    decided: " + date(y, m, max(1, d - 5) if d > 5 else 1))
                a("    implemented: " + date(y, m, d))
            a("  reported: " + ("false" if bad else "true"))
            if etype == "rename":
                a("  new_name: 第%d%s（更名）" % (i + 1, NAME_SUFFIX[cat]))
            elif etype == "change_rank":
                a("  new_rank: " + rank)
            elif etype in ("add_staffing", "reduce_staffing"):
                a("  staffing_delta:")
                a("    %s: %d" % (kinds[0], r.randint(1, 5) * (1 if etype == "add_staffing" else -1)))
            elif etype == "add_internal_unit":
                a("  unit_name: " + units[-1])
        return L

    # ---------------------------------------------------------------- snapshot head

    def head(self):
        """Top-level keys before the institutions: version, date, region (limits need totals)."""
        t = self.totals
        # Limits: just above the actual counts, except that government departments are one over (planted).
        return "\n".join([
            "# Synthetic benchmark snapshot (Benchmarks/generate.py), %d institutions." % self.n,
            "snapshot: v1",
            "as_of: " + AS_OF,
            "region:",
            "  code: \"%s\"" % REGION_CODE,
            "  name: 清河县（合成数据）",
            "  level: county",
            "  limits:",
            "    party_bodies: %d" % (t["party_body"] + 1),
            "    government_departments: %d" % max(0, t["government_department"] - 1),
            "    administrative_staffing: %d" % (t["admin"] + t["admin"] // 50),
            "    public_service_staffing: %d" % (t["public"] + t["public"] // 50),
            "    document_number: 鲁编〔2019〕8号",
            "  party_committee_term_start: 2021-09-25",
            "  last_staffing_verification: 2023-11-15",
        ]) + "\n"

    def tail(self):
        """Coordination bodies and exemptions, referencing existing ids."""
        r = self.r
        L = []
        a = L.append
        nb = max(3, self.n // 50)
        a("coordination_bodies:")
        for b in range(nb):
            a("- id: C%05d" % (b + 1))
            a("  name: 第%d领导小组" % (b + 1))
            a("  established: " + date(r.randint(2010, 2023), r.randint(1, 12), r.randint(1, 28)))
            a("  approval: 县委办〔%d〕%d号" % (r.randint(2010, 2023), r.randint(1, 99)))
            temp = r.random() < 0.3
            a("  temporary: " + ("true" if temp else "false"))
            if temp:
                # ~1/6 of temporary bodies are past their term (planted).
                a("  term_ends: " + date(r.choice((2022, 2025, 2026, 2027, 2028, 2029)), r.randint(1, 12), 28))
            a("  office_host: " + self.ids[r.randrange(self.n_top)])
            if r.random() < 0.02:
                a("  separate_staffing: %d" % r.randint(1, 5))
                a("  has_office: true")
        ne = max(2, self.n // 200)
        a("exemptions:")
        for e in range(ne):
            kind = r.random()
            if kind < 0.7:
                subject = self.ids[r.randrange(self.n)]
            elif kind < 0.9 and self.staff_ids:
                subject = r.choice(self.staff_ids)
            else:
                subject = "C%05d" % (r.randrange(nb) + 1)
            if r.random() < 0.5:
                a("- rule: \"*\"")
            else:
                a("- provision:")
                a("    source: gwy486")
                a("    article: %d" % r.randint(10, 20))
            a("  subject: " + subject)
            a("  document_number: 县编委〔%d〕%d号" % (r.randint(2019, 2024), r.randint(1, 50)))
            a("  authority:")
            a("    level: county")
            a("    body: staffing_committee")
            # ~20 % already expired (planted).
            a("  until: " + date(r.choice((2023, 2025, 2025, 2026, 2027)), 12, 31))
            a("  reason: 机构改革过渡期内逐步消化超编人员")
        return "\n".join(L) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--institutions", type=int, required=True, help="number of institutions")
    ap.add_argument("--form", choices=("file", "folder"), required=True)
    ap.add_argument("--out", required=True, help="output .yaml file (file form) or folder (folder form)")
    ap.add_argument("--seed", type=int, default=20240630)
    args = ap.parse_args()
    n = args.institutions
    if n < 1:
        ap.error("--institutions must be at least 1")

    g = Gen(n, args.seed)
    g.categories()
    if args.form == "file":
        os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
        tmp = args.out + ".part"
        body = tmp + ".body"
        # Institutions go to a body file first: the region limits in the head need their totals.
        with open(body, "w", encoding="utf-8") as f:
            f.write("institutions:\n")
            buf = []
            for i in range(n):
                lines = g.institution(i)
                buf.append("- " + "\n  ".join(lines) + "\n")
                if len(buf) >= 500:
                    f.write("".join(buf))
                    buf.clear()
            f.write("".join(buf))
        with open(tmp, "w", encoding="utf-8") as out:
            out.write(g.head())
            with open(body, "r", encoding="utf-8") as f:
                while True:
                    chunk = f.read(1 << 24)
                    if not chunk:
                        break
                    out.write(chunk)
            out.write(g.tail())
        os.remove(body)
        os.replace(tmp, args.out)
    else:
        root = args.out
        inst = os.path.join(root, "institutions")
        os.makedirs(inst, exist_ok=True)
        for i in range(n):
            sub = os.path.join(inst, "%03d" % (i // 1000))
            if i % 1000 == 0:
                os.makedirs(sub, exist_ok=True)
            with open(os.path.join(sub, g.ids[i] + ".yaml"), "w", encoding="utf-8") as f:
                f.write("\n".join(g.institution(i)) + "\n")
        with open(os.path.join(root, "region.yaml"), "w", encoding="utf-8") as f:
            f.write(g.head())
            f.write(g.tail())
    print("generated %d institutions, %d roster rows -> %s" % (n, g.person, args.out), file=sys.stderr)


if __name__ == "__main__":
    main()
