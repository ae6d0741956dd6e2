import Foundation
import Schema
import Synchronization
import Testing

@Suite struct CivilDateTests {
    @Test(arguments: ["2024-02-29", "2019-08-05", "1970-01-01", "2000-12-31"])
    func roundTrips(text: String) throws {
        let date = try #require(CivilDate(parsing: text))
        #expect(date.description == text)
    }

    @Test(arguments: ["2024-02-30", "2023-02-29", "2024-13-01", "2024-6-30", "2024/06/30", "20240630", "", "2024-04-31"])
    func rejectsImpossibleOrMalformedDates(text: String) {
        #expect(CivilDate(parsing: text) == nil)
    }

    @Test func knownDayNumbersAndDifferences() throws {
        #expect(CivilDate(parsing: "1970-01-02")?.daysSinceEpoch == 1)
        let a = try #require(CivilDate(parsing: "2024-01-31"))
        let b = try #require(CivilDate(parsing: "2024-03-30"))
        #expect(a.days(to: b) == 59)
        #expect(a.months(to: b) == 1)
        #expect(try #require(CivilDate(parsing: "2023-03-31")).months(to: try #require(CivilDate(parsing: "2024-03-31"))) == 12)
        #expect(a.chineseDescription == "2024年1月31日")
    }
}

@Suite struct EnumTypeTests {
    @Test func acceptsEnglishChineseAndBracketVariants() {
        let rank = SnapshotSchema.rank
        #expect(rank.index(of: "bureau") == 2)
        #expect(rank.index(of: "正厅（局）级") == 2)
        #expect(rank.index(of: "正厅(局)级") == 2)
        #expect(rank.index(of: "正处级") == 4)
        #expect(SnapshotSchema.category.index(of: "政府工作部门") == 1)
        #expect(SnapshotSchema.category.index(of: "goverment_department") == nil)
    }

    /// The byte look-up used by the snapshot decoder gives the same answer as the `String` one, for every spelling
    /// of every enumeration and for texts that are almost a spelling (a letter more or less, another case, spaces).
    @Test func byteLookupAgreesWithTextLookup() {
        for enumType in SnapshotSchema.enums {
            var texts: [String] = ["", " ", "x", "\t"]
            for enumCase in enumType.cases {
                for spelling in [enumCase.name, enumCase.label] + enumCase.aliases {
                    texts += [spelling, spelling + "s", String(spelling.dropLast()), spelling.uppercased(), " " + spelling,
                              spelling + " ", spelling.replacingOccurrences(of: "(", with: "（")]
                }
            }
            for text in texts {
                let bytes = Array(text.utf8)
                let byBytes = bytes.withUnsafeBufferPointer { enumType.index(ofUTF8: $0) }
                #expect(byBytes == enumType.index(of: text), "\(enumType.name): '\(text)'")
            }
        }
        #expect(Array("public_service".utf8).withUnsafeBufferPointer { SnapshotSchema.establishment.index(ofUTF8: $0) } != nil)
    }

    @Test func ranksAreOrderedHighestFirst() {
        #expect(SnapshotSchema.rank.ordered)
        #expect(SnapshotSchema.rank.cases.first?.name == "ministry")
        #expect(SnapshotSchema.level.cases.map(\.name) == ["central", "province", "city", "county", "township"])
    }
}

