import Schema
import SnapshotLoader

/// A region's staffing at a glance: approved establishment (核定编制) against the people actually
/// holding it (实有人员), vacancies (空编), excess (超编), leader posts approved against filled,
/// and how much of each regional limit is used.
///
/// Only institutions in existence on the snapshot's date count: an institution whose `abolished`
/// date is on or before `as_of` is left out, as the limit rules do.
public struct StaffingStatistics: Sendable, Hashable {
    /// Approved against actual, summed over institutions.
    public struct Count: Sendable, Hashable {
        public var approved: Int
        public var actual: Int
        /// Σ max(0, approved − actual) per institution (空编 / 空缺职数).
        public var vacant: Int
        /// Σ max(0, actual − approved) per institution (超编 / 超职数).
        public var excess: Int

        public init(approved: Int = 0, actual: Int = 0, vacant: Int = 0, excess: Int = 0) {
            self.approved = approved
            self.actual = actual
            self.vacant = vacant
            self.excess = excess
        }

        /// One institution's count: vacancy and excess from its own approved and actual numbers.
        public init(approved: Int, actual: Int) {
            self.init(approved: approved, actual: actual, vacant: max(0, approved - actual), excess: max(0, actual - approved))
        }

        public static func + (lhs: Count, rhs: Count) -> Count {
            Count(approved: lhs.approved + rhs.approved, actual: lhs.actual + rhs.actual,
                  vacant: lhs.vacant + rhs.vacant, excess: lhs.excess + rhs.excess)
        }
    }

    /// A kind of establishment or of leader post: its schema name and its Chinese label.
    public struct Kind: Sendable, Hashable {
        public var name: String
        public var label: String
    }

    /// One regional limit and how much of it is used.
    public struct LimitUse: Sendable, Hashable {
        public var name: String
        public var label: String
        /// Nil when the snapshot gives no such limit.
        public var limit: Int?
        public var used: Int
        /// What is counted against the limit, in words.
        public var counts: String

        public var exceeded: Bool { limit.map { used > $0 } ?? false }
    }

    /// The staffing of one category of institution (党委工作机关, 政府工作部门, 事业单位, …).
    public struct CategoryTotal: Sendable, Hashable {
        public var name: String
        public var label: String
        public var institutions: Int
        /// All establishment types together.
        public var staffing: Count
        /// People on the rosters with no establishment (编外).
        public var unestablished: Int
    }

    /// One institution's row.
    public struct InstitutionRow: Sendable, Hashable {
        public var id: String
        public var name: String
        public var category: String
        /// One count per establishment type, in the order of ``StaffingStatistics/establishmentKinds``.
        public var staffing: [Count]
        public var unestablished: Int
        /// One count per leader post, in the order of ``StaffingStatistics/leadershipKinds``.
        public var leadership: [Count]

        public var totalStaffing: Count { staffing.reduce(Count(), +) }
    }

    public var regionCode: String
    public var regionName: String
    public var asOf: CivilDate
    /// Institutions counted (not abolished by `as_of`).
    public var institutionCount: Int
    /// Totals per establishment type, in the order of ``establishmentKinds``.
    public var establishments: [Count]
    /// People on the rosters with no establishment (编外).
    public var unestablished: Int
    /// Totals per leader post, in the order of ``leadershipKinds``.
    public var leadership: [Count]
    public var limits: [LimitUse]
    /// Categories that have at least one institution, in the schema's order.
    public var categories: [CategoryTotal]
    /// Institutions in snapshot order.
    public var institutions: InstitutionRows

    /// The establishment types counted: every one except `none` (编外), which has no approved number.
    public static let establishmentKinds: [Kind] = SnapshotSchema.staffing.fields.map { field in
        Kind(name: field.name, label: SnapshotSchema.establishment.cases.first { $0.name == field.name }?.label ?? field.label)
    }

    /// The leader posts counted: 正职, 副职, 内设机构正职, 内设机构副职.
    public static let leadershipKinds: [Kind] = SnapshotSchema.leadership.fields.map { field in
        Kind(name: field.name, label: SnapshotSchema.post.cases.first { $0.name == field.name }?.label ?? field.label)
    }

    /// Every establishment type together.
    public var totalStaffing: Count { establishments.reduce(Count(), +) }
}
