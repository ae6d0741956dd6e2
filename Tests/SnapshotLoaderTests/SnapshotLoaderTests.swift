import _BianzhiTestSupport
import Diagnostics
import Foundation
import Schema
import SnapshotLoader
import Testing

private func load(_ text: String, name: String = "s.yaml") throws -> SnapshotLoader.Result {
    let directory = try TestSupport.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = try TestSupport.write(text, to: name, in: directory)
    return SnapshotLoader().load(path: path)
}

private func errors(_ result: SnapshotLoader.Result) -> [(id: String, line: Int, column: Int, message: String)] {
    result.diagnostics.sorted.filter { $0.severity == .error }.map {
        ($0.id.rawValue, $0.location?.line ?? 0, $0.location?.column ?? 0, $0.message)
    }
}

@Suite struct SnapshotDecodingTests {
    @Test func theSampleIsValid() throws {
        let result = try load(SampleSnapshot.text)
        #expect(result.diagnostics.diagnostics.isEmpty, "\(result.diagnostics.diagnostics)")
        let snapshot = try #require(result.snapshot)
        #expect(snapshot.institutions.count == 2)
        #expect(snapshot.asOf.description == "2024-06-30")
    }

    @Test func scalarsAreTypedByTheSchemaNotByYAMLGuessing() throws {
        let text = SampleSnapshot.replacing("id: QH-JTJ", with: "id: 001234")
            .replacing("name: 青禾县教育和体育局", with: "name: NO")
            .replacing("parent: QH-JTJ", with: "parent: \"001234\"")
            .replacing("working_at: QH-JTJ", with: "working_at: 001234")
            .replacing("office_host: QH-JTJ", with: "office_host: '001234'")
            .replacing("subject: QH-JTJ", with: "subject: 001234")
        let result = try load(text)
        #expect(result.diagnostics.diagnostics.isEmpty, "\(result.diagnostics.diagnostics)")
        let snapshot = try #require(result.snapshot)
        let institution = try #require(snapshot.institutions[0].recordValue)
        #expect(institution[SnapshotSchema.institution.requiredSlot("id")] == .string("001234"))
        #expect(institution[SnapshotSchema.institution.requiredSlot("name")] == .string("NO"))
    }

    @Test func chineseEnumLabelsAndDefaults() throws {
        let text = SampleSnapshot.replacing("category: government_department", with: "category: 政府工作部门")
            .replacing("rank: section", with: "rank: 正科（乡）级")
        let snapshot = try #require(try load(text).snapshot)
        let institution = try #require(snapshot.institutions[0].recordValue)
        #expect(institution[SnapshotSchema.institution.requiredSlot("category")] == .enumCase(1))
        #expect(institution[SnapshotSchema.institution.requiredSlot("rank")] == .enumCase(6))
        // Defaults: worker staffing 0, a person's post none, plates empty, optional name_in_use null.
        let approved = try #require(institution[SnapshotSchema.institution.requiredSlot("approved")].recordValue)
        let staffing = try #require(approved[SnapshotSchema.approved.requiredSlot("staffing")].recordValue)
        #expect(staffing[SnapshotSchema.staffing.requiredSlot("worker")] == .int(0))
        #expect(institution[SnapshotSchema.institution.requiredSlot("plates")] == .list([]))
        #expect(institution[SnapshotSchema.institution.requiredSlot("name_in_use")] == .null)
        let staff = try #require(institution[SnapshotSchema.institution.requiredSlot("staff")].listValue)
        #expect(staff[1].recordValue?[SnapshotSchema.person.requiredSlot("post")] == .enumCase(4))
    }

    @Test func valuesRememberWhereTheyCameFrom() throws {
        let snapshot = try #require(try load(SampleSnapshot.text).snapshot)
        let institution = try #require(snapshot.institutions[0].recordValue)
        let slot = SnapshotSchema.institution.requiredSlot("rank")
        #expect(institution.mark(at: slot) == ValueMark(file: 0, line: 12, column: 11))
        #expect(institution.mark.line == 9)
    }

