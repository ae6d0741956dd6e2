import Foundation
import RuleLanguage
import Schema
import Testing

/// An institution record built field by field, for evaluating expressions without a snapshot file.
private func institution(rank: String = "section", administrative: Int = 2, staff: [(String, String, String?)] = [],
                         established: String? = nil) -> Value {
    let type = SnapshotSchema.institution
    var values = [Value](repeating: .null, count: type.fields.count)
    values[type.requiredSlot("id")] = .string("EX")
    values[type.requiredSlot("name")] = .string("示例局")
    values[type.requiredSlot("rank")] = .enumCase(SnapshotSchema.rank.index(of: rank) ?? 0)
    values[type.requiredSlot("category")] = .enumCase(1)
    if let established, let date = CivilDate(parsing: established) { values[type.requiredSlot("established")] = .date(date) }
    var staffing = [Value](repeating: .int(0), count: SnapshotSchema.staffing.fields.count)
    staffing[SnapshotSchema.staffing.requiredSlot("administrative")] = .int(administrative)
    var approved = [Value](repeating: .null, count: SnapshotSchema.approved.fields.count)
    approved[SnapshotSchema.approved.requiredSlot("staffing")] = .record(Record(values: staffing, marks: [], mark: .none))
    values[type.requiredSlot("approved")] = .record(Record(values: approved, marks: [], mark: .none))
    values[type.requiredSlot("staff")] = .list(staff.map { id, establishment, postRank in
        var person = [Value](repeating: .null, count: SnapshotSchema.person.fields.count)
        person[SnapshotSchema.person.requiredSlot("id")] = .string(id)
        person[SnapshotSchema.person.requiredSlot("establishment")] = .enumCase(SnapshotSchema.establishment.index(of: establishment) ?? 0)
        person[SnapshotSchema.person.requiredSlot("post")] = .enumCase(4)
        if let postRank { person[SnapshotSchema.person.requiredSlot("post_rank")] = .enumCase(SnapshotSchema.rank.index(of: postRank) ?? 0) }
        return .record(Record(values: person, marks: [], mark: .none))
    })
    return .record(Record(values: values, marks: [], mark: .none))
}

/// Compiles `text` with `it` an institution and evaluates it on `subject`.
private func evaluate(_ text: String, on subject: Value = institution(), stepLimit: Int = 10_000) throws -> (Value, RuleType) {
    var compiler = ExpressionCompiler()
    let slot = compiler.declare("it", type: .record(SnapshotSchema.institution))
    let asOf = compiler.declare("as_of", type: .date)
    guard let typed = compiler.compile(text) else {
        throw CompileFailure(errors: compiler.errors)
    }
    var frame = EvalFrame(slotCount: compiler.slotCount, stepLimit: stepLimit, context: .empty)
    frame.slots[slot] = subject
    frame.slots[asOf] = .date(CivilDate(parsing: "2024-06-30") ?? CivilDate(daysSinceEpoch: 0))
    return (try typed.evaluate(&frame), typed.type)
}

private func errors(_ text: String) -> [SemaError] {
    var compiler = ExpressionCompiler()
    compiler.declare("it", type: .record(SnapshotSchema.institution))
    compiler.declare("as_of", type: .date)
    _ = compiler.compile(text)
    return compiler.errors
}

private struct CompileFailure: Error { var errors: [SemaError] }

/// The byte range of the first occurrence of `token` in `text`.
private func range(of token: String, in text: String) -> Range<Int> {
    let bytes = Array(text.utf8)
    let needle = Array(token.utf8)
    for start in 0...(bytes.count - needle.count) where Array(bytes[start..<start + needle.count]) == needle {
        return start..<start + needle.count
    }
    return 0..<0
}

