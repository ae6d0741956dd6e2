/// The snapshot schema, version 1 (`shared/spec/snapshot-v1.md`), defined once, as data.
///
/// Loading, the JSON Schema for editors, the field reference `docs/snapshot.md` and the
/// rule type checker all read these definitions; nothing else lists the fields.
public enum SnapshotSchema {
    public static let version = "v1"

    // MARK: Enumerations

    public static let rank = EnumType(name: "Rank", label: "机构规格", ordered: true, cases: [
        EnumCase("ministry", "正部级"),
        EnumCase("vice_ministry", "副部级"),
        EnumCase("bureau", "正厅（局）级", aliases: ["正厅级", "正局级"]),
        EnumCase("vice_bureau", "副厅（局）级", aliases: ["副厅级", "副局级"]),
        EnumCase("division", "正处（县）级", aliases: ["正处级", "正县级"]),
        EnumCase("vice_division", "副处（县）级", aliases: ["副处级", "副县级"]),
        EnumCase("section", "正科（乡）级", aliases: ["正科级", "正乡级"]),
        EnumCase("vice_section", "副科（乡）级", aliases: ["副科级", "副乡级"]),
    ])

    public static let level = EnumType(name: "Level", label: "层级", ordered: true, cases: [
        EnumCase("central", "中央"),
        EnumCase("province", "省级"),
        EnumCase("city", "市级"),
        EnumCase("county", "县级"),
        EnumCase("township", "乡级"),
    ])

    public static let category = EnumType(name: "Category", label: "机构类别", cases: [
        EnumCase("party_body", "党委工作机关"),
        EnumCase("government_department", "政府工作部门"),
        EnumCase("department_managed", "部门管理机构"),
        EnumCase("dispatched", "派出机构"),
        EnumCase("public_institution", "事业单位"),
        EnumCase("township", "乡镇"),
        EnumCase("subdistrict", "街道"),
        EnumCase("other_organ", "其他机关"),
    ])

    public static let publicInstitutionType = EnumType(name: "PublicInstitutionType", label: "事业单位类别", cases: [
        EnumCase("administrative_function", "承担行政职能"),
        EnumCase("public_welfare_1", "公益一类"),
        EnumCase("public_welfare_2", "公益二类"),
        EnumCase("business", "生产经营类"),
    ])

    public static let registrationStatus = EnumType(name: "RegistrationStatus", label: "事业单位登记状态", cases: [
        EnumCase("registered", "已登记"),
        EnumCase("filed", "已备案"),
        EnumCase("unregistered", "未登记"),
        EnumCase("deregistered", "已注销"),
    ])

    public static let establishment = EnumType(name: "Establishment", label: "编制类型", cases: [
        EnumCase("administrative", "行政编制"),
        EnumCase("political_legal", "政法专项编制"),
        EnumCase("public_service", "事业编制"),
        EnumCase("worker", "工勤编制"),
        EnumCase("none", "编外"),
    ])

    public static let post = EnumType(name: "Post", label: "职务", cases: [
        EnumCase("principal", "正职"),
        EnumCase("deputy", "副职"),
        EnumCase("internal_principal", "内设机构正职"),
        EnumCase("internal_deputy", "内设机构副职"),
        EnumCase("none", "无领导职务"),
    ])

    public static let eventType = EnumType(name: "EventType", label: "事项类型", cases: [
        EnumCase("establish", "设立"),
        EnumCase("abolish", "撤销"),
        EnumCase("merge", "合并"),
        EnumCase("rename", "更名"),
        EnumCase("change_rank", "调整规格"),
        EnumCase("change_category", "调整类别"),
        EnumCase("add_staffing", "增加编制"),
        EnumCase("reduce_staffing", "核减编制"),
        EnumCase("add_internal_unit", "增设内设机构"),
        EnumCase("add_leadership", "增加领导职数"),
        EnumCase("adjust_functions", "调整职责"),
        EnumCase("transfer_staffing", "跨层级调配编制"),
    ])

