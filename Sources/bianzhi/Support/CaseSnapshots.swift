import AuditEngine
import Foundation
import SnapshotLoader

/// The snapshots of the audit cases (for checks that need real data, such as overrides).
enum CaseSnapshots {
    static func load(_ directory: String) -> [Snapshot] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
        return names.compactMap { name in
            guard case .success(let testCase) = CaseFile.load(path: directory + "/" + name + "/case.yaml") else { return nil }
            return SnapshotLoader().load(path: testCase.snapshotPath).snapshot
        }
    }
}
