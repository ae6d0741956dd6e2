@testable import AuditEngine
import Testing

@Suite struct FingerprintTests {
    /// FNV-1a by its definition: byte by byte over the parts joined with 0x1F, as 16 hex digits.
    private static func reference(_ parts: [String]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in parts.joined(separator: "\u{1F}").utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// A finding's fingerprint is FNV-1a of its parts, whatever their length, script or storage; and it never changes,
    /// since the ledger matches findings across audits by it.
    @Test func fingerprintsAreFNV1aOfThePartsAndNeverChange() {
        let long = String(repeating: "县民政局", count: 20)
        let parts: [[String]] = [[""], ["", ""], ["GW-ST-001", "institution", "", "QH-A", ""], ["县民政局", "P1"], [long, "a", String(long.dropFirst(3))]]
        for part in parts { #expect(Fingerprint.of(part) == Self.reference(part), "\(part)") }
        #expect(Fingerprint.of(["GW-ST-001", "institution", "", "QH-A", ""]) == "d36c89ad76c13fc4")
    }
}