    public static let authorityBody = EnumType(name: "AuthorityBody", label: "审批机关类别", cases: [
        EnumCase("party_committee", "党委"),
        EnumCase("government", "政府"),
        EnumCase("staffing_committee", "编委"),
        EnumCase("staffing_office", "编办"),
        EnumCase("department", "业务部门"),
        EnumCase("none", "未经审批"),
        EnumCase("congress", "人大及其常委会"),
    ])

    /// The six kinds of State Council body (国务院行政机构设置和编制管理条例 art. 6, less the coordination bodies,
    /// which are `coordination_bodies`); only central institutions carry it.
    public static let stateCouncilType = EnumType(name: "StateCouncilType", label: "国务院机构类别", cases: [
        EnumCase("general_office", "国务院办公厅"),
        EnumCase("constituent", "国务院组成部门"),
        EnumCase("directly_affiliated", "国务院直属机构"),
        EnumCase("administrative_office", "国务院办事机构"),
        EnumCase("national_bureau", "部委管理的国家局"),
    ])

    public static let basis = EnumType(name: "Basis", label: "设立依据", cases: [
        EnumCase("staffing_approval", "机构编制部门批准"),
        EnumCase("line_department_document", "上级业务部门文件"),
        EnumCase("industry_standard", "行业标准或达标要求"),
        EnumCase("leader_instruction", "领导批示"),
        EnumCase("other", "其他"),
    ])

    /// Every enumeration, in the order the docs list them.
    public static let enums: [EnumType] = [
        rank, level, category, publicInstitutionType, registrationStatus, establishment, post, eventType, authorityBody, basis,
        stateCouncilType,
    ]

    // MARK: Records

    private static let zero = Presence.defaulted(.int(0))
    private static let emptyList = Presence.defaulted(.list([]))

    public static let limits = RecordType(name: "Limits", label: "限额", description: "地区的机构限额和编制总额", fields: [
        Field("party_bodies", "党委机构限额", .int, .optional, "党委工作机关的限额", minimum: 0),
        Field("government_departments", "政府工作部门限额", .int, .optional, "政府工作部门的限额", minimum: 0),
        Field("administrative_staffing", "行政编制总额", .int, .optional, "行政编制与政法专项编制之和的总额", minimum: 0),
        Field("public_service_staffing", "事业编制总额", .int, .optional, "事业编制总额", minimum: 0),
        Field("document_number", "限额依据文号", .string, .optional, "确定限额的改革方案或批复的文号"),
    ])

    public static let region = RecordType(name: "Region", label: "地区", description: "被审计的地区", fields: [
        Field("code", "区划代码", .string, .required, "行政区划代码，如 \"370103\""),
        Field("name", "名称", .string, .required, "地区名称"),
        Field("level", "层级", .enumeration(level), .required, "地区的层级，县或区为 county"),
        Field("limits", "限额", .record(limits), .defaulted(.null), "机构限额和编制总额"),
        Field("party_committee_term_start", "本届党委任期起始", .date, .optional, "本届党委任期开始的日期"),
        Field("last_staffing_verification", "最近一次机构编制核查", .date, .optional, "最近一次机构编制核查的日期"),
    ])

    public static let articles = RecordType(name: "SandingArticles", label: "条款", description: "三定规定中规定各部分的条款", fields: [
        Field("functions", "职能条款", .int, .defaulted(.int(3)), "规定主要职责的条款，默认第三条", minimum: 1),
        Field("internal_units", "内设机构条款", .int, .defaulted(.int(4)), "规定内设机构的条款，默认第四条", minimum: 1),
        Field("staffing", "编制条款", .int, .defaulted(.int(5)), "规定人员编制和领导职数的条款，默认第五条", minimum: 1),
    ])

