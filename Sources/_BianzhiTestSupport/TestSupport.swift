import Foundation

/// Paths and helpers shared by the test targets.
public enum TestSupport {
    /// The package's root folder (found from this file's path).
    public static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    public static func path(_ relative: String) -> String {
        packageRoot.appendingPathComponent(relative).path
    }

    /// A fresh temporary folder, removed by the caller with `removeItem` when done.
    public static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("bianzhi-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Writes `bytes` to a file in `directory` and returns its path.
    @discardableResult
    public static func write(_ bytes: [UInt8], to name: String, in directory: URL) throws -> String {
        let url = directory.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url)
        return url.path
    }

    @discardableResult
    public static func write(_ text: String, to name: String, in directory: URL) throws -> String {
        try write(Array(text.utf8), to: name, in: directory)
    }
}

/// Runs the built `bianzhi` executable and captures what it prints.
public struct CLIResult: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
}

public enum CLIRunner {
    /// The `bianzhi` binary beside the test bundle (SwiftPM builds it with the tests).
    public static var executable: String {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("bianzhi").path,
            Bundle.main.bundleURL.appendingPathComponent("bianzhi").path,
            Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("bianzhi").path,
            TestSupport.path(".build/debug/bianzhi"),
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[candidates.count - 1]
    }

    /// Runs `bianzhi` with `arguments` in `directory` (the package root by default),
    /// with `NO_COLOR` set unless `environment` says otherwise, and a time limit.
    public static func run(_ arguments: [String], in directory: String? = nil,
                           environment: [String: String] = [:], timeout: TimeInterval = 120) throws -> CLIResult {
        var env = ["NO_COLOR": "1"]
        for (key, value) in environment { env[key] = value }
        return try ExternalTool.run(executable, arguments, in: URL(fileURLWithPath: directory ?? TestSupport.packageRoot.path),
                                    environment: env, timeout: timeout)
    }
}

public struct CLITimeout: Error, CustomStringConvertible {
    public var arguments: [String]
    public var description: String { "bianzhi \(arguments.joined(separator: " ")) did not finish in time" }
}

/// Hostile inputs made on the fly (too large to keep as fixtures).
public enum HostileInput {
    /// The "billion laughs" file: nine levels of ten aliases each.
    public static var billionLaughs: String {
        var lines = ["a0: &a0 [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]"]
        for level in 1...9 {
            let refs = Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ")
            lines.append("a\(level): &a\(level) [\(refs)]")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `depth` levels of nested flow sequences.
    public static func deepNesting(_ depth: Int) -> String {
        String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "\n"
    }
}
