#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Diagnostics
import Foundation

/// A one-line progress display on standard error for long runs: the step, how many steps of how
/// many, a spinner and the time taken. It shows only when standard error is a terminal, `--quiet`
/// is not given and `TERM` is not `dumb`, and only once a run has taken longer than half a second,
/// so short runs and pipes and CI logs never see it. A command makes its own and hands it to
/// whatever writes to standard error meanwhile: `Terminal.writeError(_:clearing:)` clears the line first.
final class ProgressIndicator: @unchecked Sendable {
    private let lock = NSLock()
    private var enabled = false
    private var running = false
    private var visible = false
    private var step = ""
    private var stepNumber = 0
    private var stepCount = 0
    private var started = Date()
    private var frame = 0
    private static let frames = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"]
    /// How long a run goes before the line appears: half a second, or `BIANZHI_PROGRESS_DELAY` seconds (tests use 0).
    private static let delay: TimeInterval = ProcessInfo.processInfo.environment["BIANZHI_PROGRESS_DELAY"].flatMap(TimeInterval.init) ?? 0.5

    /// Whether a progress line may be drawn: standard error is a terminal and the user did not ask for quiet.
    static func isWanted(quiet: Bool) -> Bool {
        if quiet || isatty(2) != 1 { return false }
        return ProcessInfo.processInfo.environment["TERM"] != "dumb"
    }

    /// Starts the display (when `enabled`) for a run of `steps` steps.
    func start(enabled: Bool, steps: Int) {
        lock.lock()
        defer { lock.unlock() }
        self.enabled = enabled
        stepCount = steps
        stepNumber = 0
        started = Date()
        guard enabled, !running else { return }
        running = true
        let thread = Thread { [self] in tick() }
        thread.name = "bianzhi.progress"
        thread.start()
    }

    /// Moves on to the next step.
    func advance(_ step: String) {
        lock.lock()
        defer { lock.unlock() }
        self.step = step
        stepNumber = min(stepNumber + 1, max(stepCount, 1))
        // Shown at once once the delay has passed, not at the next tick: a step that ends within a tenth of a second is
        // still seen (and with no delay, every step is, which the tests rely on).
        drawLocked()
    }

    /// Stops the display and clears its line.
    func finish() {
        lock.lock()
        defer { lock.unlock() }
        running = false
        enabled = false
        clearLocked()
    }

    /// Clears the line before other text goes to standard error; the next tick draws it again.
    func clearForOutput() {
        lock.lock()
        defer { lock.unlock() }
        clearLocked()
    }

    private func clearLocked() {
        guard visible else { return }
        _ = Descriptor.writeAll(Array("\r\u{1B}[K".utf8), to: STDERR_FILENO)
        visible = false
    }

    private func tick() {
        while true {
            Thread.sleep(forTimeInterval: 0.1)
            lock.lock()
            guard running else {
                lock.unlock()
                return
            }
            drawLocked()
            lock.unlock()
        }
    }

    /// Draws the line (the spinner's next frame) when the display is on and the delay has passed.
    private func drawLocked() {
        let elapsed = Date().timeIntervalSince(started)
        guard running, enabled, elapsed >= ProgressIndicator.delay else { return }
        frame = (frame + 1) % ProgressIndicator.frames.count
        let width = 20
        let filled = stepCount > 0 ? width * max(stepNumber - 1, 0) / stepCount : 0
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let tenths = Int(elapsed * 10)
        let line = "\r\u{1B}[K\(ProgressIndicator.frames[frame]) [\(bar)] \(stepNumber)/\(stepCount) \(step) \(tenths / 10).\(tenths % 10)s"
        _ = Descriptor.writeAll(Array(line.utf8), to: STDERR_FILENO)
        visible = true
    }
}
