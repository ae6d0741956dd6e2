import GRDB

/// Where a finding stands in the rectification cycle (整改台账状态).
///
/// ```
/// 待整改 ──assign──▶ 整改中 ──a later audit no longer finds it──▶ 已整改 ──verify──▶ 已销号
///    ▲                                                          │                  │
///    └───────────── found again (reappears / reopened) ─────────┴──────────────────┘
/// ```
/// An exempted finding (已批准例外) is kept with its exemption; when the exemption lapses
/// it becomes 待整改 (or 整改中 if it has an owner).
public enum LedgerState: String, Sendable, CaseIterable, Codable, DatabaseValueConvertible {
    case pending
    case inProgress = "in_progress"
    case rectified
    case closed
    case exempted

    /// The label the office uses.
    public var label: String {
        switch self {
        case .pending: "待整改"
        case .inProgress: "整改中"
        case .rectified: "已整改"
        case .closed: "已销号"
        case .exempted: "已批准例外"
        }
    }

    /// Still to be worked on: a later audit that no longer finds it marks it 已整改.
    public var isOpen: Bool { self == .pending || self == .inProgress || self == .exempted }

    /// Can be overdue (has a deadline that matters).
    public var canBeOverdue: Bool { self == .pending || self == .inProgress }

    /// Accepts the code (`in_progress`) or the label (`整改中`).
    public init?(argument: String) {
        if let state = LedgerState(rawValue: argument) {
            self = state
        } else if let state = LedgerState.allCases.first(where: { $0.label == argument }) {
            self = state
        } else if argument == "例外" {
            self = .exempted
        } else {
            return nil
        }
    }

    /// Order in lists after overdue findings: the ones needing work first.
    var listOrder: Int {
        switch self {
        case .inProgress: 0
        case .pending: 1
        case .rectified: 2
        case .exempted: 3
        case .closed: 4
        }
    }
}

/// What the audit said about a finding in a run (the report's `status`).
public enum AuditStatus: String, Sendable, Codable, DatabaseValueConvertible {
    case violation
    case exempted
    case exemptionExpired = "exemption_expired"

    public var label: String {
        switch self {
        case .violation: "违规"
        case .exempted: "已批准例外"
        case .exemptionExpired: "例外已过期"
        }
    }
}
