import Schema
import SnapshotLoader

extension StaffingStatistics {
    /// Computes the statistics of `snapshot`: one pass over the institutions and their rosters.
    public init(_ snapshot: Snapshot) {
        let asOf = snapshot.asOf
        let region = snapshot.region
        let establishmentKinds = StaffingStatistics.establishmentKinds
        let leadershipKinds = StaffingStatistics.leadershipKinds
        // Map the roster's enum indexes onto our columns once (schema order may differ from ours).
        let establishmentColumn: [Int?] = SnapshotSchema.establishment.cases.map { enumCase in
            establishmentKinds.firstIndex { $0.name == enumCase.name }
        }
        let postColumn: [Int?] = SnapshotSchema.post.cases.map { enumCase in
            leadershipKinds.firstIndex { $0.name == enumCase.name }
        }
        let staffingSlots = establishmentKinds.map { SnapshotSchema.staffing.requiredSlot($0.name) }
        let leadershipSlots = leadershipKinds.map { SnapshotSchema.leadership.requiredSlot($0.name) }

        var rows: [InstitutionRow] = []
        var categoryRows: [Int: CategoryTotal] = [:]
        var withinLimitByCategory: [String: Int] = [:]
        var approvedAdministrative = 0
        var approvedPublicService = 0
        for value in snapshot.institutions {
            guard let institution = value.recordValue else { continue }
            if let abolished = institution[Slot.abolished].dateValue, abolished <= asOf { continue }
            let approved = institution[Slot.approved].recordValue
            let approvedStaffing = approved?[Slot.approvedStaffing].recordValue
            let approvedLeadership = approved?[Slot.approvedLeadership].recordValue
            var actualStaffing = Array(repeating: 0, count: establishmentKinds.count)
            var actualLeaders = Array(repeating: 0, count: leadershipKinds.count)
            var unestablished = 0
            for person in institution[Slot.staff].listValue ?? [] {
                guard let person = person.recordValue else { continue }
                if let index = person[Slot.establishment].enumIndex, index < establishmentColumn.count {
                    if let column = establishmentColumn[index] { actualStaffing[column] += 1 } else { unestablished += 1 }
                }
                if let index = person[Slot.post].enumIndex, index < postColumn.count, let column = postColumn[index] {
                    actualLeaders[column] += 1
                }
            }
            let staffing = staffingSlots.indices.map { column in
                Count(approved: approvedStaffing?[staffingSlots[column]].intValue ?? 0, actual: actualStaffing[column])
            }
            let leadership = leadershipSlots.indices.map { column in
                Count(approved: approvedLeadership?[leadershipSlots[column]].intValue ?? 0, actual: actualLeaders[column])
            }
            let categoryIndex = institution[Slot.category].enumIndex ?? -1
            let category = SnapshotSchema.category.cases.indices.contains(categoryIndex) ? SnapshotSchema.category.cases[categoryIndex] : nil
            let row = InstitutionRow(id: institution[Slot.id].stringValue ?? "", name: institution[Slot.name].stringValue ?? "",
                                     category: category?.label ?? "", staffing: staffing, unestablished: unestablished, leadership: leadership)
            rows.append(row)
            var total = categoryRows[categoryIndex]
                ?? CategoryTotal(name: category?.name ?? "", label: category?.label ?? "", institutions: 0, staffing: Count(), unestablished: 0)
            total.institutions += 1
            total.staffing = total.staffing + row.totalStaffing
            total.unestablished += unestablished
            categoryRows[categoryIndex] = total
            if institution[Slot.withinLimit].boolValue == true, let name = category?.name {
                withinLimitByCategory[name, default: 0] += 1
            }
            approvedAdministrative += staffing[Column.administrative].approved + staffing[Column.politicalLegal].approved
            approvedPublicService += staffing[Column.publicService].approved
        }

        let limits = region[Slot.limits].recordValue
        func limit(_ name: String, used: Int, counts: String) -> LimitUse {
            let field = SnapshotSchema.limits.field(named: name)
            return LimitUse(name: name, label: field?.label ?? name,
                            limit: limits?[SnapshotSchema.limits.requiredSlot(name)].intValue, used: used, counts: counts)
        }

        self.init(
            regionCode: region[Slot.regionCode].stringValue ?? "",
            regionName: region[Slot.regionName].stringValue ?? "",
            asOf: asOf,
            institutionCount: rows.count,
            establishments: establishmentKinds.indices.map { column in rows.reduce(Count()) { $0 + $1.staffing[column] } },
            unestablished: rows.reduce(0) { $0 + $1.unestablished },
            leadership: leadershipKinds.indices.map { column in rows.reduce(Count()) { $0 + $1.leadership[column] } },
            limits: [
                limit("party_bodies", used: withinLimitByCategory["party_body"] ?? 0, counts: "计入限额的党委工作机关个数"),
                limit("government_departments", used: withinLimitByCategory["government_department"] ?? 0, counts: "计入限额的政府工作部门个数"),
                limit("administrative_staffing", used: approvedAdministrative, counts: "各机构核定的行政编制和政法专项编制之和"),
                limit("public_service_staffing", used: approvedPublicService, counts: "各机构核定的事业编制之和"),
            ],
            categories: categoryRows.keys.sorted().compactMap { categoryRows[$0] },
            institutions: rows
        )
    }

    /// Columns of ``establishmentKinds`` the limits read.
    private enum Column {
        static let administrative = StaffingStatistics.column(of: "administrative")
        static let politicalLegal = StaffingStatistics.column(of: "political_legal")
        static let publicService = StaffingStatistics.column(of: "public_service")
    }

    private static func column(of name: String) -> Int {
        guard let index = establishmentKinds.firstIndex(where: { $0.name == name }) else {
            preconditionFailure("the staffing schema has no field '\(name)'")
        }
        return index
    }

    /// Slots of the fields read, resolved once from the schema.
    private enum Slot {
        static let id = SnapshotSchema.institution.requiredSlot("id")
        static let name = SnapshotSchema.institution.requiredSlot("name")
        static let category = SnapshotSchema.institution.requiredSlot("category")
        static let withinLimit = SnapshotSchema.institution.requiredSlot("within_limit")
        static let abolished = SnapshotSchema.institution.requiredSlot("abolished")
        static let approved = SnapshotSchema.institution.requiredSlot("approved")
        static let staff = SnapshotSchema.institution.requiredSlot("staff")
        static let approvedStaffing = SnapshotSchema.approved.requiredSlot("staffing")
        static let approvedLeadership = SnapshotSchema.approved.requiredSlot("leadership")
        static let establishment = SnapshotSchema.person.requiredSlot("establishment")
        static let post = SnapshotSchema.person.requiredSlot("post")
        static let regionCode = SnapshotSchema.region.requiredSlot("code")
        static let regionName = SnapshotSchema.region.requiredSlot("name")
        static let limits = SnapshotSchema.region.requiredSlot("limits")
    }
}