@Suite struct SchemaDefinitionTests {
    @Test func everyFieldOfTheContractIsDefined() {
        // A sample of the contract (shared/spec/snapshot-v1.md); renaming any of these breaks exporters.
        let expected: [(RecordType, [String])] = [
            (SnapshotSchema.snapshot, ["snapshot", "as_of", "region", "institutions", "coordination_bodies", "exemptions"]),
            (SnapshotSchema.region, ["code", "name", "level", "limits", "party_committee_term_start", "last_staffing_verification"]),
            (SnapshotSchema.institution, ["id", "name", "name_in_use", "plates", "category", "public_institution_type", "rank",
                                          "within_limit", "parent", "established", "abolished", "registration", "approved",
                                          "internal_units", "staff", "events", "state_council_type"]),
            (SnapshotSchema.person, ["id", "establishment", "post", "post_rank", "internal_unit", "joined", "hiring_approval",
                                     "working_at", "seconded_since", "secondment_approval"]),
            (SnapshotSchema.staffing, ["administrative", "political_legal", "public_service", "worker"]),
        ]
        for (record, names) in expected {
            #expect(record.fields.map(\.name) == names, "fields of \(record.name)")
        }
    }

    @Test func slotsFollowFieldOrder() {
        for record in SnapshotSchema.records {
            for (index, field) in record.fields.enumerated() {
                #expect(record.slot(of: field.name) == index)
            }
            #expect(record.slot(of: "no_such_field") == nil)
        }
    }

    @Test func jsonSchemaIsValidJSONWithEveryRecordAndField() throws {
        let text = SchemaGenerators.jsonSchema(.snapshot).rendered()
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(object["$schema"] as? String == "http://json-schema.org/draft-07/schema#")
        let definitions = try #require(object["definitions"] as? [String: Any])
        for record in SnapshotSchema.records {
            let definition = try #require(definitions[record.name] as? [String: Any], "missing \(record.name)")
            let properties = try #require(definition["properties"] as? [String: Any])
            #expect(Set(properties.keys) == Set(record.fields.map(\.name)))
            #expect(definition["additionalProperties"] as? Bool == false)
        }
        let category = try #require(definitions["Category"] as? [String: Any])
        #expect((category["enum"] as? [String])?.contains("政府工作部门") == true)
    }

    @Test func institutionFileSchemaAcceptsOneOrAList() throws {
        let text = SchemaGenerators.jsonSchema(.institutionFile).rendered()
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect((object["oneOf"] as? [Any])?.count == 2)
    }

    @Test func generatedFieldReferenceIsCurrent() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/snapshot.md")
        let committed = try String(contentsOf: url, encoding: .utf8)
        #expect(committed == SchemaGenerators.markdown(),
                "docs/snapshot.md is stale: run `swift run bianzhi schema snapshot --format markdown > docs/snapshot.md`")
    }

    @Test func jsonStringsAreEscaped() {
        #expect(OrderedJSON.string("a\"b\\c\n\u{1}").rendered() == "\"a\\\"b\\\\c\\n\\u0001\"")
    }
}

@Suite struct OrderedJSONTests {
    /// Text with nothing to escape is appended whole; everything else is escaped: either way, a JSON reader gets the text back.
    @Test(arguments: ["清河县机构编制委员会办公室", "plain ascii", "", "引号\"与反斜杠\\", "行\n换\r\t制表", "\u{01}\u{1F}控制",
                      "段落\u{2028}分隔\u{2029}", "破折号——“引号”…", "emoji 🏛️ 与组合字符 é", "\"首尾\"", "\n\n", "尾\u{2028}",
                      "\u{2029}", "\u{E2}\u{80}"])
    func quotedTextReadsBack(text: String) throws {
        var output = ""
        OrderedJSON.quote(text, into: &output)
        let decoded = try JSONSerialization.jsonObject(with: Data("[\(output)]".utf8)) as? [String]
        #expect(decoded == [text])
        #expect(!output.contains("\u{2028}") && !output.contains("\u{2029}"), "line separators escaped for JavaScript")
        #expect(!output.unicodeScalars.contains { $0.value < 0x20 }, "no raw control characters")
    }

