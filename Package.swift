// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "bianzhi",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "bianzhi", targets: ["bianzhi"]),
    ],
    dependencies: [
        // Command-line parsing, help and usage errors for the `bianzhi` executable.
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // SQLite for the 整改台账 (FindingsStore): WAL, busy timeouts, transactions and versioned migrations,
        // with C kept inside GRDB. 7.10.0 is the version this project's machines carry.
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    ],
    targets: [
        // libyaml, the system's C YAML parser (Debian: libyaml-dev).
        .systemLibrary(
            name: "CYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"]), .brew(["libyaml"])]
        ),
        // zlib, the system's deflate compressor (Debian: zlib1g-dev): the xlsx workbook's parts are compressed, as
        // spreadsheet programs write them, instead of stored (a tenth of the size).
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]
        ),
        // Source files, locations, diagnostics and their rendering.
        .target(name: "Diagnostics"),
        // libyaml's event stream turned into a located YAML tree; C stays inside.
        .target(name: "YAMLLoader", dependencies: ["CYAML", "Diagnostics"]),
        // Independent work on several threads, results in order whatever the number of threads.
        .target(name: "WorkerPool"),
        // The snapshot schema as data, the typed values it describes, and what is generated from it.
        .target(name: "Schema"),
        // Snapshot files and folders decoded against the schema, with cross-checks.
        .target(name: "SnapshotLoader", dependencies: ["YAMLLoader", "Schema", "Diagnostics", "WorkerPool"]),
        // The rule expression language: parsing, type checking against the schema, compiling to closures.
        .target(name: "RuleLanguage", dependencies: ["Schema", "Diagnostics"]),
        // Rule files decoded, checked against the schema and the catalogue, and compiled.
        .target(name: "RuleSet", dependencies: ["RuleLanguage", "Catalog", "SnapshotLoader", "YAMLLoader", "Schema", "Diagnostics", "WorkerPool"]),
        // Rules evaluated over snapshots: findings, exemptions, citations in force.
        .target(name: "AuditEngine", dependencies: ["RuleSet", "RuleLanguage", "Catalog", "SnapshotLoader", "Statistics", "Schema", "Diagnostics", "WorkerPool"]),
        // Staffing statistics of a snapshot: approved against actual, 空编, 超编, leader posts, limits used.
        .target(name: "Statistics", dependencies: ["SnapshotLoader", "Schema"]),
        // Person-id indexes of snapshots, and the check across regions made by merging them.
        .target(name: "CrossRegion", dependencies: ["SnapshotLoader", "Schema", "Diagnostics"]),
        // Audit reports in each output format (one reporter per file).
        .target(name: "Reporters", dependencies: ["AuditEngine", "Statistics", "RuleSet", "Catalog", "SnapshotLoader", "Schema", "Diagnostics", "CZlib"]),
        // The rectification ledger (整改台账): recorded runs, findings by fingerprint, their history, on SQLite.
        .target(name: "FindingsStore", dependencies: ["Schema", "Diagnostics", .product(name: "GRDB", package: "GRDB.swift")]),
        // The command-line tool.
        .executableTarget(
            name: "bianzhi",
            dependencies: [
                "SnapshotLoader", "Schema", "Diagnostics", "Catalog", "RuleLanguage", "RuleSet", "AuditEngine", "Reporters", "FindingsStore", "Statistics",
                "WorkerPool", "CrossRegion",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(name: "Catalog", dependencies: ["YAMLLoader", "Schema", "Diagnostics"]),
        .target(name: "_BianzhiTestSupport", dependencies: ["Diagnostics", "CZlib"]),
        .testTarget(name: "DiagnosticsTests", dependencies: ["Diagnostics"]),
        .testTarget(name: "YAMLLoaderTests", dependencies: ["YAMLLoader", "Diagnostics"]),
        .testTarget(name: "SchemaTests", dependencies: ["Schema"]),
        .testTarget(name: "SnapshotLoaderTests", dependencies: ["SnapshotLoader", "Schema", "Diagnostics", "WorkerPool", "_BianzhiTestSupport"]),
        .testTarget(name: "CLITests", dependencies: ["_BianzhiTestSupport"]),
        .testTarget(name: "CrossRegionTests", dependencies: ["CrossRegion", "AuditEngine", "RuleSet", "SnapshotLoader", "Schema", "Diagnostics", "_BianzhiTestSupport"]),
        .testTarget(name: "RuleLanguageTests", dependencies: ["RuleLanguage", "Schema"]),
        .testTarget(name: "AuditEngineTests", dependencies: ["AuditEngine", "RuleSet", "Reporters", "SnapshotLoader", "Statistics", "Schema", "Diagnostics", "WorkerPool", "_BianzhiTestSupport"]),
        .testTarget(name: "FindingsStoreTests", dependencies: ["FindingsStore", "Schema", "_BianzhiTestSupport", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "CatalogTests", dependencies: ["Catalog", "Diagnostics", "_BianzhiTestSupport"]),
        .testTarget(name: "ReportersTests", dependencies: ["Reporters", "Statistics", "AuditEngine", "RuleSet", "SnapshotLoader", "Schema", "Diagnostics", "WorkerPool",
                                                         "_BianzhiTestSupport"],
                    exclude: ["Golden"]),
    ],
    swiftLanguageModes: [.v6]
)
