import Dispatch
import Synchronization

/// Work handed out one task at a time while it is being produced (a file's institutions as they are decoded, say), done by
/// the workers, with the results given back in the order the tasks were submitted.
///
/// At most `inFlight` tasks are submitted and not yet done: `submit` waits for one to finish first, so that a producer
/// faster than the workers does not pile tasks up in memory. With one worker, `submit` does the task at once, on the
/// calling thread. Either way the results, in order, are the same.
public final class TaskQueue<Output: Sendable>: @unchecked Sendable {
    // Used from the producer's thread only, except `results`, behind its lock.
    private let inline: Bool
    private let slots: DispatchSemaphore
    private let group = DispatchGroup()
    private let queue = DispatchQueue(label: "bianzhi.task-queue", attributes: .concurrent)
    private let results = Mutex<[Int: Output]>([:])
    private var inlineResults: [Output] = []
    private var submitted = 0

    /// `inFlight`: how many tasks may be waiting or running at once (at least 1).
    public init(workers: WorkerPool, inFlight: Int) {
        inline = workers.workers <= 1
        slots = DispatchSemaphore(value: max(1, inFlight))
    }

    /// Runs `task` on a worker (waiting first while `inFlight` tasks are not done), or now with one worker.
    public func submit(_ task: @escaping @Sendable () -> Output) {
        if inline {
            inlineResults.append(task())
            return
        }
        slots.wait()
        let index = submitted
        submitted += 1
        queue.async(group: group) {
            let output = task()
            self.results.withLock { $0[index] = output }
            self.slots.signal()
        }
    }

    /// Waits for every task submitted, and gives their results in the order of submission (once: the queue keeps none).
    public func finish() -> [Output] {
        if inline { return inlineResults }
        group.wait()
        // Taken out, so that the queue holds nothing more of them.
        let done = results.withLock { done in
            let taken = done
            done = [:]
            return taken
        }
        return (0..<submitted).map { index in
            guard let output = done[index] else { preconditionFailure("task queue: task \(index) gave no result") }
            return output
        }
    }
}
