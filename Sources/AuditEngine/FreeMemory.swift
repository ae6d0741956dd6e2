#if canImport(Glibc)
import Glibc
#endif

/// Memory that was freed, handed back to the system.
enum FreeMemory {
    #if canImport(Glibc)
    private typealias Trim = @convention(c) (Int) -> Int32
    /// glibc's `malloc_trim`, looked up by name (its header is not part of the `Glibc` module).
    private static let trim: Trim? = dlsym(nil, "malloc_trim").map { unsafeBitCast($0, to: Trim.self) }
    #endif

    /// Returns the pages of freed memory to the system (glibc keeps them otherwise, for later allocations of the same
    /// sizes): after much of what is held is freed at once, before as much is allocated again in other sizes. Does
    /// nothing with another C library.
    static func returnToSystem() {
        #if canImport(Glibc)
        _ = trim?(0)
        #endif
    }
}
