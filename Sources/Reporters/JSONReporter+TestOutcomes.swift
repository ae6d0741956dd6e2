import AuditEngine
import Schema

extension JSONReporter {
    /// The outcomes of `test` as JSON: each example and case with whether it passed, why not, and
    /// where it is written, then the totals.
    public static func render(outcomes: [TestOutcome]) -> String {
        let passed = outcomes.filter(\.passed).count
        let document = OrderedJSON.object([
            ("version", .int(1)),
            ("tool", .string("bianzhi")),
            ("outcomes", .array(outcomes.map { outcome in
                var members: [(String, OrderedJSON)] = [
                    ("name", .string(outcome.name)),
                    ("passed", .bool(outcome.passed)),
                    ("details", .array(outcome.details.map(OrderedJSON.string))),
                ]
                if let location = outcome.location {
                    members.append(("location", .object([("file", .string(location.path)), ("line", .int(location.line)),
                                                         ("column", .int(location.column))])))
                }
                return .object(members)
            })),
            ("summary", .object([("passed", .int(passed)), ("failed", .int(outcomes.count - passed))])),
        ])
        return document.rendered() + "\n"
    }
}