    @Test(arguments: [
        // (replace, with, id, line, column, message contains)
        ("    within_limit: true", "    within_limit: yes", "snapshot.typeMismatch", 13, 19, "应为布尔值"),
        ("category: government_department", "category: goverment_department", "snapshot.badEnum", 11, 15, "goverment_department"),
        ("joined: 2020-09-01", "joined: 2024-02-30", "snapshot.badDate", 21, 59, "不存在"),
        ("staffing: {administrative: 2}", "staffing: {administrative: \"2\"}", "snapshot.typeMismatch", 15, 34, "带引号"),
        ("staffing: {administrative: 2}", "staffing: {administrative: -2}", "snapshot.outOfRange", 15, 34, "不能小于 0"),
        ("snapshot: v1", "snapshot: v2", "snapshot.badVersion", 1, 11, "'v1'"),
        ("    name: 青禾县教育和体育局\n", "", "snapshot.missingField", 9, 5, "'name'"),
        ("  - id: QH-JYZX", "  - id: QH-JTJ", "snapshot.duplicateID", 22, 9, "'QH-JTJ' 重复"),
        ("parent: QH-JTJ", "parent: QH-JTX", "snapshot.unresolvedReference", 28, 13, "'QH-JTX'"),
        ("seconded_since: 2024-01-02", "seconded_since: 2024-07-02", "snapshot.futureDate", 34, 87, "晚于"),
        ("staffing: {administrative: 2}", "staffng: {administrative: 2}", "snapshot.unknownField", 15, 7, "staffng"),
    ])
    func badValuesAreLocated(old: String, new: String, id: String, line: Int, column: Int, message: String) throws {
        let result = try load(SampleSnapshot.replacing(old, with: new))
        #expect(result.snapshot == nil)
        let found = errors(result)
        #expect(found.count == 1, "\(found)")
        #expect(found.first?.id == id)
        #expect(found.first?.line == line && found.first?.column == column, "\(found)")
        #expect(found.first?.message.contains(message) == true, "\(found)")
    }

    @Test func suggestionsForFieldsEnumsAndChineseLabels() throws {
        let misspelt = try load(SampleSnapshot.replacing("staffing: {administrative: 2}", with: "staffing: {adminstrative: 2}"))
        #expect(misspelt.diagnostics.diagnostics.first?.help == "是否要写 'administrative'？")
        let label = try load(SampleSnapshot.replacing("    rank: section", with: "    机构规格: section"))
        #expect(label.diagnostics.diagnostics.first?.help?.contains("字段名请写 'rank'") == true)
        let badEnum = try load(SampleSnapshot.replacing("establishment: administrative, post: principal", with: "establishment: adminstrative, post: principal"))
        #expect(badEnum.diagnostics.diagnostics.first?.help == "是否要写 'administrative'？")
    }

    @Test func everyProblemIsCollectedInOnePass() throws {
        let text = SampleSnapshot.replacing("    rank: section", with: "    rnak: section")
            .replacing("joined: 2020-09-01", with: "joined: 2020-13-01")
            .replacing("parent: QH-JTJ", with: "parent: NOPE")
        let found = errors(try load(text))
        #expect(found.map(\.id) == ["snapshot.missingField", "snapshot.unknownField", "snapshot.badDate", "snapshot.unresolvedReference"])
    }

    @Test func duplicateIDHasANoteAtTheFirst() throws {
        let result = try load(SampleSnapshot.replacing("  - id: QH-JYZX", with: "  - id: QH-JTJ"))
        let diagnostic = try #require(result.diagnostics.diagnostics.first)
        #expect(diagnostic.notes.first?.location?.line == 9)
    }

    /// A tag YAML does not define (`!foo`) was ignored without a word: a warning now, at the tag; YAML's own are understood.
    @Test func aForeignTagIsAWarning() throws {
        let result = try load(SampleSnapshot.replacing("  code: \"999001\"", with: "  code: !foo \"999001\"")
            .replacing("as_of: 2024-06-30", with: "as_of: !!str 2024-06-30"))
        #expect(result.snapshot != nil)
        let warnings = result.diagnostics.sorted.filter { $0.severity == .warning }
        #expect(warnings.map(\.id.rawValue) == ["snapshot.ignoredTag"])
        #expect(warnings.first?.location?.line == 4 && warnings.first?.message.contains("'!foo'") == true)
    }

    @Test func stagesOutOfOrderAreAWarningNotAnError() throws {
        let text = SampleSnapshot.replacing("    staff:\n      - {id: P001", with: """
            events:
              - {type: rename, date: 2022-01-01, authority: {level: city, body: staffing_committee}, steps: {proposed: 2021-06-01, assessed: 2021-05-01}}
            staff:
              - {id: P001
        """)
        let result = try load(text)
        #expect(result.snapshot != nil)
        #expect(result.diagnostics.diagnostics.map(\.id) == ["snapshot.stageOrder"])
        #expect(result.diagnostics.diagnostics.first?.severity == .warning)
    }

