@testable import FindingsStore
import Foundation
import Testing
import _BianzhiTestSupport

@Suite struct ContentHashTests {
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        ("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
         "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"),
        ("青禾县", "8bc86aa61b96607c6edc0916a8e2152bc1a9af3f9a05cb9cb8a364b10479857c"), // multibyte UTF-8, from sha256sum
    ])
    func knownDigests(input: String, expected: String) {
        #expect(SHA256.hex(of: Array(input.utf8)) == expected)
    }

    @Test func millionAs() {
        var hasher = SHA256()
        let block = [UInt8](repeating: UInt8(ascii: "a"), count: 1000)
        for _ in 0..<1000 { hasher.update(block) }
        #expect(SHA256.hexString(hasher.finalize()) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test(arguments: [1, 3, 55, 56, 63, 64, 65, 127, 1000])
    func chunkedUpdatesGiveTheSameDigest(chunk: Int) {
        let bytes = (0..<1500).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        var whole = SHA256()
        whole.update(bytes)
        var pieces = SHA256()
        var index = 0
        while index < bytes.count {
            let end = min(index + chunk, bytes.count)
            if chunk % 2 == 0 { pieces.update(Array(bytes[index..<end])) } else { pieces.update(bytes[index..<end]) }
            index = end
        }
        #expect(SHA256.hexString(whole.finalize()) == SHA256.hexString(pieces.finalize()))
    }

    @Test func aSingleFileHashesLikeSha256sum() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = try TestSupport.write("abc", to: "snapshot.yaml", in: directory)
        #expect(try ContentHash.of(path: path) == "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func aFolderHashDependsOnDataFilesOnly() throws {
        let first = try TestSupport.temporaryDirectory()
        let second = try TestSupport.temporaryDirectory()
        defer {
            try? FileManager.default.removeItem(at: first)
            try? FileManager.default.removeItem(at: second)
        }
        // Same files written in a different order, with different non-data and hidden files.
        try TestSupport.write("as_of: 2024-06-30\n", to: "region.yaml", in: first)
        try TestSupport.write("id: A\n", to: "institutions/a.yaml", in: first)
        try TestSupport.write("{\"id\": \"B\"}", to: "institutions/sub/b.json", in: first)
        try TestSupport.write("notes", to: "README.md", in: first)
        try TestSupport.write("{\"id\": \"B\"}", to: "institutions/sub/b.json", in: second)
        try TestSupport.write("id: A\n", to: "institutions/a.yaml", in: second)
        try TestSupport.write("as_of: 2024-06-30\n", to: "region.yaml", in: second)
        try TestSupport.write("x", to: ".hidden.yaml", in: second)
        let hash = try ContentHash.of(path: first.path)
        #expect(hash.hasPrefix("sha256:") && hash.count == 71)
        #expect(try ContentHash.of(path: second.path) == hash)
        #expect(ContentHash.dataFiles(under: first) == ["institutions/a.yaml", "institutions/sub/b.json", "region.yaml"])

        // One byte changed, or a file renamed, changes the hash.
        try TestSupport.write("id: B\n", to: "institutions/a.yaml", in: second)
        #expect(try ContentHash.of(path: second.path) != hash)
        try TestSupport.write("id: A\n", to: "institutions/a.yaml", in: second)
        #expect(try ContentHash.of(path: second.path) == hash)
        try FileManager.default.moveItem(at: second.appendingPathComponent("institutions/a.yaml"),
                                         to: second.appendingPathComponent("institutions/c.yaml"))
        #expect(try ContentHash.of(path: second.path) != hash)
    }

    @Test func theBundledCountyHasAStableHash() throws {
        let hash = try ContentHash.of(path: TestSupport.path("Cases/qinghe-county/snapshot"))
        #expect(try ContentHash.of(path: TestSupport.path("Cases/qinghe-county/snapshot")) == hash)
        #expect(try ContentHash.of(path: TestSupport.path("Cases/qinghe-county-2025/snapshot")) != hash)
    }

    @Test func aMissingPathIsAnError() {
        #expect(throws: StoreError.unreadableInput(path: "/nonexistent/snapshot")) {
            try ContentHash.of(path: "/nonexistent/snapshot")
        }
    }
}
