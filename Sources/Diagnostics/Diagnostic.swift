/// How serious a diagnostic is.
public enum Severity: String, Sendable, Codable, Comparable, CaseIterable {
    case note, warning, error

    private var order: Int {
        switch self {
        case .note: 0
        case .warning: 1
        case .error: 2
        }
    }

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.order < rhs.order }
}

/// A stable identifier for a kind of diagnostic, `domain.code` (`yaml.duplicateKey`).
public struct DiagnosticID: Hashable, Sendable, Codable, CustomStringConvertible, ExpressibleByStringLiteral {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }
    public var description: String { rawValue }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// A secondary message attached to a diagnostic, optionally at another place ("first defined here").
public struct DiagnosticNote: Hashable, Sendable, Codable {
    public var message: String
    public var location: SourceLocation?

    public init(_ message: String, at location: SourceLocation? = nil) {
        self.message = message
        self.location = location
    }
}

/// A suggested edit: replace the text in `range` with `replacement`.
public struct FixIt: Hashable, Sendable, Codable {
    public var message: String
    public var replacement: String
    public var start: SourceLocation
    public var end: SourceLocation

    public init(message: String, replacement: String, range: SourceRange) {
        self.message = message
        self.replacement = replacement
        self.start = range.start
        self.end = range.end
    }
}

/// One problem found in user input, with where it is and how to fix it.
public struct Diagnostic: Hashable, Sendable, Codable {
    public var id: DiagnosticID
    public var severity: Severity
    public var message: String
    public var location: SourceLocation?
    /// Where the offending text ends, when it spans more than one column.
    public var endLocation: SourceLocation?
    public var notes: [DiagnosticNote]
    /// A short suggestion ("did you mean 'administrative'?").
    public var help: String?
    public var fixIts: [FixIt]

    public init(
        _ id: DiagnosticID,
        severity: Severity = .error,
        message: String,
        at location: SourceLocation?,
        end: SourceLocation? = nil,
        notes: [DiagnosticNote] = [],
        help: String? = nil,
        fixIts: [FixIt] = []
    ) {
        self.id = id
        self.severity = severity
        self.message = Diagnostic.clipped(message)
        self.location = location
        self.endLocation = end
        self.notes = notes
        self.help = help.map { Diagnostic.clipped($0) }
        self.fixIts = fixIts
    }

    /// A control character other than a tab or a line feed.
    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        (scalar.value < 0x20 && scalar != "\t" && scalar != "\n") || (0x7F...0x9F).contains(scalar.value)
    }

    /// The longest message or help kept whole, in Unicode scalars.
    public static let textLimit = 1_000

    /// `text`, or its first `textLimit` scalars and a note of how much was left out: a message quotes the value it is
    /// about, and a value of fifty megabytes must not make a message of fifty megabytes.
    public static func clipped(_ text: String) -> String {
        // A message quotes what the user wrote; a control character in it (an escape's \e) is shown, not obeyed.
        if text.unicodeScalars.contains(where: isControl) {
            var shown = String.UnicodeScalarView()
            for scalar in text.unicodeScalars {
                if isControl(scalar) {
                    shown.append(contentsOf: "\\u{\(String(scalar.value, radix: 16, uppercase: true))}".unicodeScalars)
                } else {
                    shown.append(scalar)
                }
            }
            return clipped(String(shown))
        }
        guard text.utf8.count > textLimit else { return text }
        let scalars = text.unicodeScalars
        guard scalars.count > textLimit else { return text }
        var kept = String.UnicodeScalarView()
        kept.append(contentsOf: scalars.prefix(textLimit))
        return String(kept) + "…（以下省略 \(scalars.count - textLimit) 字）"
    }

    public init(_ id: DiagnosticID, severity: Severity = .error, message: String, range: SourceRange,
                notes: [DiagnosticNote] = [], help: String? = nil, fixIts: [FixIt] = []) {
        self.init(id, severity: severity, message: message, at: range.start, end: range.end,
                  notes: notes, help: help, fixIts: fixIts)
    }

    enum CodingKeys: String, CodingKey {
        case id, severity, message, location, endLocation = "end", notes, help, fixIts = "fixits"
    }
}
