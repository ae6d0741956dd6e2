import GRDB

/// The ledger's schema, one registered migration per version. Migrations are frozen once
/// released: a change is a new migration, never an edit of an old one (the test suite migrates
/// a database from each earlier version and checks its data survives).
///
/// - `v1`: runs, findings by fingerprint, their history, and which findings each run saw.
/// - `v2`: findings keep the name of their institution (for `--institution` and exports);
///   existing institution findings take it from their subject name, the others at their next audit.
package enum LedgerMigrations {
    /// Every migration id, oldest first.
    package static let identifiers = ["v1", "v2"]

    /// The tables each migration made: a ledger listing the migration without them is damaged.
    package static let requiredTables: [(migration: String, tables: [String])] = [
        ("v1", ["run", "finding", "history", "run_finding"]),
    ]

    /// The columns each later migration added.
    package static let requiredColumns: [(migration: String, table: String, column: String)] = [
        ("v2", "finding", "institution_name"),
    ]

    package static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.create(table: "run") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("recorded_at", .text).notNull()
                t.column("snapshot_path", .text).notNull()
                t.column("snapshot_hash", .text).notNull()
                t.column("region_code", .text).notNull()
                t.column("region_name", .text).notNull()
                t.column("as_of", .text).notNull()
                t.column("rule_set_version", .text).notNull()
                t.column("rules_applied", .integer).notNull()
                t.column("packs", .text).notNull()
                t.column("rule_filter", .text)
                t.column("finding_count", .integer).notNull()
            }
            try db.create(table: "finding") { t in
                t.primaryKey("fingerprint", .text)
                t.column("region_code", .text).notNull()
                t.column("rule_id", .text).notNull()
                t.column("title", .text).notNull()
                t.column("severity", .text).notNull()
                t.column("subject_kind", .text).notNull()
                t.column("subject_id", .text).notNull()
                t.column("subject_name", .text)
                t.column("institution_id", .text)
                t.column("key", .text)
                t.column("message", .text).notNull()
                t.column("citations", .text).notNull()
                t.column("audit_status", .text).notNull()
                    .check(sql: "audit_status IN ('violation', 'exempted', 'exemption_expired')")
                t.column("exemption_document", .text)
                t.column("exemption_until", .text)
                t.column("exemption_reason", .text)
                t.column("state", .text).notNull()
                    .check(sql: "state IN ('pending', 'in_progress', 'rectified', 'closed', 'exempted')")
                t.column("owner", .text)
                t.column("deadline", .text)
                t.column("plan", .text)
                t.column("first_run_id", .integer).notNull().references("run")
                t.column("last_seen_run_id", .integer).notNull().references("run")
                t.column("rectified_on", .text)
                t.column("rectified_run_id", .integer).references("run")
                t.column("verified_by", .text)
                t.column("verified_at", .text)
                t.column("reopened_count", .integer).notNull().defaults(to: 0)
            }
            try db.create(index: "finding_on_state", on: "finding", columns: ["state", "deadline"])
            try db.create(index: "finding_on_region_rule", on: "finding", columns: ["region_code", "rule_id"])
            try db.create(table: "history") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("fingerprint", .text).notNull().references("finding", onDelete: .cascade)
                t.column("at", .text).notNull()
                t.column("run_id", .integer).references("run")
                t.column("action", .text).notNull()
                t.column("state_from", .text)
                t.column("state_to", .text).notNull()
                t.column("actor", .text)
                t.column("deadline", .text)
                t.column("note", .text)
            }
            try db.create(index: "history_on_fingerprint", on: "history", columns: ["fingerprint", "id"])
            try db.create(table: "run_finding", options: .withoutRowID) { t in
                t.column("run_id", .integer).notNull().references("run", onDelete: .cascade)
                t.column("fingerprint", .text).notNull().references("finding")
                t.column("audit_status", .text).notNull()
                t.primaryKey(["run_id", "fingerprint"])
            }
        }
        migrator.registerMigration("v2") { db in
            try db.alter(table: "finding") { t in
                t.add(column: "institution_name", .text)
            }
            try db.execute(sql: """
                UPDATE finding SET institution_name = subject_name
                WHERE subject_kind = 'institution' AND institution_name IS NULL
                """)
            try db.create(index: "finding_on_institution", on: "finding", columns: ["institution_id"])
        }
        return migrator
    }
}
