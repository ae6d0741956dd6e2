import Foundation

/// Golden-file comparison: output checked against a committed file, re-recorded with
/// `RECORD_SNAPSHOTS=1 swift test` (read `git diff` before committing a re-recording).
public enum GoldenFile {
    /// Whether this run records golden files instead of comparing against them.
    public static var isRecording: Bool {
        ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1"
    }

    /// Compares `actual` with the golden file at `path` (relative to the package root).
    /// Returns nil when they match (or when recording, after writing the file); otherwise a message
    /// with the first differing lines, for `#expect(mismatch == nil, …)`.
    public static func mismatch(_ actual: [UInt8], golden path: String) -> String? {
        let url = TestSupport.packageRoot.appendingPathComponent(path)
        if isRecording {
            do {
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(actual).write(to: url)
                return nil
            } catch {
                return "could not record \(path): \(error)"
            }
        }
        guard let expected = FileManager.default.contents(atPath: url.path) else {
            return "\(path) does not exist: run `RECORD_SNAPSHOTS=1 swift test --filter Reporters` to record it"
        }
        if [UInt8](expected) == actual { return nil }
        var message = "\(path) differs from the output (re-record with RECORD_SNAPSHOTS=1 after reading the diff)"
        let expectedText = String(decoding: expected, as: UTF8.self)
        let actualText = String(decoding: actual, as: UTF8.self)
        let expectedLines = expectedText.split(separator: "\n", omittingEmptySubsequences: false)
        let actualLines = actualText.split(separator: "\n", omittingEmptySubsequences: false)
        var shown = 0
        for index in 0..<max(expectedLines.count, actualLines.count) where shown < 8 {
            let old = index < expectedLines.count ? String(expectedLines[index]) : "<none>"
            let new = index < actualLines.count ? String(actualLines[index]) : "<none>"
            guard old != new else { continue }
            message += "\n  line \(index + 1):\n    - \(old.prefix(300))\n    + \(new.prefix(300))"
            shown += 1
        }
        if shown == 0 { message += "\n  (\(expected.count) bytes expected, \(actual.count) bytes produced)" }
        return message
    }

    public static func mismatch(_ actual: String, golden path: String) -> String? {
        mismatch(Array(actual.utf8), golden: path)
    }
}

/// External programs a test may need, found on `PATH`.
public enum ExternalTool {
    /// The full path of the first of `names` found on `PATH`, or nil.
    public static func find(_ names: String...) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for name in names {
            for directory in path.split(separator: ":") {
                let candidate = String(directory) + "/" + name
                if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            }
        }
        return nil
    }

    /// Runs `tool` with `arguments`, with a time limit; returns the exit status, standard output and standard error.
    public static func run(_ tool: String, _ arguments: [String], in directory: URL? = nil,
                           environment: [String: String] = [:], timeout: TimeInterval = 120) throws -> CLIResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let group = DispatchGroup()
        nonisolated(unsafe) var outData = Data()
        nonisolated(unsafe) var errData = Data()
        group.enter()
        DispatchQueue.global().async { outData = out.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        group.enter()
        DispatchQueue.global().async { errData = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        if group.wait(timeout: .now() + timeout) == .timedOut {
            process.terminate()
            throw CLITimeout(arguments: [tool] + arguments)
        }
        process.waitUntilExit()
        return CLIResult(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                         stderr: String(decoding: errData, as: UTF8.self))
    }
}
