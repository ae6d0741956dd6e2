import Diagnostics
import Schema

/// The catalogue of regulations: every version of every regulation the rules may cite, by key.
///
/// Load it from `Rules/catalog` with `load(directory:)`, which reads each `*.yaml` file strictly
/// and reports every problem as a located diagnostic. Query it by key (`regulations(key:)`,
/// `latest(key:)`), by date (`version(of:on:)`, the version in force that day), and check a
/// rule's citations against it with `check(_:on:)`. A value type: cheap to pass around and share
/// between tasks.
public struct RegulationCatalog: Hashable, Sendable {
    /// Each key's versions, sorted by effective date.
    private var versionsByKey: [String: [Regulation]]
    /// Every key, sorted.
    public private(set) var keys: [String]

    /// A catalogue of the given regulation versions, as is: no cross-checks are made
    /// (use `load(directory:)` for a checked catalogue).
    public init(regulations: [Regulation] = []) {
        var versions: [String: [Regulation]] = [:]
        for regulation in regulations {
            versions[regulation.key, default: []].append(regulation)
        }
        for key in versions.keys {
            versions[key]?.sort { ($0.effective, $0.version ?? "") < ($1.effective, $1.version ?? "") }
        }
        versionsByKey = versions
        keys = versions.keys.sorted()
    }

    /// True when the catalogue has a regulation with this key.
    public func contains(key: String) -> Bool {
        versionsByKey[key] != nil
    }

    /// Every version of the regulation with this key, oldest first (by effective date); empty when unknown.
    public func regulations(key: String) -> [Regulation] {
        versionsByKey[key] ?? []
    }

    /// Every version of every regulation, by key and then by effective date.
    public var allRegulations: [Regulation] {
        keys.flatMap { regulations(key: $0) }
    }

    /// The version in force on `date` (`effective <= date < superseded`), or nil when none is.
    public func version(of key: String, on date: CivilDate) -> Regulation? {
        regulations(key: key).last { $0.isInForce(on: date) }
    }

    /// The version with this `version` label, or nil.
    public func regulation(key: String, version: String) -> Regulation? {
        regulations(key: key).first { $0.version == version }
    }

    /// The newest version (latest effective date), or nil when the key is unknown.
    public func latest(key: String) -> Regulation? {
        regulations(key: key).last
    }
}
