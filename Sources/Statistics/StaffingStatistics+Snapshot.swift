import Schema
import SnapshotLoader

extension StaffingStatistics {
    /// Computes the statistics of `snapshot`: one pass over the institutions and their rosters.
    public init(_ snapshot: Snapshot) {
        var tally = Tally(asOf: snapshot.asOf)
        tally.add(snapshot.institutions)
        self.init(region: snapshot.region, tally: tally)
    }

    /// The statistics of a region from the tally of all its institutions, in snapshot order (see ``Tally``).
    public init(region: Record, tally: Tally) {
        let limits = region[Slot.limits].recordValue
        func limit(_ name: String, used: Int, counts: String) -> LimitUse {
            let field = SnapshotSchema.limits.field(named: name)
            return LimitUse(name: name, label: field?.label ?? name,
                            limit: limits?[SnapshotSchema.limits.requiredSlot(name)].intValue, used: used, counts: counts)
        }
        let rows = tally.rows
        self.init(
            regionCode: region[Slot.regionCode].stringValue ?? "",
            regionName: region[Slot.regionName].stringValue ?? "",
            asOf: tally.asOf,
            institutionCount: rows.count,
            establishments: StaffingStatistics.establishmentKinds.indices.map(rows.staffingTotal),
            unestablished: rows.unestablishedTotal,
            leadership: StaffingStatistics.leadershipKinds.indices.map(rows.leadershipTotal),
            limits: [
                limit("party_bodies", used: tally.withinLimitByCategory["party_body"] ?? 0, counts: "计入限额的党委工作机关个数"),
                limit("government_departments", used: tally.withinLimitByCategory["government_department"] ?? 0,
                      counts: "计入限额的政府工作部门个数"),
                limit("administrative_staffing", used: tally.approvedAdministrative, counts: "各机构核定的行政编制和政法专项编制之和"),
                limit("public_service_staffing", used: tally.approvedPublicService, counts: "各机构核定的事业编制之和"),
            ],
            categories: tally.categoryRows.keys.sorted().compactMap { tally.categoryRows[$0] },
            institutions: rows
        )
    }

    /// What the statistics keep of a region's institutions, taken one at a time while they are whole: a row each (a few
    /// numbers, not the roster) and the running totals. A snapshot read as a stream is tallied file by file, the rosters
    /// freed as it goes, and the tallies of its files joined in file order give the statistics of the snapshot loaded in full.
    public struct Tally: Sendable {
        /// The date of the statistics: an institution abolished on or before it is left out.
        public let asOf: CivilDate
        fileprivate var rows = InstitutionRows()
        fileprivate var categoryRows: [Int: CategoryTotal] = [:]
        fileprivate var withinLimitByCategory: [String: Int] = [:]
        fileprivate var approvedAdministrative = 0
        fileprivate var approvedPublicService = 0

        public init(asOf: CivilDate) {
            self.asOf = asOf
        }

        /// Adds `institutions` (institution records), after those added before.
        public mutating func add(_ institutions: [Value]) {
            for value in institutions {
                guard let institution = value.recordValue else { continue }
                add(institution)
            }
        }

        /// Adds the tallies of `parts` in order, after what this one has (their rows are shared, not copied).
        public mutating func append(contentsOf parts: [Tally]) {
            for part in parts { append(part) }
        }

        /// Adds what `other` tallied, after what this one has.
        public mutating func append(_ other: Tally) {
            rows.append(contentsOf: other.rows)
            categoryRows.merge(other.categoryRows) { total, more in
                var sum = total
                sum.institutions += more.institutions
                sum.staffing = sum.staffing + more.staffing
                sum.unestablished += more.unestablished
                return sum
            }
            withinLimitByCategory.merge(other.withinLimitByCategory, uniquingKeysWith: +)
            approvedAdministrative += other.approvedAdministrative
            approvedPublicService += other.approvedPublicService
        }

        private mutating func add(_ institution: Record) {
            if let abolished = institution[Slot.abolished].dateValue, abolished <= asOf { return }
            let columns = Columns.shared
            let approved = institution[Slot.approved].recordValue
            let approvedStaffing = approved?[Slot.approvedStaffing].recordValue
            let approvedLeadership = approved?[Slot.approvedLeadership].recordValue
            var actualStaffing = Array(repeating: 0, count: StaffingStatistics.establishmentKinds.count)
            var actualLeaders = Array(repeating: 0, count: StaffingStatistics.leadershipKinds.count)
            var unestablished = 0
            for person in institution[Slot.staff].listValue ?? [] {
                guard let person = person.recordValue else { continue }
                if let index = person[Slot.establishment].enumIndex, index < columns.establishment.count {
                    if let column = columns.establishment[index] { actualStaffing[column] += 1 } else { unestablished += 1 }
                }
                if let index = person[Slot.post].enumIndex, index < columns.post.count, let column = columns.post[index] {
                    actualLeaders[column] += 1
                }
            }
            let staffing = columns.staffingSlots.indices.map { column in
                Count(approved: approvedStaffing?[columns.staffingSlots[column]].intValue ?? 0, actual: actualStaffing[column])
            }
            let leadership = columns.leadershipSlots.indices.map { column in
                Count(approved: approvedLeadership?[columns.leadershipSlots[column]].intValue ?? 0, actual: actualLeaders[column])
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
    }

    /// The roster's enum indexes mapped onto our columns (the schema's order may differ from ours), and the slots read.
    private struct Columns {
        let establishment: [Int?]
        let post: [Int?]
        let staffingSlots: [Int]
        let leadershipSlots: [Int]

        static let shared = Columns(
            establishment: SnapshotSchema.establishment.cases.map { enumCase in
                StaffingStatistics.establishmentKinds.firstIndex { $0.name == enumCase.name }
            },
            post: SnapshotSchema.post.cases.map { enumCase in StaffingStatistics.leadershipKinds.firstIndex { $0.name == enumCase.name } },
            staffingSlots: StaffingStatistics.establishmentKinds.map { SnapshotSchema.staffing.requiredSlot($0.name) },
            leadershipSlots: StaffingStatistics.leadershipKinds.map { SnapshotSchema.leadership.requiredSlot($0.name) }
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
