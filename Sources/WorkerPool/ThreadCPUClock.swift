#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The processor time the calling thread has used: what a piece of work cost that thread, whether or not the
/// thread was waiting for a core meanwhile. A wall clock around the same work also counts the time another thread
/// held the core; summed over threads that run at once, such intervals measure nothing in particular.
public enum ThreadCPUClock {
    /// The calling thread's processor time so far (zero where the system cannot tell).
    public static func now() -> Duration {
        var time = timespec()
        guard clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time) == 0 else { return .zero }
        return .seconds(Int64(time.tv_sec)) + .nanoseconds(Int64(time.tv_nsec))
    }
}

/// A monotonic wall clock read without entering the kernel (the system maps it into the process): for timing many short
/// pieces of work on one thread, where `ThreadCPUClock` (a system call, about 0.35 µs here) would cost more than the
/// work. Within one piece that the thread runs without waiting, its interval is the piece's processor time.
public enum MonotonicClock {
    public static func now() -> Duration {
        var time = timespec()
        guard clock_gettime(CLOCK_MONOTONIC, &time) == 0 else { return .zero }
        return .seconds(Int64(time.tv_sec)) + .nanoseconds(Int64(time.tv_nsec))
    }
}
