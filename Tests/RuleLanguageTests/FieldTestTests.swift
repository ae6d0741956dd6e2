import RuleLanguage
import Schema
import Testing

/// A record of `type` with the named fields set (the others missing).
private func record(_ type: RecordType, _ fields: [String: Value]) -> Value {
    var values = [Value](repeating: .null, count: type.fields.count)
    for (name, value) in fields { values[type.requiredSlot(name)] = value }
    return .record(Record(values: values, marks: [], mark: .none))
}

private func enumValue(_ enumType: EnumType, _ name: String) -> Value {
    .enumCase(enumType.index(of: name) ?? -1)
}

/// A compiler with `it` a person and `institution` its institution, both bound in place as the engine binds them.
private struct PersonConditions {
    var compiler = ExpressionCompiler()
    let it: Int
    let institution: Int

    init() {
        it = compiler.declareBound("it", type: .record(SnapshotSchema.person))
        institution = compiler.declareBound("institution", type: .record(SnapshotSchema.institution))
    }

    mutating func compile(_ text: String) throws -> Typed {
        let typed = compiler.compile(text, expecting: .bool)
        #expect(compiler.errors.isEmpty, "\(text): \(compiler.errors)")
        return try #require(typed)
    }
}

@Suite struct FieldTestTests {
    /// The field tests a condition starts with: conjuncts from the left while each is a test of one field path against
    /// constants; `coversAll` when the condition is nothing else.
    @Test func leadingTestsAreTheFieldTestsAConditionStartsWith() throws {
        var conditions = PersonConditions()
        let township = try conditions.compile("institution.category in [township, subdistrict] and has(it.working_at)")
        let both = try #require(township.leadingTests)
        #expect(both.tests.count == 2 && both.coversAll)
        #expect(both.tests(on: conditions.institution).count == 1 && both.tests(on: conditions.it).count == 1)

        let partial = try #require(try conditions.compile(
            "not has(institution.state_council_type) and it.establishment != none and count(institution.staff) > 1 and has(it.joined)").leadingTests)
        // The test after the count is not leading: the count comes first.
        #expect(partial.tests.count == 2 && !partial.coversAll)

        #expect(try conditions.compile("it.post == principal or has(it.joined)").leadingTests == nil)
        #expect(try conditions.compile("count(institution.staff) > 1 and has(it.joined)").leadingTests == nil)
        #expect(try conditions.compile("(it.joined ?? date(2020, 1, 1)) > date(2019, 1, 1)").leadingTests == nil)
        // `not` of one test is that test reversed; `not` of two is no test.
        #expect(try conditions.compile("not has(it.joined)").leadingTests?.coversAll == true)
        #expect(try conditions.compile("not (has(it.joined) and has(it.post_rank))").leadingTests == nil)
    }

    /// Applied directly, the field tests give the answer the compiled condition gives, on subjects with every
    /// combination of the values they read (present, missing, in the list, not in it).
    @Test func fieldTestsAnswerAsTheConditionsDo() throws {
        var conditions = PersonConditions()
        let texts = [
            "institution.category in [township, subdistrict]",
            "institution.category not in [township, subdistrict]",
            "institution.category != township",
            "not (institution.category == township)",
            "not has(institution.state_council_type)",
            "institution.abolished != null",
            "institution.abolished == null and has(it.joined)",
            "has(it.joined) and it.establishment in [public_service, worker]",
            "it.post == principal and not has(it.post_rank)",
            "it.establishment != none and it.post != principal",
        ]
        let institutions = [
            record(SnapshotSchema.institution, ["category": enumValue(SnapshotSchema.category, "township")]),
            record(SnapshotSchema.institution, ["category": enumValue(SnapshotSchema.category, "subdistrict"),
                                                "abolished": .date(try #require(CivilDate(parsing: "2020-01-01")))]),
            record(SnapshotSchema.institution, ["category": enumValue(SnapshotSchema.category, "government_department"),
                                                "state_council_type": .enumCase(0)]),
        ]
        let joined = Value.date(try #require(CivilDate(parsing: "2019-09-01")))
        let persons = [
            record(SnapshotSchema.person, ["establishment": enumValue(SnapshotSchema.establishment, "public_service"), "joined": joined,
                                           "post": enumValue(SnapshotSchema.post, "principal")]),
            record(SnapshotSchema.person, ["establishment": enumValue(SnapshotSchema.establishment, "worker"),
                                           "post": enumValue(SnapshotSchema.post, "principal"), "post_rank": .enumCase(0)]),
            record(SnapshotSchema.person, ["establishment": enumValue(SnapshotSchema.establishment, "none"), "joined": joined,
                                           "post": enumValue(SnapshotSchema.post, "deputy")]),
            record(SnapshotSchema.person, ["establishment": enumValue(SnapshotSchema.establishment, "administrative"), "joined": joined]),
        ]
        var checked = 0
        for text in texts {
            let typed = try conditions.compile(text)
            let leading = try #require(typed.leadingTests, "\(text)")
            #expect(leading.coversAll, "\(text)")
            let guardTests = try #require(FieldGuard(leading.tests))
            let condition = typed.condition
            var frame = EvalFrame(slotCount: conditions.compiler.slotCount, stepLimit: 1_000, context: .empty)
            for institution in institutions {
                for person in persons {
                    try withUnsafePointer(to: institution) { institutionPointer in
                        try withUnsafePointer(to: person) { personPointer in
                            frame.bind(conditions.institution, to: institutionPointer)
                            frame.bind(conditions.it, to: personPointer)
                            let holds = try condition(&frame)
                            #expect(guardTests.holds(in: frame) == holds, "\(text)")
                            frame.bind(conditions.it, to: nil)
                            frame.bind(conditions.institution, to: nil)
                        }
                    }
                    checked += 1
                }
            }
        }
        #expect(checked == texts.count * 12)
    }
}