@Suite struct ExpressionEvaluationTests {
    @Test(arguments: [
        ("1 + 2 * 3", Value.int(7)),
        ("(1 + 2) * 3", .int(9)),
        ("7 / 2", .int(3)),
        ("-3 + 1", .int(-2)),
        ("count(it.staff, p -> p.establishment == administrative)", .int(2)),
        ("count(it.staff)", .int(3)),
        ("it.approved.staffing.administrative", .int(2)),
        ("it.rank == section", .bool(true)),
        ("it.rank == 正科级", .bool(true)),
        ("it.rank == \"正科（乡）级\"", .bool(true)),
        ("it.rank < division", .bool(true)),
        ("bureau > section", .bool(true)),
        ("it.category in [party_body, government_department]", .bool(true)),
        ("it.category not in [party_body]", .bool(true)),
        ("any(it.staff, p -> has(p.post_rank) and p.post_rank > it.rank)", .bool(true)),
        ("all(it.staff, p -> (p.post_rank ?? section) <= it.rank)", .bool(false)),
        ("map(filter(it.staff, p -> p.establishment != administrative), p -> p.id)", .list([.string("P3")])),
        ("distinct(map(it.staff, p -> p.establishment))", .list([.enumCase(0), .enumCase(2)])),
        ("duplicates([1, 2, 2, 3, 3, 3])", .list([.int(2), .int(3)])),
        ("max(it.staff, p -> p.post_rank ?? vice_section)", .enumCase(4)),
        ("min([3, 1, 2])", .int(1)),
        ("min(filter([1], x -> x > 5))", .null),
        ("sum(it.staff, p -> 1)", .int(3)),
        ("if has(it.established) then 1 else 0", .int(0)),
        ("it.established ?? as_of", .date(CivilDate(parsing: "2024-06-30") ?? CivilDate(daysSinceEpoch: 0))),
        ("days_between(date(\"2024-01-01\"), as_of)", .int(181)),
        ("months_between(date(2023, 3, 31), as_of)", .int(14)),
        ("date(year(as_of), 3, 31) < as_of", .bool(true)),
        ("same_text(\"青办发〔2019〕12号\", \"青办发[2019]12号\")", .bool(true)),
        ("contains(it.name, \"示例\") and starts_with(it.name, \"示\")", .bool(true)),
        ("label(it.rank)", .string("正科（乡）级")),
        ("count(group_by(it.staff, p -> p.establishment))", .int(2)),
        ("is_empty(it.plates) or true", .bool(true)),
    ])
    func evaluates(text: String, expected: Value) throws {
        let subject = institution(staff: [("P1", "administrative", nil), ("P2", "administrative", "division"), ("P3", "public_service", nil)])
        let (value, _) = try evaluate(text, on: subject)
        #expect(value == expected, "\(text)")
    }

    /// Ten nested lambdas: the innermost parameters first need more places than a frame starts with while
    /// the outer lambdas are iterating, and every parameter must still read its own element.
    @Test func deeplyNestedLambdasEachReadTheirOwnElement() throws {
        let names = ["b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l"]
        let inner = names.reversed().reduce("a == 2 and l == 7") { body, name in "any([7], \(name) -> \(body))" }
        let (value, _) = try evaluate("count([1, 2, 3], a -> \(inner))")
        #expect(value == .int(1))
    }

    /// `it` bound in place (as the engine binds each subject) reads like `it` in a slot, and reads as
    /// missing once unbound.
    @Test func aBoundSubjectIsReadInPlace() throws {
        var compiler = ExpressionCompiler()
        let it = compiler.declareBound("it", type: .record(SnapshotSchema.institution))
        let compiled = compiler.compile("count(it.staff, p -> p.establishment == administrative) + it.approved.staffing.administrative")
        let typed = try #require(compiled)
        var frame = EvalFrame(slotCount: compiler.slotCount, stepLimit: 10_000, context: .empty)
        let subjects = [institution(administrative: 5, staff: [("P1", "administrative", nil), ("P2", "public_service", nil)]),
                        institution(administrative: 1)]
        let values = try subjects.withUnsafeBufferPointer { buffer in
            try buffer.indices.map { index in
                frame.bind(it, to: buffer.baseAddress.map { $0 + index })
                return try typed.evaluate(&frame)
            }
        }
        #expect(values == [.int(6), .int(1)])
        frame.bind(it, to: nil)
        #expect(frame.boundValue(it) == nil)
        #expect(try typed.evaluate(&frame) == .int(0))
    }