    /// Numbers are written digit by digit, and indentation a run of spaces at a time (deeper than one run, too).
    @Test func numbersAndDeepIndentation() {
        let numbers: [Int] = [0, 7, -1, 10, -305, 1_234_567_890, Int.max, Int.min]
        #expect(OrderedJSON.array(numbers.map { .int($0) }).rendered(pretty: false) == "[" + numbers.map(String.init).joined(separator: ",") + "]")
        var nested = OrderedJSON.int(-42)
        for _ in 0..<40 { nested = .array([nested]) }
        let lines = nested.rendered().split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 81)
        #expect(lines[39] == Substring(String(repeating: " ", count: 78) + "["))
        #expect(lines[40] == Substring(String(repeating: " ", count: 80) + "-42"))
        #expect(lines[41] == Substring(String(repeating: " ", count: 78) + "]"))
        #expect(nested.renderedBytes() == Array(nested.rendered().utf8))
    }

    /// A document with a generated array of `count` items, each an object with an array in it (as a report's findings).
    static func report(items count: Int) -> OrderedJSON {
        .object([
            ("report", .string("v1")),
            ("findings", .generated(count: count) { index in
                .object([("id", .int(index)), ("message", .string("第\(index)项：\"超编\"\n")),
                         ("citations", .array([.string("《条例》第六条"), .bool(index % 2 == 0), .null]))])
            }),
            ("empty", .array([])),
            ("errors", .array((0..<3).map { .int($0) })),
        ])
    }

    /// Written through a sink that hands its bytes on in pieces, a document is the same bytes as rendered whole, in
    /// pieces that end between array items once they reach the chunk size; the sink never holds much more than that.
    @Test(arguments: [1, 7, 64, 1000, 1 << 20])
    func chunkedWritingGivesTheWholeRendering(chunkSize: Int) {
        let document = OrderedJSONTests.report(items: 200)
        for pretty in [true, false] {
            let whole = document.renderedBytes(pretty: pretty)
            var chunks: [[UInt8]] = []
            var sink = ByteSink(chunkSize: chunkSize) { chunk in
                chunks.append(chunk)
                return true
            }
            document.write(into: &sink, pretty: pretty)
            let finished = sink.finish()
            #expect(finished)
            #expect(sink.bytes.isEmpty, "everything was handed on")
            #expect(Array(chunks.joined()) == whole)
            #expect(chunks.dropLast().allSatisfy { $0.count >= chunkSize }, "a piece ends once it is full")
            if chunkSize < whole.count {
                #expect(chunks.count > 1, "handed on while written")
                // One item is under 200 bytes: no piece is much larger than the chunk size.
                #expect(chunks.allSatisfy { $0.count < chunkSize + 400 }, "\(chunks.map(\.count).max() ?? 0)")
            } else {
                #expect(chunks.count == 1)
            }
        }
    }

    /// When handing on fails, the sink drops the rest and says so; the rendering stops at the next array item.
    @Test func aFailingSinkStopsTheRendering() {
        var delivered = 0
        var calls = 0
        var sink = ByteSink(chunkSize: 100) { chunk in
            calls += 1
            if calls > 2 { return false }
            delivered += chunk.count
            return true
        }
        let made = Counter()
        let document = OrderedJSON.generated(count: 10_000) { index in
            made.count.withLock { $0 += 1 }
            return .string("第\(index)项")
        }
        document.write(into: &sink)
        let finished = sink.finish()
        #expect(!finished)
        #expect(sink.failed)
        #expect(calls == 3, "nothing more is handed on after the failure")
        #expect(delivered >= 200 && delivered < 400)
        let itemsMade = made.count.withLock { $0 }
        #expect(itemsMade < 100, "items after the failure are not made: \(itemsMade)")
    }

    /// A file kept in memory, for a sink to deliver to and change.
    final class MemoryFile {
        var bytes: [UInt8] = []

        /// A sink delivering here a chunk every 4 bytes, whose delivered bytes can be changed here.
        func sink() -> ByteSink {
            let rewriting = ByteSink.Rewriting(
                overwrite: { patch, offset in
                    self.bytes.replaceSubrange(offset..<(offset + patch.count), with: patch)
                    return true
                },
                truncate: { length in
                    self.bytes.removeSubrange(length...)
                    return true
                })
            return ByteSink(chunkSize: 4, rewriting: rewriting) { chunk in
                self.bytes += chunk
                return true
            }
        }
    }

    /// Bytes already written are changed where they are: in the buffer while they wait, through `Rewriting` once
    /// delivered (a patch across the two goes partly each way); a cut goes back into what was delivered the same way.
    /// A sink that delivers without `Rewriting` (a pipe) can still change what waits; one that keeps every byte, anything.
    /// (What cannot be changed: `aRefusedChangeFailsTheSink`.)
    @Test func writtenBytesAreChangedWhereverTheyAre() {
        let file = MemoryFile()
        var sink = file.sink()
        sink.bytes += Array("abcdef".utf8)
        sink.flushIfFull()
        sink.bytes += Array("gh".utf8)
        #expect(sink.delivered == 6 && sink.position == 8)
        let delivered = sink.overwrite(Array("XY".utf8), at: 1)
        let across = sink.overwrite(Array("PQR".utf8), at: 5)
        let waiting = sink.overwrite(Array("Z".utf8), at: 7)
        #expect(delivered && across && waiting, "delivered, across delivered and waiting, waiting")
        var finished = sink.finish()
        #expect(finished)
        #expect(String(decoding: file.bytes, as: UTF8.self) == "aXYdePQZ")

        sink.bytes += Array("ij".utf8)
        let cutWaiting = sink.truncate(to: 9)
        #expect(cutWaiting && sink.bytes == Array("i".utf8))
        let cutDelivered = sink.truncate(to: 3)
        #expect(cutDelivered && sink.position == 3 && sink.bytes.isEmpty)
        sink.bytes += Array("cd".utf8)
        finished = sink.finish()
        #expect(finished)
        #expect(String(decoding: file.bytes, as: UTF8.self) == "aXYcd")

        var pipe = ByteSink(chunkSize: 2) { _ in true }
        pipe.bytes += Array("abc".utf8)
        pipe.flushIfFull()
        pipe.bytes += Array("d".utf8)
        #expect(!pipe.isRewritable)
        let pipeWaiting = (pipe.overwrite(Array("D".utf8), at: 3), pipe.truncate(to: 3))
        #expect(pipeWaiting.0 && pipeWaiting.1, "still waiting")
        let pipeFinished = pipe.finish()
        #expect(pipeFinished)

        var memory = ByteSink()
        memory.bytes += Array("abc".utf8)
        let kept = (memory.isRewritable, memory.overwrite(Array("B".utf8), at: 1), memory.truncate(to: 2))
        #expect(kept.0 && kept.1 && kept.2)
        #expect(memory.bytes == Array("aB".utf8))
    }

    /// A change the sink cannot make (bytes beyond what is written; bytes delivered to a pipe) is refused and fails the
    /// sink, as a failed delivery does: what it holds is no longer what was meant, so nothing written through it is kept.
    /// Once failed, it refuses every further change.
    @Test func aRefusedChangeFailsTheSink() {
        func written(_ text: String) -> ByteSink {
            var sink = MemoryFile().sink()
            sink.bytes += Array(text.utf8)
            sink.flushIfFull()
            return sink
        }
        let refusals: [(String, (inout ByteSink) -> Bool)] = [
            ("a patch running past the end", { $0.overwrite(Array("!!".utf8), at: 5) }),
            ("a patch far beyond the end", { $0.overwrite([1], at: Int.max) }),
            ("a patch before the start", { $0.overwrite([1], at: -1) }),
            ("a cut beyond the end", { $0.truncate(to: 7) }),
        ]
        for (what, change) in refusals {
            var sink = written("abcdef")
            #expect(!change(&sink), "\(what)")
            #expect(sink.failed, "\(what)")
            let afterwards = (sink.overwrite([0], at: 0), sink.truncate(to: 0))
            #expect(!afterwards.0 && !afterwards.1, "\(what): nothing is changed once failed")
            let finished = sink.finish()
            #expect(!finished, "\(what)")
        }

        for delivered in [true, false] {
            var pipe = ByteSink(chunkSize: 2) { _ in true }
            pipe.bytes += Array("abc".utf8)
            pipe.flushIfFull()
            let refused = delivered ? pipe.overwrite([0], at: 0) : pipe.truncate(to: 1)
            #expect(!refused && pipe.failed, "delivered to a pipe")
            let finished = pipe.finish()
            #expect(!finished)
        }
    }

    /// How many items a generated array made.
    final class Counter: Sendable {
        let count = Mutex(0)
    }

    /// A sink without anyone to hand on to keeps every byte.
    @Test func aKeepingSinkHoldsEverything() {
        let document = OrderedJSONTests.report(items: 50)
        var sink = ByteSink(expectedSize: 10)
        document.write(into: &sink)
        let finished = sink.finish()
        #expect(finished)
        #expect(sink.bytes == document.renderedBytes())
        #expect(String(decoding: sink.bytes, as: UTF8.self) == document.rendered())
    }
}

