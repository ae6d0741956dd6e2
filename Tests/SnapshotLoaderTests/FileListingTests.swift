import _BianzhiTestSupport
import Foundation
@testable import SnapshotLoader
import Testing

/// The files of a folder snapshot are listed with `readdir`: the list must be the one `FileManager`'s enumerator gave.
@Suite struct FileListingTests {
    /// The listing as it was made before, with `FileManager`.
    private static func enumerated(_ folder: String) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: folder) else { return [] }
        var found: [String] = []
        while let relative = enumerator.nextObject() as? String {
            let lower = relative.lowercased()
            if lower.hasSuffix(".yaml") || lower.hasSuffix(".yml") || lower.hasSuffix(".json") { found.append(folder + "/" + relative) }
        }
        return found.sorted()
    }

    @Test func theListIsTheEnumeratorsOne() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let root = directory.appendingPathComponent("institutions").path
        let other = directory.appendingPathComponent("other").path
        let manager = FileManager.default
        for folder in [root + "/sub/deeper", root + "/.hidden", root + "/机构", other] {
            try manager.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        for file in [root + "/a.yaml", root + "/B.YML", root + "/sub/c.json", root + "/sub/deeper/d.yaml", root + "/.h.yaml",
                     root + "/.hidden/e.yaml", root + "/机构/教育局.yaml", root + "/notes.txt", root + "/yaml", other + "/f.yaml"] {
            #expect(manager.createFile(atPath: file, contents: Data("x: 1\n".utf8)))
        }
        try manager.createSymbolicLink(atPath: root + "/link", withDestinationPath: other)
        try manager.createSymbolicLink(atPath: root + "/g.yaml", withDestinationPath: other + "/f.yaml")

        let listing = FileListing.files(under: root, endingWith: [".yaml", ".yml", ".json"])
        #expect(listing.unlistable.isEmpty)
        let listed = listing.files
        #expect(listed == FileListingTests.enumerated(root))
        #expect(listed.count == 8)
        #expect(!listed.contains { $0.contains("/link/") })
        #expect(FileListing.files(under: directory.appendingPathComponent("missing").path, endingWith: [".yaml"]) == FileListing.Listing())
    }

    @Test func theBundledCountyIsListedAsBefore() {
        let folder = TestSupport.path("Cases/qinghe-county/snapshot/institutions")
        #expect(SnapshotLoader.institutionFiles(in: folder) == FileListingTests.enumerated(folder))
        #expect(SnapshotLoader.institutionFiles(in: folder).count > 50)
    }

    /// A file's size is read with one `stat`: the byte count of the file itself, that of the file a link points to, and nil
    /// for a path that does not exist.
    @Test func aFilesSizeIsItsByteCountThroughALink() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("机构.yaml").path
        let bytes = Data(String(repeating: "name: 青禾县教育局\n", count: 300).utf8)
        #expect(FileManager.default.createFile(atPath: file, contents: bytes))
        let link = directory.appendingPathComponent("link.yaml").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: file)
        let empty = directory.appendingPathComponent("empty.yaml").path
        #expect(FileManager.default.createFile(atPath: empty, contents: Data()))

        #expect(FileSize.of(file) == bytes.count)
        #expect(FileSize.of(link) == bytes.count)
        #expect(FileSize.of(empty) == 0)
        #expect(FileSize.of(directory.appendingPathComponent("missing.yaml").path) == nil)
    }
}