    /// `<`, `<=`, `>`, `>=` on integers, dates and ranks, with each operand a field, a variable, a constant or a computed
    /// value, give what ordering the two values gives (ranks: the higher rank is the greater), and a missing value (a field
    /// of a record that is not there) is neither smaller nor greater than anything: only `<=` and `>=` hold.
    @Test func orderingsCompareNumbersDatesAndRanksAndAMissingValueIsNeither() throws {
        let ranks = ["ministry", "bureau", "division", "section", "vice_section"]
        func reference(_ x: Int?, _ y: Int?, _ op: String) -> Bool {
            let order = (x == nil || y == nil) ? 0 : (x! < y! ? -1 : x! == y! ? 0 : 1)
            switch op {
            case "<": return order < 0
            case "<=": return order <= 0
            case ">": return order > 0
            default: return order >= 0
            }
        }
        var checked = 0
        for op in ["<", "<=", ">", ">="] {
            // Integers: a field (missing when the record holding it is), a constant, a computed value.
            for left in [0, 2, 5, -1] {
                for right in [0, 2, 5] {
                    var subject = institution(administrative: max(left, 0))
                    if left < 0, case .record(var record) = subject {
                        record[SnapshotSchema.institution.requiredSlot("approved")] = .null
                        subject = .record(record)
                    }
                    let x: Int? = left < 0 ? nil : left
                    for text in ["it.approved.staffing.administrative \(op) \(right)", "it.approved.staffing.administrative \(op) (\(right) + 0)",
                                 "\(right) \(op == "<" ? ">" : op == ">" ? "<" : op == "<=" ? ">=" : "<=") it.approved.staffing.administrative"] {
                        #expect(try evaluate(text, on: subject).0 == .bool(reference(x, right, op)), "\(text), administrative \(String(describing: x))")
                        checked += 1
                    }
                }
            }
            // Dates: a variable against constants and computed dates.
            for day in ["2024-06-29", "2024-06-30", "2024-07-01"] {
                let parts = day.split(separator: "-").map { Int($0) ?? 0 }
                let expected = reference(0, CivilDate(parsing: day).map { Int($0.daysSinceEpoch) - Int(CivilDate(parsing: "2024-06-30")?.daysSinceEpoch ?? 0) }, op)
                for text in ["as_of \(op) date(\"\(day)\")", "as_of \(op) date(\(parts[0]), \(parts[1]), \(parts[2]))"] {
                    #expect(try evaluate(text).0 == .bool(expected), "\(text)")
                    checked += 1
                }
            }
            // Ranks: a field against constants; a smaller case index is the higher rank, the greater.
            for (position, rank) in ranks.enumerated() {
                let subjectRank = SnapshotSchema.rank.index(of: "section") ?? -1
                let text = "it.rank \(op) \(rank)"
                #expect(try evaluate(text).0 == .bool(reference(-subjectRank, -(SnapshotSchema.rank.index(of: rank) ?? position), op)), "\(text)")
                checked += 1
            }
        }
        #expect(checked == 4 * (4 * 3 * 3 + 3 * 2 + ranks.count))
    }

    @Test func divisionByZeroIsAnEvaluationError() {
        #expect(throws: EvalError.divisionByZero) { try evaluate("1 / (it.approved.staffing.administrative - 2)") }
    }

    /// Overflow used to wrap silently (a huge product turned negative and the finding disappeared) or trap (`Int.min / -1`).
    @Test(arguments: [
        "it.approved.staffing.administrative * 9223372036854775807",
        "9223372036854775807 + it.approved.staffing.administrative",
        "-9223372036854775807 - it.approved.staffing.administrative",
        "(-9223372036854775807 - 1 + it.approved.staffing.administrative - 2) / -1",
        "(-9223372036854775807 - 1 + it.approved.staffing.administrative - 2) % -1",
        "-(-9223372036854775807 - 1 + it.approved.staffing.administrative - 2)",
        "sum([9223372036854775807, it.approved.staffing.administrative])",
        "sum([1, 2], x -> x * 4611686018427387904 + it.approved.staffing.administrative)",
    ])
    func integerOverflowIsAnEvaluationError(text: String) {
        #expect(throws: EvalError.integerOverflow) { try evaluate(text) }
    }