    public static let staffing = RecordType(name: "Staffing", label: "核定编制", description: "按编制类型核定的编制数", fields: [
        Field("administrative", "行政编制", .int, zero, "核定的行政编制数", minimum: 0),
        Field("political_legal", "政法专项编制", .int, zero, "核定的政法专项编制数", minimum: 0),
        Field("public_service", "事业编制", .int, zero, "核定的事业编制数", minimum: 0),
        Field("worker", "工勤编制", .int, zero, "核定的工勤编制数", minimum: 0),
    ])

    public static let staffingDelta = RecordType(name: "StaffingDelta", label: "编制增减", description: "按编制类型增加（正数）或核减（负数）的编制数", fields: [
        Field("administrative", "行政编制", .int, zero, "行政编制增减"),
        Field("political_legal", "政法专项编制", .int, zero, "政法专项编制增减"),
        Field("public_service", "事业编制", .int, zero, "事业编制增减"),
        Field("worker", "工勤编制", .int, zero, "工勤编制增减"),
    ])

    public static let leadership = RecordType(name: "Leadership", label: "领导职数", description: "核定的领导职数", fields: [
        Field("principal", "正职领导职数", .int, .required, "单位正职领导职数", minimum: 0),
        Field("deputy", "副职领导职数", .int, .required, "单位副职领导职数", minimum: 0),
        Field("internal_principal", "内设机构正职职数", .int, zero, "内设机构正职领导职数", minimum: 0),
        Field("internal_deputy", "内设机构副职职数", .int, zero, "内设机构副职领导职数", minimum: 0),
    ])

    public static let approved = RecordType(name: "Approved", label: "三定核定", description: "三定规定（或机构编制批复）核定的内容", fields: [
        Field("document", "文件名称", .string, .optional, "如《XX局职能配置、内设机构和人员编制规定》"),
        Field("document_number", "文号", .string, .optional, "如 市中办发〔2019〕12号"),
        Field("issued", "印发日期", .date, .optional, "三定规定的印发日期"),
        Field("articles", "条款", .record(articles), .defaulted(.null), "规定各部分的条款号"),
        Field("staffing", "编制", .record(staffing), .defaulted(.null), "核定的各类编制"),
        Field("leadership", "领导职数", .record(leadership), .required, "核定的领导职数"),
        Field("internal_units", "核定内设机构", .list(.string), emptyList, "核定的内设机构名称"),
        Field("functions", "主要职责", .list(.string), emptyList, "核定的主要职责"),
    ])

    public static let registration = RecordType(name: "Registration", label: "事业单位登记", description: "事业单位法人登记情况", fields: [
        Field("status", "事业单位登记状态", .enumeration(registrationStatus), .optional, "登记、备案、未登记或已注销"),
        Field("last_annual_report", "最近年度报告日期", .date, .optional, "最近一次报送年度报告的日期"),
    ])

    public static let person = RecordType(name: "Person", label: "实名制人员", description: "实名制名册中的一行（只用匿名编号，不写真实姓名）", fields: [
        Field("id", "人员编号", .string, .required, "匿名、跨快照稳定的人员编号"),
        Field("establishment", "编制类型", .enumeration(establishment), .required, "所占编制的类型，编外人员为 none"),
        Field("post", "职务", .enumeration(post), .defaulted(.enumCase(4)), "领导职务，默认无领导职务"),
        Field("post_rank", "职务层次", .enumeration(rank), .optional, "担任职务的层次"),
        Field("internal_unit", "所在内设机构", .string, .optional, "所在的内设机构"),
        Field("joined", "入编日期", .date, .optional, "进入编制的日期"),
        Field("hiring_approval", "用编核准文号", .string, .optional, "准予使用编制的用编审核文号"),
        Field("working_at", "实际工作单位", .reference(.institution), .optional, "在其他单位工作（借调、抽调）时，实际工作单位的机构代码"),
        Field("seconded_since", "借调起始日期", .date, .optional, "借调开始的日期"),
        Field("secondment_approval", "借调批准文号", .string, .optional, "批准借调的文号"),
    ])