@Suite struct RecordTests {
    private let here = ValueMark(file: 0, line: 3, column: 5)

    @Test func aCopyIsIndependentOfTheOriginal() {
        var original = Record(values: [.string("甲"), .int(1)], marks: [here, .none], mark: here)
        var copy = original
        copy[0] = .string("乙")
        copy.setMark(.none, at: 0)
        #expect(original[0] == .string("甲") && original.mark(at: 0) == here)
        #expect(copy[0] == .string("乙") && copy.mark(at: 0) == .none)
        original[1] = .list([.int(2)])
        #expect(copy[1] == .int(1))
        #expect(original[1] == .list([.int(2)]))
    }

    @Test func missingMarksAreNoneAndNewRecordsAreNull() {
        let short = Record(values: [.bool(true), .null, .int(3)], marks: [here], mark: .none)
        #expect(short.count == 3)
        #expect((0..<short.count).map(short.mark(at:)) == [here, .none, .none])
        #expect((0..<short.count).map { short[$0] } == [.bool(true), .null, .int(3)])
        let empty = Record(count: 4, mark: here)
        #expect((0..<empty.count).map { empty[$0] } == [Value](repeating: .null, count: 4))
        #expect((0..<empty.count).map(empty.mark(at:)) == [ValueMark](repeating: .none, count: 4))
        #expect(Record(values: [], marks: [], mark: .none).count == 0)
    }