    /// `date(y, m, d)` out of range gave another date (month 13 → December) or a missing value that compared as equal to
    /// anything; now an evaluation error. A day past the month's end is still that month's last day.
    @Test func impossibleDatesAreErrors() throws {
        let administrative = "it.approved.staffing.administrative"
        #expect(throws: EvalError.invalidDate(year: 2024, month: 14, day: 1)) { try evaluate("date(2024, 12 + \(administrative), 1)") }
        #expect(throws: EvalError.invalidDate(year: 0, month: 1, day: 1)) { try evaluate("date(\(administrative) - 2, 1, 1)") }
        #expect(throws: EvalError.invalidDate(year: 2024, month: 1, day: -2)) { try evaluate("date(2024, 1, 0 - \(administrative))") }
        #expect(try evaluate("date(2024, \(administrative), 31)").0 == .date(try #require(CivilDate(parsing: "2024-02-29"))))
        #expect(try evaluate("date(2022 + \(administrative), 2, 30)").0 == .date(try #require(CivilDate(parsing: "2024-02-29"))))
    }

    @Test func arithmeticNearTheLimitsStillWorks() throws {
        #expect(try evaluate("9223372036854775806 - it.approved.staffing.administrative + 3").0 == .int(Int.max))
        #expect(try evaluate("(-9223372036854775807 - 1 + it.approved.staffing.administrative - 2) / 1").0 == .int(Int.min))
    }

    @Test func theStepLimitStopsARunawayEvaluation() {
        let subject = institution(staff: (0..<200).map { ("P\($0)", "administrative", nil) })
        // 200 × 200 pairs: more than the limit of 10,000 steps.
        #expect(throws: EvalError.stepLimitExceeded(10_000)) {
            try evaluate("count(it.staff, p -> count(it.staff, q -> q.id == p.id) > 1)", on: subject)
        }
    }
}

