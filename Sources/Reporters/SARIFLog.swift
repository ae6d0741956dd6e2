import Diagnostics
import Foundation
import Schema

/// The part of the SARIF 2.1.0 object model that bianzhi writes, as `Encodable` structs.
/// Encoded with sorted keys, so the same log gives the same bytes.
struct SARIFLog: Encodable {
    var schema = "https://json.schemastore.org/sarif-2.1.0.json"
    var version = "2.1.0"
    var runs: [Run]

    enum CodingKeys: String, CodingKey {
        case schema = "$schema", version, runs
    }

    struct Run: Encodable {
        var tool: Tool
        var invocations: [Invocation]?
        var results: [Result]
        /// Columns count Unicode scalars, as libyaml's marks and our diagnostics do.
        var columnKind = "unicodeCodePoints"
        var properties: [String: JSONValue]?
    }

    struct Tool: Encodable {
        var driver: ToolComponent
    }

    struct ToolComponent: Encodable {
        var name = "bianzhi"
        var version: String
        var semanticVersion: String?
        var fullName: String?
        var rules: [ReportingDescriptor]
    }

    struct ReportingDescriptor: Encodable {
        var id: String
        var name: String?
        var shortDescription: MultiformatMessage
        var fullDescription: MultiformatMessage?
        var help: MultiformatMessage?
        var defaultConfiguration: Configuration?
        var properties: [String: JSONValue]?
    }

    struct Configuration: Encodable {
        var level: String
    }

    struct MultiformatMessage: Encodable {
        var text: String
        var markdown: String?
    }

    struct Message: Encodable {
        var text: String
    }

    struct Invocation: Encodable {
        var executionSuccessful: Bool
        var endTimeUtc: String?
        var toolExecutionNotifications: [Notification]?
    }

    struct Notification: Encodable {
        var level: String
        var message: Message
        var locations: [Location]?
        var descriptor: DescriptorReference?
        var associatedRule: DescriptorReference?
    }

    struct DescriptorReference: Encodable {
        var id: String
        var index: Int?
    }

    struct Result: Encodable {
        var ruleId: String
        var ruleIndex: Int?
        var kind: String?
        var level: String
        var message: Message
        var locations: [Location]
        var relatedLocations: [Location]?
        var partialFingerprints: [String: String]?
        var suppressions: [Suppression]?
        var fixes: [Fix]?
        var properties: [String: JSONValue]?
    }

    struct Location: Encodable {
        var id: Int?
        var physicalLocation: PhysicalLocation?
        var logicalLocations: [LogicalLocation]?
        var message: Message?
    }

    struct PhysicalLocation: Encodable {
        var artifactLocation: ArtifactLocation
        var region: Region?
    }

    struct ArtifactLocation: Encodable {
        var uri: String
    }

    struct Region: Encodable {
        var startLine: Int
        var startColumn: Int?
        var endLine: Int?
        var endColumn: Int?
    }

    struct LogicalLocation: Encodable {
        var name: String
        var fullyQualifiedName: String?
        var kind: String?
    }

    struct Suppression: Encodable {
        var kind = "external"
        var status = "accepted"
        var justification: String?
    }

    struct Fix: Encodable {
        var description: Message?
        var artifactChanges: [ArtifactChange]
    }

    struct ArtifactChange: Encodable {
        var artifactLocation: ArtifactLocation
        var replacements: [Replacement]
    }

    struct Replacement: Encodable {
        var deletedRegion: Region
        var insertedContent: ArtifactContent?
    }

    struct ArtifactContent: Encodable {
        var text: String
    }

    /// The log as pretty-printed JSON with sorted keys, ending in a newline.
    func rendered() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(self) else {
            preconditionFailure("a SARIF log of strings, numbers and booleans always encodes")
        }
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// A path as a URI reference: relative paths stay relative (to the directory the tool ran in),
    /// absolute ones become `file://` URIs; characters outside RFC 3986's unreserved set are percent-encoded.
    static func uri(forPath path: String) -> String {
        let encoded = PathEncoding.percentEncoded(path)
        return path.hasPrefix("/") ? "file://" + encoded : encoded
    }

    /// SARIF's level for a rule severity.
    static func level(_ severity: String) -> String {
        switch severity {
        case "error": "error"
        case "warning": "warning"
        default: "note"
        }
    }
}

/// A JSON value for SARIF property bags (evidence, citations).
enum JSONValue: Encodable, Sendable {
    case null
    case bool(Bool)
    case int(Int)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(_ json: OrderedJSON) {
        switch json {
        case .null: self = .null
        case .bool(let value): self = .bool(value)
        case .int(let value): self = .int(value)
        case .string(let value): self = .string(value)
        case .array, .generated: self = .array((json.arrayItems ?? []).map(JSONValue.init))
        case .object(let members):
            var object: [String: JSONValue] = [:]
            for (key, value) in members { object[key] = JSONValue(value) }
            self = .object(object)
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let items): try container.encode(items)
        case .object(let members): try container.encode(members)
        }
    }
}