    @Test func equalityAndHashingSeeValuesMarksAndTheRecordsOwnMark() {
        let a = Record(values: [.string("x"), .date(CivilDate(daysSinceEpoch: 1))], marks: [here, here], mark: here)
        let b = Record(values: [.string("x"), .date(CivilDate(daysSinceEpoch: 1))], marks: [here, here], mark: here)
        #expect(a == b && a.hashValue == b.hashValue)
        var c = b
        c.setMark(.none, at: 1)
        #expect(a != c)
        var d = b
        d.mark = .none
        #expect(a != d)
        var e = b
        e[0] = .string("y")
        #expect(a != e)
        #expect(Set([Value.record(a), .record(b), .record(e)]).count == 2)
    }
}

/// Records without marks of their fields: what a projection keeps of an institution.
@Suite struct UnmarkedRecordTests {
    private let here = ValueMark(file: 0, line: 3, column: 5)

    @Test func anUnmarkedRecordHasItsValuesAndOnlyItsOwnMark() {
        var record = Record(unmarkedValues: [.string("甲"), .null, .list([.int(1)])], mark: here)
        #expect(!record.hasFieldMarks)
        #expect(record.count == 3)
        #expect((0..<record.count).map { record[$0] } == [.string("甲"), .null, .list([.int(1)])])
        // Each field is placed where the record starts.
        #expect((0..<record.count).map(record.mark(at:)) == [ValueMark](repeating: here, count: 3))
        #expect(record.mark == here)
        // Equal to a record of the same values with those marks, and hashed alike; not to one with others.
        let marked = Record(values: [.string("甲"), .null, .list([.int(1)])], marks: [here, here, here], mark: here)
        #expect(marked.hasFieldMarks)
        #expect(record == marked && record.hashValue == marked.hashValue)
        #expect(record != Record(values: [.string("甲"), .null, .list([.int(1)])], marks: [], mark: here))
        #expect(record == Record(unmarkedValues: [.string("甲"), .null, .list([.int(1)])], mark: here))
        #expect(record != Record(unmarkedValues: [.string("甲"), .null, .list([.int(1)])], mark: .none))

        // Changed, a copy stays unmarked and the original is untouched; given a mark, it gets marks.
        let original = record
        record[1] = .int(2)
        #expect(!record.hasFieldMarks && original[1] == .null && record[1] == .int(2))
        let there = ValueMark(file: 1, line: 8, column: 2)
        record.setMark(there, at: 0)
        #expect(record.hasFieldMarks)
        #expect((0..<record.count).map(record.mark(at:)) == [there, here, here])
        #expect((0..<record.count).map { record[$0] } == [.string("甲"), .int(2), .list([.int(1)])])
        #expect(!original.hasFieldMarks && original.mark(at: 0) == here)
        #expect(Record(unmarkedValues: [], mark: .none).count == 0)
    }

