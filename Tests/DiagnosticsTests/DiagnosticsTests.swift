import Diagnostics
import Testing

@Suite struct SourceFileTests {
    @Test func linesAndColumnsCountScalarsNotBytes() {
        let file = SourceFile(path: "a.yaml", text: "name: 青禾县\nrank: x\r\nlast")
        #expect(file.lineCount == 3)
        // "青禾县" starts at column 7; each character is 3 bytes.
        let offset = file.offset(line: 1, column: 8)
        #expect(offset == 9)
        #expect(file.location(ofOffset: 9) == SourceLocation(path: "a.yaml", line: 1, column: 8, offset: 9))
        #expect(file.text(ofLine: 2) == "rank: x")
        #expect(file.text(ofLine: 3) == "last")
        #expect(file.line(containing: 0) == 1)
        #expect(file.line(containing: file.bytes.count) == 3)
    }

    @Test func invalidBytesCountAsOneColumn() {
        let file = SourceFile(path: "b", bytes: [0x61, 0xFF, 0x62])
        #expect(file.location(ofOffset: 2).column == 3)
    }
}

@Suite struct RendererTests {
    @Test func caretSitsUnderTheExactColumnOfAChineseLine() {
        let file = SourceFile(path: "s.yaml", text: "institutions:\n  - name: 教育局\n    rnak: section\n")
        let diagnostic = Diagnostic("snapshot.unknownField", message: "未知字段 'rnak'",
                                    at: SourceLocation(path: "s.yaml", line: 3, column: 5),
                                    end: SourceLocation(path: "s.yaml", line: 3, column: 9),
                                    help: "是否要写 'rank'？")
        let text = DiagnosticRenderer(sources: SourceFileSet([file])).render(diagnostic)
        #expect(text == """
        s.yaml:3:5: error: 未知字段 'rnak' [snapshot.unknownField]
           3 |     rnak: section
             |     ^~~~
              = 帮助 help: 是否要写 'rank'？

        """)
    }

    @Test func wideCharactersBeforeTheCaretCountTwice() {
        let file = SourceFile(path: "c.yaml", text: "名称: 教育局, rank: 处级\n")
        let diagnostic = Diagnostic("snapshot.badEnum", message: "m", at: SourceLocation(path: "c.yaml", line: 1, column: 16))
        let lines = DiagnosticRenderer(sources: SourceFileSet([file])).render(diagnostic).split(separator: "\n")
        // Line 1 col 16 is "处": before it, 2 wide + ': ' + 3 wide + ', rank: ' = 4 + 2 + 6 + 8 = 20 cells.
        #expect(lines[2] == "     | " + String(repeating: " ", count: 20) + "^~")
    }

    /// A line of megabytes printed whole under every error gave 100 MB of standard error: a long line is shown as about
    /// 160 scalars around the column, cut ends marked, the caret still under the column.
    @Test func aLongLineIsShownAroundTheColumn() {
        let line = String(repeating: "a", count: 1_000_000) + "名称: x" + String(repeating: "b", count: 1_000_000)
        let file = SourceFile(path: "e.yaml", text: "k: 1\n" + line + "\n")
        let column = 1_000_001
        let diagnostic = Diagnostic("x.y", message: "m", at: SourceLocation(path: "e.yaml", line: 2, column: column),
                                    end: SourceLocation(path: "e.yaml", line: 2, column: column + 2))
        let lines = DiagnosticRenderer(sources: SourceFileSet([file])).render(diagnostic).split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        #expect(lines.allSatisfy { $0.unicodeScalars.count < 300 }, "\(lines.map(\.count))")
        #expect(lines[1] == "   2 | …" + String(repeating: "a", count: 80) + "名称: x" + String(repeating: "b", count: 75) + "…")
        // The ellipsis takes one cell, then 80 letters: the caret is under 名称 (two wide characters, four cells).
        #expect(lines[2] == "     | " + String(repeating: " ", count: 81) + "^~~~")
        // A short line is shown whole, as before.
        let short = SourceFile(path: "f.yaml", text: String(repeating: "c", count: 160) + "\n")
        let whole = DiagnosticRenderer(sources: SourceFileSet([short]))
            .render(Diagnostic("x.y", message: "m", at: SourceLocation(path: "f.yaml", line: 1, column: 150)))
        #expect(whole.contains(" | " + String(repeating: "c", count: 160) + "\n"))
    }

    /// A file in UTF-16 has a NUL after every ASCII letter: shown as U+FFFD, never written to the terminal.
    @Test func controlCharactersAreNotPrinted() {
        let file = SourceFile(path: "g.yaml", bytes: Array("k\0:\0 \u{1B}[2J".utf8))
        let text = DiagnosticRenderer(sources: SourceFileSet([file])).render(Diagnostic("x.y", message: "m", at: SourceLocation(path: "g.yaml", line: 1, column: 2)))
        #expect(!text.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
        #expect(text.contains("k\u{FFFD}:\u{FFFD} \u{FFFD}[2J"))
    }

    /// A message quotes the value it is about; a value of megabytes is cut, with how much was left out.
    @Test func aHugeMessageIsClipped() {
        let diagnostic = Diagnostic("x.y", message: "值 '" + String(repeating: "长", count: 50_000) + "' 无效", at: nil,
                                    help: String(repeating: "h", count: 2_000))
        #expect(diagnostic.message.unicodeScalars.count < 1_100)
        #expect(diagnostic.message.hasSuffix("…（以下省略 49007 字）"))
        #expect(diagnostic.help?.hasSuffix("…（以下省略 1000 字）") == true)
        #expect(Diagnostic("x.y", message: String(repeating: "短", count: 1_000), at: nil).message == String(repeating: "短", count: 1_000))
    }

    @Test func colourOnlyWhenAsked() {
        let diagnostic = Diagnostic("x.y", message: "m", at: nil)
        let plain = DiagnosticRenderer(sources: SourceFileSet(), useColor: false).render(diagnostic)
        let coloured = DiagnosticRenderer(sources: SourceFileSet(), useColor: true).render(diagnostic)
        #expect(!plain.contains("\u{1B}["))
        #expect(coloured.contains("\u{1B}[1;31merror"))
    }

    @Test func notesPointAtTheirOwnLocation() {
        let file = SourceFile(path: "d.yaml", text: "a: 1\na: 2\n")
        let diagnostic = Diagnostic("yaml.duplicateKey", message: "重复的键 'a'", at: SourceLocation(path: "d.yaml", line: 2, column: 1),
                                    notes: [DiagnosticNote("'a' 第一次出现在此", at: SourceLocation(path: "d.yaml", line: 1, column: 1))])
        let text = DiagnosticRenderer(sources: SourceFileSet([file])).render(diagnostic)
        #expect(text.contains("d.yaml:1:1: note: 'a' 第一次出现在此\n   1 | a: 1\n"))
    }
}

@Suite struct EngineTests {
    @Test func collectsSortsAndCaps() {
        var engine = DiagnosticEngine(limit: 2)
        engine.emit(Diagnostic("a.b", message: "late", at: SourceLocation(path: "f", line: 9, column: 1)))
        engine.emit(Diagnostic("a.b", severity: .warning, message: "early", at: SourceLocation(path: "f", line: 2, column: 1)))
        engine.emit(Diagnostic("a.b", message: "dropped", at: nil))
        #expect(engine.diagnostics.count == 2)
        #expect(engine.droppedCount == 1)
        #expect(engine.sorted.map(\.message) == ["early", "late"])
        #expect(engine.hasErrors)
        // The counts are of everything emitted (the summary said "1,000 errors" when there were 5,000).
        #expect(engine.errorCount == 2 && engine.warningCount == 1)
        var only = DiagnosticEngine(limit: 1)
        only.emit(Diagnostic("a.b", severity: .warning, message: "kept", at: nil))
        only.emit(Diagnostic("a.b", message: "dropped error", at: nil))
        #expect(only.hasErrors && only.errorCount == 1)
        var merged = DiagnosticEngine()
        merged.merge(engine)
        #expect(merged.errorCount == 2 && merged.droppedCount == 1)
    }
}

@Suite struct SuggestionTests {
    @Test(arguments: [
        ("adminstrative", "administrative"),
        ("staffng", "staffing"),
        ("sevrity", "severity"),
        ("rnak", "rank"),
    ])
    func suggestsTheClosestName(typed: String, expected: String) {
        let names = ["administrative", "staffing", "severity", "rank", "political_legal"]
        #expect(Suggestion.closest(to: typed, in: names) == expected)
    }

    @Test func noSuggestionWhenNothingIsClose() {
        #expect(Suggestion.closest(to: "zzzzzz", in: ["administrative", "rank"]) == nil)
    }

    @Test func widthOfChineseText() {
        #expect(DisplayWidth.of("教育局") == 6)
        #expect(DisplayWidth.of("abc") == 3)
        #expect(DisplayWidth.of("（）") == 4)
    }
}