    /// An exemption may name a person on the roster; an id that is no institution, body, region or person is refused.
    /// Persons are looked for by comparing with the few subjects that are none of the others (by hashing beyond eight).
    @Test(arguments: [1, 12])
    func exemptionSubjectsArePersonsOnTheRoster(persons: Int) throws {
        let exemption = "  - {rule: \"*\", subject: SUBJECT, document_number: 青编〔2023〕5号, authority: {level: city, body: staffing_committee}, until: 2025-12-31, reason: 过渡期}\n"
        let subjects = ["P001", "P002", "P003"].prefix(persons) + (0..<max(0, persons - 3)).map { "P9\($0)" } + ["QH-JTJ", "999001", "NOBODY"]
        let text = SampleSnapshot.text + subjects.map { exemption.replacingOccurrences(of: "SUBJECT", with: $0) }.joined()
        let result = try load(text)
        #expect(result.snapshot == nil)
        let refused = errors(result).filter { $0.id == "snapshot.unresolvedReference" }
        #expect(refused.count == errors(result).count, "\(errors(result).map(\.message))")
        // The unknown ids: NOBODY, and the made-up person ids beyond the three on the roster.
        let unknown = ["NOBODY"] + (0..<max(0, persons - 3)).map { "P9\($0)" }
        #expect(refused.count == unknown.count, "\(refused.map(\.message))")
        #expect(unknown.allSatisfy { id in refused.contains { $0.message.contains("'\(id)'") } })
    }

    @Test func exemptionNeedsARuleOrAProvision() throws {
        let result = try load(SampleSnapshot.replacing("{rule: \"*\", subject", with: "{subject"))
        #expect(errors(result).map(\.id) == ["snapshot.exemptionTarget"])
    }
}

@Suite struct SnapshotFolderTests {
    @Test func folderWithNestedInstitutionFilesOneOrAList() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try TestSupport.write("snapshot: v1\nas_of: 2024-06-30\nregion: {code: \"999001\", name: 青禾县, level: county}\n", to: "region.yaml", in: directory)
        let one = "id: A\nname: 甲\ncategory: party_body\nrank: section\nwithin_limit: true\napproved: {leadership: {principal: 1, deputy: 2}}\n"
        try TestSupport.write(one, to: "institutions/party/a.yaml", in: directory)
        let list = "[{\"id\": \"B\", \"name\": \"乙\", \"category\": \"public_institution\", \"rank\": \"section\", \"within_limit\": false, \"parent\": \"A\", \"approved\": {\"leadership\": {\"principal\": 1, \"deputy\": 0}}}, {\"id\": \"C\", \"name\": \"丙\", \"category\": \"township\", \"rank\": \"section\", \"within_limit\": false, \"approved\": {\"leadership\": {\"principal\": 1, \"deputy\": 3}}}]"
        try TestSupport.write(list, to: "institutions/public/b.json", in: directory)
        try TestSupport.write("not yaml", to: "institutions/notes.txt", in: directory)
        let result = SnapshotLoader().load(path: directory.path)
        #expect(result.diagnostics.diagnostics.isEmpty, "\(result.diagnostics.diagnostics)")
        let snapshot = try #require(result.snapshot)
        #expect(snapshot.institutions.count == 3)
        #expect(snapshot.files.count == 3)
        #expect(snapshot.files[1].hasSuffix("institutions/party/a.yaml"))
    }

    @Test func folderWithoutRegionFile() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = SnapshotLoader().load(path: directory.path)
        #expect(result.diagnostics.diagnostics.map(\.id) == ["snapshot.missingRegion"])
    }

    @Test func errorsInTwoFilesAreBothReported() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try TestSupport.write("snapshot: v1\nas_of: 2024-06-31\nregion: {code: \"1\", name: x, level: county}\n", to: "region.yaml", in: directory)
        try TestSupport.write("id: A\nname: 甲\n", to: "institutions/a.yaml", in: directory)
        let result = SnapshotLoader().load(path: directory.path)
        let ids = result.diagnostics.sorted.map(\.id.rawValue)
        #expect(ids.contains("snapshot.badDate"))
        #expect(ids.filter { $0 == "snapshot.missingField" }.count == 4)
    }
}
