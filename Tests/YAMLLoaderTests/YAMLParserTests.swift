import Diagnostics
import Testing
import YAMLLoader

private func parse(_ text: String, path: String = "t.yaml", limits: YAMLLimits = .default) -> YAMLParser.Result {
    YAMLParser.parse(SourceFile(path: path, text: text), limits: limits)
}

private func parse(bytes: [UInt8]) -> YAMLParser.Result {
    YAMLParser.parse(SourceFile(path: "b.yaml", bytes: bytes))
}

@Suite struct YAMLParserTests {
    @Test func scalarsKeepTheirTextAndStyle() throws {
        let result = parse("id: 001234\nname: NO\nq: \"12\"\nempty:\n")
        #expect(result.errors.isEmpty)
        guard case .mapping(let pairs)? = result.root?.kind else { Issue.record("not a mapping"); return }
        #expect(pairs.map { $0.key.scalar?.value } == ["id", "name", "q", "empty"])
        #expect(pairs[0].value.scalar == YAMLScalar(value: "001234", style: .plain))
        #expect(pairs[1].value.scalar?.value == "NO")
        #expect(pairs[2].value.scalar?.style == .doubleQuoted)
        #expect(pairs[3].value.scalar?.isNull == true)
    }

    @Test func nodesCarryStartAndEndInScalarColumns() {
        let result = parse("名称: 青禾县\nlist:\n  - a\n  - {b: 1}\n")
        guard case .mapping(let pairs)? = result.root?.kind else { Issue.record("not a mapping"); return }
        #expect(pairs[0].value.start == YAMLMark(line: 1, column: 5))
        #expect(pairs[0].value.end == YAMLMark(line: 1, column: 8))
        guard case .sequence(let items) = pairs[1].value.kind else { Issue.record("not a sequence"); return }
        #expect(items[1].start == YAMLMark(line: 4, column: 5))
        #expect(items[1].end == YAMLMark(line: 4, column: 11))
    }

    /// A syntax error says in Chinese what was being read (libyaml's English context stays in brackets for experts) and
    /// where that began: an unclosed quote is found lines later, where the parser gave up.
    @Test func aSyntaxErrorSaysWhereItsConstructBegan() throws {
        let result = parse("a: 1\nb: \"open\nc: 2\nd: 3\n")
        let diagnostic = try #require(result.errors.first?.diagnostic)
        #expect(diagnostic.id == "yaml.syntax")
        #expect(diagnostic.message.hasPrefix("YAML 语法错误：读取引号中的字符串时"), "\(diagnostic.message)")
        #expect(diagnostic.notes.first?.location == SourceLocation(path: "t.yaml", line: 2, column: 4))
        #expect(diagnostic.notes.first?.message == "读取引号中的字符串从这里开始")
        #expect(diagnostic.help?.contains("第 2 行第 4 列开始的引号") == true, "\(diagnostic.help ?? "")")
        let indented = try #require(parse("a:\n  b: 1\n c: 2\n").errors.first?.diagnostic)
        #expect(indented.message.hasPrefix("YAML 语法错误：读取缩进的映射（键: 值）时没有找到预期的键"), "\(indented.message)")
        #expect(!indented.message.hasPrefix("YAML 语法错误：while"))
    }

    @Test func everyDuplicateKeyIsReportedWithTheFirstPlace() {
        let result = parse("a: 1\nb: 2\na: 3\nm:\n  x: 1\n  x: 2\n")
        let duplicates = result.errors.compactMap { error -> (String, YAMLMark, YAMLMark)? in
            if case let .duplicateKey(key, first) = error.kind { return (key, error.mark, first) }
            return nil
        }
        #expect(duplicates.count == 2)
        #expect(duplicates[0].0 == "a" && duplicates[0].1 == YAMLMark(line: 3, column: 1) && duplicates[0].2 == YAMLMark(line: 1, column: 1))
        #expect(duplicates[1].0 == "x" && duplicates[1].1 == YAMLMark(line: 6, column: 3))
        let diagnostic = result.errors[0].diagnostic
        #expect(diagnostic.id == "yaml.duplicateKey")
        #expect(diagnostic.notes.first?.location == SourceLocation(path: "t.yaml", line: 1, column: 1))
    }

    /// In mappings of every size around the one from which keys are hashed (a few keys are searched one by one): a key
    /// repeated early, again at the end, and the last key repeated are each reported with the place of the key's first use.
    @Test func duplicateKeysAreFoundInSmallAndLargeMappings() {
        for size in [3, 14, 15, 16, 17, 40] {
            // Line 1: k0, line 2: k1, line 3: k0 again, then k2… on lines 4…, then k0 and the last key again.
            let lines = ["k0: 0", "k1: 1", "k0: early"] + (2..<size).map { "k\($0): \($0)" } + ["k0: late", "k\(size - 1): again"]
            let result = parse(lines.joined(separator: "\n") + "\n")
            let duplicates = result.errors.compactMap { error -> [Int32]? in
                guard case let .duplicateKey(key, first) = error.kind else { return nil }
                return [Int32(key.dropFirst()) ?? -1, error.mark.line, first.line]
            }
            let last = Int32(size - 1)
            #expect(duplicates == [[0, 3, 1], [0, Int32(size + 2), 1], [last, Int32(size + 3), last + 2]], "\(size) keys")
        }
    }

