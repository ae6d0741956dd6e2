import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Runs independent pieces of work on several threads and returns their results in order.
///
/// The result never depends on the number of workers: item `i` of the result is `body(i)`,
/// whichever thread computed it, so a run with one worker and a run with many give the same
/// output, byte for byte. Each worker takes the next unclaimed index, so uneven items
/// (a large file next to small ones) balance out.
public struct WorkerPool: Sendable {
    /// How many threads work at once (at least 1).
    public let workers: Int

    public init(workers: Int) {
        self.workers = max(1, workers)
    }

    /// One worker per processor the system lets this process use.
    public static var perProcessor: WorkerPool {
        WorkerPool(workers: ProcessorCount.available)
    }

    /// `body(0) … body(count - 1)`, computed by up to `workers` threads, in index order.
    public func map<T: Sendable>(_ count: Int, _ body: @Sendable (Int) -> T) -> [T] {
        let threads = min(workers, count)
        guard threads > 1 else { return (0..<count).map(body) }
        let slots = ResultSlots<T>(count: count)
        let next = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: threads) { _ in
            while true {
                let index = next.wrappingAdd(1, ordering: .relaxed).oldValue
                guard index < count else { return }
                slots.store(body(index), at: index)
            }
        }
        return slots.collect()
    }
}

/// One slot per index, each written by exactly one worker (the one that claimed the index),
/// and read only after every worker has finished.
private final class ResultSlots<T: Sendable>: @unchecked Sendable {
    private let storage: UnsafeMutablePointer<T?>
    private let count: Int

    init(count: Int) {
        self.count = count
        storage = UnsafeMutablePointer<T?>.allocate(capacity: count)
        storage.initialize(repeating: nil, count: count)
    }

    deinit {
        storage.deinitialize(count: count)
        storage.deallocate()
    }

    func store(_ value: T, at index: Int) {
        storage[index] = value
    }

    func collect() -> [T] {
        (0..<count).map { index in
            guard let value = storage[index] else { preconditionFailure("worker pool: item \(index) was not computed") }
            return value
        }
    }
}

/// The number of processors this process may run on.
enum ProcessorCount {
    static var available: Int {
        #if canImport(Glibc)
        let count = Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        return max(1, count)
        #else
        return 1
        #endif
    }
}