@Suite struct ExpressionErrorTests {
    @Test(arguments: [
        // (expression, id, token the error must cover, help contains)
        ("it.approved.staffng.administrative", "sema.unknownField", "staffng", "staffing"),
        ("count(it.staff, p -> p.establishment == administrativ)", "sema.unknownEnumValue", "administrativ", "administrative"),
        ("it.rank > 3", "sema.typeMismatch", "it.rank > 3", "规格、层级不能和数字比较"),
        ("it.established > as_of", "sema.optionalUse", "it.established", "has(it.established)"),
        ("it.category == 政府部门", "sema.unknownEnumValue", "政府部门", ""),
        ("cnt(it.staff)", "sema.unknownFunction", "cnt", "count"),
        ("it.rank == section && true", "parse.syntax", "&&", "and"),
        ("it.category == none", "sema.unknownEnumValue", "none", ""),
        ("count(it.staff, p -> p.post_rank > it.rank)", "sema.optionalUse", "p.post_rank", "p.post_rank ??"),
        ("it.name + 1", "sema.typeMismatch", "it.name", ""),
        ("date(\"2024-02-30\")", "sema.badDate", "\"2024-02-30\"", ""),
        ("itt.name", "sema.unknownName", "itt", "it"),
        ("it.机构规格", "sema.unknownField", "机构规格", "rank"),
        // The help fits the types compared: a date with a number is not about ranks.
        ("as_of > 5", "sema.typeMismatch", "as_of > 5", "days_between"),
        ("it.name > 5", "sema.typeMismatch", "it.name > 5", "length(s)"),
        ("it.name == “教育局”", "sema.unknownName", "“教育局”", "\"教育局\""),
        ("actual > 1", "sema.unknownName", "actual", "let:"),
        ("date(2024, 13, 1) > as_of", "sema.badDate", "date(2024, 13, 1)", "月 1–12"),
    ])
    func errorsAreLocatedOnTheToken(text: String, id: String, token: String, help: String) {
        let found = errors(text)
        #expect(found.count == 1, "\(found)")
        #expect(found.first?.id == id, "\(found)")
        #expect(found.first?.range == range(of: token, in: text), "\(found)")
        if !help.isEmpty { #expect(found.first?.help?.contains(help) == true, "\(String(describing: found.first?.help))") }
    }

    /// A chain of ten thousand operators, or of fields, is refused where it passes the limit, as deep nesting is: checking
    /// it as a tree that deep overflowed the stack (a crash of every command that read the rule).
    @Test(arguments: [" + ", " * ", " and ", " or "])
    func longChainsAreRefusedNotCrashed(op: String) throws {
        let operand = op.contains("and") || op.contains("or") ? "true" : "1"
        let long = Array(repeating: operand, count: 10_000).joined(separator: op)
        let found = errors(long)
        #expect(found.map(\.id) == ["parse.syntax"], "\(found.prefix(2))")
        #expect(found.first?.message.contains("表达式太长") == true, "\(found.first?.message ?? "")")
        #expect(found.first?.help?.contains("let") == true)
        // At the operator after the 200th operand: where the chain passed the limit.
        let offset = (operand.utf8.count + op.utf8.count) * 199 + operand.utf8.count
        let opToken = op.trimmingCharacters(in: .whitespaces)
        #expect(found.first?.range == (offset + 1)..<(offset + 1 + opToken.utf8.count), "\(String(describing: found.first?.range))")
        // A long chain that is still allowed evaluates.
        let allowed = Array(repeating: operand, count: 150).joined(separator: op)
        #expect(errors(allowed).isEmpty)
        let (value, _) = try evaluate(allowed)
        switch op {
        case " + ": #expect(value == .int(150))
        case " * ": #expect(value == .int(1))
        default: #expect(value == .bool(true))
        }
    }

    @Test func longFieldChainsAndDeepNestingSayTheLimit() {
        let fields = "it" + String(repeating: ".approved", count: 5_000)
        let found = errors(fields)
        #expect(found.map(\.id) == ["parse.syntax"])
        #expect(found.first?.message.contains("200") == true, "\(found)")
        let nested = String(repeating: "(", count: 5_000) + "1" + String(repeating: ")", count: 5_000)
        let deep = errors(nested)
        #expect(deep.first?.message == "表达式嵌套太深（超过 200 层）", "\(deep)")
        #expect(deep.first?.help?.contains("let") == true)
    }

    @Test func hasNarrowsOnlyWhereItIsProven() {
        #expect(errors("has(it.established) and it.established < as_of").isEmpty)
        #expect(errors("not has(it.established) or it.established < as_of").isEmpty)
        #expect(errors("it.established != null and it.established < as_of").isEmpty)
        #expect(errors("if has(it.established) then it.established < as_of else false").isEmpty)
        // The else branch and the left side of `or` are not narrowed.
        #expect(errors("if has(it.established) then true else it.established < as_of").map(\.id) == ["sema.optionalUse"])
        #expect(errors("has(it.established) or it.established < as_of").map(\.id) == ["sema.optionalUse"])
    }

    @Test func collectsSeveralErrorsInOneExpression() {
        let found = errors("it.nmae == 1 and it.rnak == section")
        #expect(found.map(\.id) == ["sema.unknownField", "sema.unknownField"])
    }

    @Test func templatesCompileTheirHoles() {
        var compiler = ExpressionCompiler()
        compiler.declare("it", type: .record(SnapshotSchema.institution))
        #expect(MessageTemplate.compile("{it.name}超编{it.approved.staffing.administrative}名，{{字面}}", with: &compiler) != nil)
        #expect(MessageTemplate.compile("{it.nam}超编", with: &compiler) == nil)
        #expect(compiler.errors.first?.range == 4..<7) // the unknown field name itself
    }
}
