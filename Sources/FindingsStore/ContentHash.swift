import Diagnostics
import Foundation

/// A stable hash of the data files under a path: the same bytes give the same hash on every
/// machine, whatever the file system's listing order or the files' dates.
///
/// For a folder, every `*.yaml`, `*.yml` and `*.json` file below it (hidden files and folders
/// left out, as the snapshot and rule loaders do) is fed in order of its relative path, as
/// `path NUL length(8 bytes, big-endian) bytes`; a single file is hashed by its bytes alone,
/// so `sha256sum snapshot.yaml` gives the same digest.
public enum ContentHash {
    /// `sha256:` and 64 hex digits.
    public static func of(path: String) throws(StoreError) -> String {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw StoreError.unreadableInput(path: path)
        }
        var hasher = SHA256()
        if !isDirectory.boolValue {
            guard let data = RegularFile.bytes(at: path) else { throw StoreError.unreadableInput(path: path) }
            hasher.update(data)
            return "sha256:" + SHA256.hexString(hasher.finalize())
        }
        let base = URL(fileURLWithPath: path)
        for relative in dataFiles(under: base) {
            guard let data = RegularFile.bytes(at: base.appendingPathComponent(relative).path) else {
                throw StoreError.unreadableInput(path: base.appendingPathComponent(relative).path)
            }
            hasher.update(Array(relative.utf8))
            hasher.update([0])
            let count = UInt64(data.count)
            hasher.update((0..<8).map { UInt8(truncatingIfNeeded: count >> UInt64(56 - 8 * $0)) })
            hasher.update(data)
        }
        return "sha256:" + SHA256.hexString(hasher.finalize())
    }

    /// Relative paths (with `/`) of the data files below `base`, sorted by their UTF-8 bytes.
    static func dataFiles(under base: URL) -> [String] {
        var found: [String] = []
        func walk(_ folder: URL, prefix: String, depth: Int) {
            // Symbolic links may loop; no snapshot or rules folder is this deep.
            guard depth < 64 else { return }
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
            for name in names where !name.hasPrefix(".") {
                let url = folder.appendingPathComponent(name)
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else { continue }
                if isDirectory.boolValue {
                    walk(url, prefix: prefix + name + "/", depth: depth + 1)
                } else {
                    let lower = name.lowercased()
                    if lower.hasSuffix(".yaml") || lower.hasSuffix(".yml") || lower.hasSuffix(".json") {
                        found.append(prefix + name)
                    }
                }
            }
        }
        walk(base, prefix: "", depth: 0)
        return found.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }
}