    @Test func anchorsAndAliasesAreResolved() {
        let result = parse("base: &b {principal: 1, deputy: 2}\ncopy: *b\n")
        #expect(result.errors.isEmpty)
        guard case .mapping(let pairs)? = result.root?.kind, case .mapping(let copied) = pairs[1].value.kind else {
            Issue.record("alias not resolved"); return
        }
        #expect(copied.map { $0.key.scalar?.value } == ["principal", "deputy"])
    }

    @Test func billionLaughsStopsAtTheExpansionBudget() {
        var lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
        for level in 1...9 {
            lines.append("a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ") + "]")
        }
        let result = parse(lines.joined(separator: "\n"))
        #expect(result.errors.count == 1)
        guard case .aliasExpansionLimit = result.errors.first?.kind else { Issue.record("no budget error"); return }
        #expect(result.errors[0].mark.line >= 5)
    }

    @Test func deepNestingIsAnErrorNotACrash() {
        let depth = 100_000
        let result = parse(String(repeating: "[", count: depth) + String(repeating: "]", count: depth))
        guard case .nestingTooDeep(let limit)? = result.errors.first?.kind else { Issue.record("no depth error"); return }
        #expect(limit == YAMLLimits.default.maxDepth)
        #expect(result.errors[0].mark == YAMLMark(line: 1, column: Int32(limit + 1)))
    }

    @Test func invalidUTF8IsLocatedAtTheBadByte() {
        // "name: " then the GBK bytes of 教育 (not UTF-8), on line 2.
        let bytes = Array("id: x\nname: ".utf8) + [0xBD, 0xCC, 0xD3, 0xFD] + Array("\n".utf8)
        let result = parse(bytes: bytes)
        guard case .invalidUTF8(let byte)? = result.errors.first?.kind else { Issue.record("no UTF-8 error: \(result.errors)"); return }
        #expect(byte == 0xBD)
        #expect(result.errors[0].mark == YAMLMark(line: 2, column: 7))
    }

    @Test func emptyAndCommentOnlyFilesAreErrors() {
        for text in ["", "# only a comment\n", "\n\n"] {
            let result = parse(text)
            guard case .emptyFile? = result.errors.first?.kind else { Issue.record("no empty error for \(text.debugDescription)"); continue }
            #expect(result.errors[0].mark == YAMLMark(line: 1, column: 1))
        }
    }

    @Test func aSecondDocumentIsAnError() {
        let result = parse("a: 1\n---\nb: 2\n")
        guard case .multipleDocuments? = result.errors.first?.kind else { Issue.record("no error"); return }
        #expect(result.errors[0].mark.line == 2)
    }

    @Test func tabIndentationIsNamed() {
        let result = parse("a:\n\tb: 1\n")
        guard case .tabIndentation? = result.errors.first?.kind else { Issue.record("got \(result.errors)"); return }
        #expect(result.errors[0].mark == YAMLMark(line: 2, column: 1))
    }

    @Test func brokenYAMLIsLocated() {
        let result = parse("a: [1, 2\nb: 3\n")
        guard case .syntax? = result.errors.first?.kind else { Issue.record("got \(result.errors)"); return }
        #expect(result.errors[0].diagnostic.message.hasPrefix("YAML 语法错误"))
        #expect(result.errors[0].mark.line == 2)
    }

    @Test func jsonGoesThroughTheSamePath() {
        let result = parse("{\"snapshot\": \"v1\", \"n\": 12, \"list\": [1, 2]}", path: "s.json")
        #expect(result.errors.isEmpty)
        guard case .mapping(let pairs)? = result.root?.kind else { Issue.record("not a mapping"); return }
        #expect(pairs[1].value.scalar == YAMLScalar(value: "12", style: .plain))
    }

    @Test func jsonWithTrailingGarbageIsAnError() {
        let result = parse("{\"a\": 1}\n garbage\n", path: "s.json")
        #expect(result.errors.count == 1)
        #expect(result.errors.first?.mark.line == 2)
    }

    @Test func fileSizeLimit() {
        var limits = YAMLLimits.default
        limits.maxFileSize = 10
        let result = parse("a: 123456789012\n", limits: limits)
        guard case .fileTooLarge? = result.errors.first?.kind else { Issue.record("no size error"); return }
    }

    @Test func nonScalarKeysAreRejected() {
        let result = parse("? [a, b]\n: 1\n")
        guard case .nonScalarKey? = result.errors.first?.kind else { Issue.record("got \(result.errors)"); return }
    }
}
