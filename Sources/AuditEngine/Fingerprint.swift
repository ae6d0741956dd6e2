import Schema

/// A stable 64-bit FNV-1a hash, printed as 16 hex digits: the same input gives the same
/// fingerprint on every machine and in every run (unlike `Hasher`). The parts are hashed one
/// after the other (`IDHash`), with the byte 0x1F between two parts.
enum Fingerprint {
    static func of(_ parts: [String]) -> String {
        var hash = IDHash.basis
        for (index, part) in parts.enumerated() {
            if index > 0 { hash = (hash ^ 0x1F) &* 0x0000_0100_0000_01B3 }
            hash = IDHash.of(part, continuing: hash)
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
