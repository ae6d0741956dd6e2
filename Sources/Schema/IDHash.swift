/// The 64-bit FNV-1a hash of an identifier's UTF-8 bytes: the same in every run and on every machine (unlike
/// `Hasher`, which is seeded per process), and cheap for the short ids of persons and institutions.
public enum IDHash {
    /// FNV-1a of the id's UTF-8 bytes, read as one buffer (stepping through `String.utf8` costs several times as much).
    /// A native string is hashed where its bytes are, without copying it; `withUTF8` would need a copy to mutate.
    @inlinable @inline(__always)
    public static func of(_ id: String) -> UInt64 {
        if let hash = id.utf8.withContiguousStorageIfAvailable(of) { return hash }
        var text = id
        return text.withUTF8(of)
    }

    /// FNV-1a's starting value.
    public static let basis: UInt64 = 0xcbf2_9ce4_8422_2325

    /// FNV-1a of `id`'s bytes continued from `hash` (the hash of what came before them).
    @inlinable
    public static func of(_ id: String, continuing hash: UInt64) -> UInt64 {
        if let result = id.utf8.withContiguousStorageIfAvailable({ of($0, continuing: hash) }) { return result }
        var text = id
        return text.withUTF8 { of($0, continuing: hash) }
    }

    @inlinable @inline(__always)
    public static func of(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        of(bytes, continuing: basis)
    }

    @inlinable @inline(__always)
    public static func of(_ bytes: UnsafeBufferPointer<UInt8>, continuing start: UInt64) -> UInt64 {
        var hash = start
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return hash
    }
}