    public static let authority = RecordType(name: "Authority", label: "审批机关", description: "批准事项的机关", fields: [
        Field("level", "审批机关层级", .enumeration(level), .required, "审批机关的层级"),
        Field("body", "审批机关类别", .enumeration(authorityBody), .required, "审批机关的类别，未经审批为 none"),
    ])

    public static let steps = RecordType(name: "Steps", label: "程序", description: "机构编制事项的四个环节", fields: [
        Field("proposed", "动议", .date, .optional, "提出动议的日期"),
        Field("assessed", "论证", .date, .optional, "完成论证的日期"),
        Field("decided", "审议决定", .date, .optional, "审议决定的日期"),
        Field("implemented", "组织实施", .date, .optional, "组织实施的日期"),
    ])

    public static let event = RecordType(name: "Event", label: "机构编制事项", description: "一项机构编制审批或调整", fields: [
        Field("type", "事项类型", .enumeration(eventType), .required, "事项的类型"),
        Field("date", "生效日期", .date, .required, "事项生效的日期"),
        Field("authority", "审批机关", .record(authority), .required, "批准该事项的机关"),
        Field("basis", "设立依据", .enumeration(basis), .optional, "事项的依据"),
        Field("filed_with_congress", "已报人大常委会备案", .bool, .optional, "是否已报本级人大常委会备案"),
        Field("collective_decision", "经集体研究决定", .bool, .optional, "是否经集体研究决定"),
        Field("document_number", "批准文号", .string, .optional, "批准文件的文号"),
        Field("steps", "程序", .record(steps), .defaulted(.null), "动议、论证、审议决定、组织实施的日期"),
        Field("reported", "已按规定请示报告", .bool, .optional, "是否已按规定请示报告"),
        Field("new_name", "新名称", .string, .optional, "更名事项的新名称"),
        Field("new_rank", "新规格", .enumeration(rank), .optional, "调整规格事项的新规格"),
        Field("staffing_delta", "编制增减", .record(staffingDelta), .optional, "增加或核减的编制，按编制类型写，如 {administrative: 4}（核减为负数）"),
        Field("unit_name", "内设机构名称", .string, .optional, "增设内设机构事项的机构名称"),
        Field("counterparty_level", "调配对方层级", .enumeration(level), .optional, "跨层级调配编制事项中，编制调出或调入的另一方所在的层级"),
    ])

    public static let institution = RecordType(name: "Institution", label: "机构", description: "一个党政机构、事业单位、乡镇或街道", fields: [
        Field("id", "机构代码", .string, .required, "在快照中唯一的机构代码"),
        Field("name", "机构名称", .string, .required, "三定规定核定的机构名称"),
        Field("name_in_use", "实际使用名称", .string, .optional, "印章和文件上实际使用的名称（与核定名称不同时填写）"),
        Field("plates", "加挂牌子", .list(.string), emptyList, "经批准加挂的牌子"),
        Field("category", "机构类别", .enumeration(category), .required, "机构的类别"),
        Field("public_institution_type", "事业单位类别", .enumeration(publicInstitutionType), .optional, "事业单位的分类，仅事业单位填写"),
        Field("rank", "机构规格", .enumeration(rank), .required, "机构的规格"),
        Field("within_limit", "限额内", .bool, .required, "是否计入地区同类机构的限额"),
        Field("parent", "主管部门", .reference(.institution), .optional, "部门管理机构和事业单位的主管部门的机构代码"),
        Field("established", "设立日期", .date, .optional, "机构设立的日期"),
        Field("abolished", "撤销日期", .date, .optional, "机构撤销的日期（已撤销的机构可能仍在登记中）"),
        Field("registration", "事业单位登记", .record(registration), .defaulted(.null), "事业单位的登记状态和年度报告"),
        Field("approved", "三定核定", .record(approved), .required, "三定规定（或机构编制批复）核定的内容"),
        Field("internal_units", "实设内设机构", .list(.string), emptyList, "实际设立的内设机构"),
        Field("staff", "实名制人员", .list(.record(person)), emptyList, "在本单位任职或由本单位发放工资的全部人员"),
        Field("events", "机构编制事项", .list(.record(event)), emptyList, "审批和调整事项，按时间先后排列"),
        Field("state_council_type", "国务院机构类别", .enumeration(stateCouncilType), .optional, "国务院组成部门、直属机构等，仅中央国家行政机关填写"),
    ])