    /// A sparse record stores only the values that are not null; it reads, compares and hashes as the record of all its
    /// values does, and is made whole when a field or a mark is set.
    @Test func aSparseRecordReadsAsTheWholeRecord() {
        let values: [Value] = [.null, .string("甲"), .null, .list([.int(1)]), .int(7), .null]
        var sparse = Record(sparseValues: values, mark: here)
        let whole = Record(unmarkedValues: values, mark: here)
        #expect(sparse.isSparse && !whole.isSparse && !sparse.hasFieldMarks)
        #expect(sparse.count == 6)
        #expect((0..<sparse.count).map { sparse[$0] } == values)
        #expect((0..<sparse.count).map(sparse.mark(at:)) == [ValueMark](repeating: here, count: 6))
        #expect(sparse == whole && whole == sparse && sparse.hashValue == whole.hashValue)
        #expect(sparse != Record(sparseValues: [.null, .string("乙"), .null, .list([.int(1)]), .int(7), .null], mark: here))
        #expect(Set([Value.record(sparse), .record(whole)]).count == 1)

        // Changed, it is made whole; the original is untouched.
        let original = sparse
        sparse[0] = .bool(true)
        #expect(!sparse.isSparse && original.isSparse)
        #expect((0..<sparse.count).map { sparse[$0] } == [.bool(true)] + values.dropFirst())
        #expect((0..<original.count).map { original[$0] } == values)
        var marked = original
        marked.setMark(ValueMark(file: 2, line: 1, column: 1), at: 5)
        #expect(marked.hasFieldMarks && !marked.isSparse && marked == marked)
        #expect((0..<marked.count).map { marked[$0] } == values)
        #expect(marked.mark(at: 5) == ValueMark(file: 2, line: 1, column: 1) && marked.mark(at: 4) == here)

        // The edges: no fields, no values, every value, the 64th field alone; more than 64 fields are stored whole.
        #expect(Record(sparseValues: [], mark: here).count == 0)
        let empty = Record(sparseValues: [Value](repeating: .null, count: 17), mark: here)
        #expect(empty.isSparse && empty.count == 17 && (0..<17).allSatisfy { empty[$0].isNull })
        let full = (0..<64).map { Value.int($0) }
        let all = Record(sparseValues: full, mark: here)
        #expect(all.isSparse && (0..<64).map { all[$0] } == full)
        let last = Record(sparseValues: [Value](repeating: .null, count: 63) + [.string("末")], mark: here)
        #expect(last.isSparse && last[63] == .string("末") && last[62].isNull && last.count == 64)
        let wide = Record(sparseValues: [Value](repeating: .null, count: 64) + [.int(1)], mark: here)
        #expect(!wide.isSparse && wide.count == 65 && wide[64] == .int(1) && wide[0].isNull)
    }