    public static let coordinationBody = RecordType(name: "CoordinationBody", label: "议事协调机构", description: "议事协调机构：不单设办事机构、不单独核定编制", fields: [
        Field("id", "代码", .string, .required, "在快照中唯一的代码"),
        Field("name", "名称", .string, .required, "议事协调机构的名称"),
        Field("established", "设立日期", .date, .required, "设立的日期"),
        Field("approval", "批准文号", .string, .optional, "批准设立的文号"),
        Field("temporary", "阶段性任务", .bool, .required, "是否为承担阶段性任务的机构"),
        Field("term_ends", "任务期限", .date, .optional, "阶段性任务的期限"),
        Field("office_host", "办事机构所在单位", .reference(.institution), .optional, "承担具体工作的单位的机构代码"),
        Field("separate_staffing", "单独核定编制", .int, zero, "单独核定的编制数", minimum: 0),
        Field("has_office", "单独设立办事机构", .bool, .defaulted(.bool(false)), "是否单独设立了实体办事机构"),
        Field("abolished", "撤销日期", .date, .optional, "撤销的日期"),
    ])

    public static let provision = RecordType(name: "Provision", label: "所涉条款", description: "批准例外所涉及的法规条款", fields: [
        Field("source", "法规", .string, .required, "法规目录中的键，如 gwy486"),
        Field("article", "条", .int, .required, "条", minimum: 1),
        Field("paragraph", "款", .int, .optional, "款", minimum: 1),
        Field("item", "项", .int, .optional, "项", minimum: 1),
    ])

    public static let exemption = RecordType(name: "Exemption", label: "批准例外", description: "经批准、有期限的例外（如改革过渡期内消化超编人员）", fields: [
        Field("rule", "规则", .string, .optional, "规则编号，或 * 表示该对象的全部规则"),
        Field("provision", "所涉条款", .record(provision), .optional, "所偏离的条款：引用该条款的规则都被覆盖"),
        Field("subject", "对象", .reference(.anySubject), .required, "机构、人员、议事协调机构的代码，或地区的区划代码"),
        Field("document_number", "批准文号", .string, .required, "批准例外的文号"),
        Field("authority", "批准机关", .record(authority), .required, "批准例外的机关"),
        Field("until", "有效期至", .date, .required, "例外的有效期，此后重新计为违规"),
        Field("reason", "理由", .string, .required, "例外的理由"),
    ])

    public static let snapshot = RecordType(name: "Snapshot", label: "快照", description: "一个地区的党政机构在某一日期的状态", fields: [
        Field("snapshot", "版本", .literal(version), .required, "快照格式的版本，写 v1"),
        Field("as_of", "数据日期", .date, .required, "数据的日期；规则按这一天有效的法规适用"),
        Field("region", "地区", .record(region), .required, "被审计的地区"),
        Field("institutions", "机构", .list(.record(institution)), emptyList, "机构；文件夹形式时也可放在 institutions/ 下"),
        Field("coordination_bodies", "议事协调机构", .list(.record(coordinationBody)), emptyList, "议事协调机构"),
        Field("exemptions", "批准例外", .list(.record(exemption)), emptyList, "经批准的例外"),
    ])

    /// Every record type, in the order the docs list them.
    public static let records: [RecordType] = [
        snapshot, region, limits, institution, approved, articles, staffing, leadership, registration,
        person, event, authority, steps, staffingDelta, coordinationBody, exemption, provision,
    ]
}