    /// A projection keeps the kept fields (and ids and names), nulls the others, and projects kept records and lists of
    /// records by their own type; what loses a field is made without field marks (each placed where the record
    /// starts, so the loader's checks can still say where), what loses nothing is kept as it is.
    @Test func aProjectionKeepsWhatIsReadAndDropsTheMarksOfWhatLosesAField() throws {
        let institution = SnapshotSchema.institution
        let person = SnapshotSchema.person
        func slot(_ name: String, of type: RecordType = institution) -> Int { type.requiredSlot(name) }
        func marked(_ type: RecordType, _ values: [String: Value], line: Int32) -> Record {
            var record = Record(count: type.fields.count, mark: ValueMark(file: 1, line: line, column: 1))
            for (name, value) in values {
                record[type.requiredSlot(name)] = value
                record.setMark(ValueMark(file: 1, line: line, column: 3), at: type.requiredSlot(name))
            }
            return record
        }
        let alone = marked(person, ["id": .string("P1"), "joined": .date(CivilDate(daysSinceEpoch: 10))], line: 9)
        let other = marked(person, ["id": .string("P2"), "internal_unit": .string("办公室")], line: 10)
        let record = marked(institution, ["id": .string("QH-1"), "name": .string("县交通运输局"), "within_limit": .bool(true),
                                          "internal_units": .list([.string("办公室")]), "staff": .list([.record(alone), .record(other)])],
                            line: 2)
        // Kept: within_limit, and the staff list with each person's `joined`.
        let projection = RecordProjection(root: institution, keeping: [institution.name: [slot("within_limit"), slot("staff")],
                                                                       person.name: [slot("joined", of: person)]])
        let projected = projection.apply(record, as: institution)
        #expect(!projected.hasFieldMarks && projected.isSparse)
        #expect(projected.mark == record.mark)
        #expect(projected.mark(at: slot("id")) == record.mark)
        #expect(projected.count == record.count)
        for field in institution.fields.indices {
            let expectedNull = ![slot("id"), slot("name"), slot("within_limit"), slot("staff")].contains(field)
            #expect(expectedNull ? projected[field].isNull : true, "\(institution.fields[field].name)")
        }
        #expect(projected[slot("id")] == .string("QH-1") && projected[slot("name")] == .string("县交通运输局"))
        #expect(projected[slot("within_limit")] == .bool(true))
        let staff = try #require(projected[slot("staff")].listValue)
        #expect(staff.count == 2)
        // The first person loses nothing (id and joined are kept) and is the same record, marks and all.
        let first = try #require(staff[0].recordValue)
        #expect(first == alone && first.hasFieldMarks)
        #expect(first.mark(at: slot("joined", of: person)) == ValueMark(file: 1, line: 9, column: 3))
        // The second loses its internal unit.
        let second = try #require(staff[1].recordValue)
        #expect(!second.hasFieldMarks && second.mark == other.mark)
        #expect(second[slot("id", of: person)] == .string("P2") && second[slot("internal_unit", of: person)].isNull)
        // Projecting again changes nothing more.
        #expect(projection.apply(projected, as: institution) == projected)

        // Nothing to lose: the record itself.
        let bare = marked(institution, ["id": .string("QH-2"), "name": .string("县财政局"), "within_limit": .bool(false)], line: 20)
        let same = projection.apply(bare, as: institution)
        #expect(same == bare && same.hasFieldMarks)
    }
}
