internal import CYAML
import Dispatch
import Foundation
import Synchronization

/// What kind of event libyaml produced.
public enum YAMLEventKind: Sendable, Equatable {
    case streamStart, streamEnd, documentStart, documentEnd
    case alias, scalar
    case sequenceStart, sequenceEnd, mappingStart, mappingEnd
}

/// libyaml's event stream, one event at a time, read from a file in chunks.
///
/// This is the fast path of loading: a caller that knows the shape it expects (the snapshot
/// schema) decodes straight from the events, without building a `YAMLNode` tree, and without
/// holding the whole file in memory. It reports nothing itself: when anything is not as the
/// caller expects (a syntax error, an alias, a tag), the caller falls back to `YAMLParser`,
/// which builds the tree and locates every problem.
///
/// With `prefetch`, libyaml runs on a thread of its own, a few thousand events ahead, so that
/// parsing and decoding one large file use two cores. The events are the same either way.
/// The current event's data (its scalar bytes) is valid until the next call of `next()`.
public final class YAMLEventReader {
    /// The current event, copied out of libyaml's structures so that the accessors are inlinable
    /// (and, behind a pointer, free of the exclusivity checks of class properties).
    @usableFromInline let current: UnsafeMutablePointer<Current>
    /// Where the events come from: libyaml on this thread, or the prefetching thread's batches. Held as `Unmanaged`
    /// (retained here, released in `deinit`) so that `next()` calls it without a retain and a release per event,
    /// which cost about as much as the rest of `next()`.
    private let source: Source

    private enum Source {
        case direct(Unmanaged<LibYAMLSource>)
        case prefetched(Unmanaged<EventPrefetcher>)
    }

    @usableFromInline struct Current {
        @usableFromInline var kind = YAMLEventKind.streamStart
        @usableFromInline var start = YAMLMark(line: 1, column: 1)
        @usableFromInline var style = YAMLScalar.Style.plain
        @usableFromInline var hasTag = false
        @usableFromInline var bytes = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
    }

    /// Opens `path` for reading; nil when the file cannot be opened.
    public convenience init?(path: String, prefetch: Bool = false) {
        guard let source = LibYAMLSource(path: path) else { return nil }
        self.init(source: source, prefetch: prefetch)
    }

    /// Reads `bytes` (a part of a file read again, say) as if they were a file of their own.
    public convenience init?(bytes: [UInt8]) {
        guard let source = LibYAMLSource(bytes: bytes) else { return nil }
        self.init(source: source, prefetch: false)
    }

    private init(source: LibYAMLSource, prefetch: Bool) {
        current = CacheLines.allocate(Current.self, capacity: 1)
        current.initialize(to: Current())
        if prefetch {
            self.source = .prefetched(.passRetained(EventPrefetcher(source: source)))
        } else {
            self.source = .direct(.passRetained(source))
        }
    }

    deinit {
        switch source {
        case .direct(let source):
            source.release()
        case .prefetched(let prefetcher):
            prefetcher.takeRetainedValue().stop()
        }
        current.deallocate()
    }

    /// Moves to the next event; false when libyaml reports an error (the caller falls back).
    public func next() -> Bool {
        switch source {
        case .direct(let source): source._withUnsafeGuaranteedRef { $0.next(into: current) }
        case .prefetched(let prefetcher): prefetcher._withUnsafeGuaranteedRef { $0.next(into: current) }
        }
    }

    /// The current event's kind (valid after `next()` returned true).
    @inlinable public var kind: YAMLEventKind { current.pointee.kind }

    /// Where the current event starts (1-based, as `YAMLParser` reports it).
    @inlinable public var start: YAMLMark { current.pointee.start }

    /// The current scalar's style (`.plain` for other events).
    @inlinable public var scalarStyle: YAMLScalar.Style { current.pointee.style }

    /// True when the current scalar carries an explicit tag (`!!str`, …).
    @inlinable public var scalarHasTag: Bool { current.pointee.hasTag }

    /// The current scalar's bytes (UTF-8, validated by libyaml), valid until `next()`.
    @inlinable public var scalarBytes: UnsafeBufferPointer<UInt8> { current.pointee.bytes }
}

/// libyaml reading one file: the parser, its current event, the open file.
/// Used by one thread at a time.
private final class LibYAMLSource: @unchecked Sendable {
    // Behind pointers allocated once: no exclusivity checks per access.
    private let parser: UnsafeMutablePointer<yaml_parser_t>
    private let event: UnsafeMutablePointer<yaml_event_t>
    private let hasEvent: UnsafeMutablePointer<Bool>
    private let file: UnsafeMutablePointer<FILE>
    /// The bytes `file` reads, when it reads from memory.
    private let buffer: UnsafeMutableRawBufferPointer?

    convenience init?(path: String) {
        guard let file = fopen(path, "rb") else { return nil }
        self.init(file: file, buffer: nil)
    }

    convenience init?(bytes: [UInt8]) {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 1)
        buffer.copyBytes(from: bytes)
        guard let base = buffer.baseAddress, let file = fmemopen(base, bytes.count, "rb") else {
            buffer.deallocate()
            return nil
        }
        self.init(file: file, buffer: buffer)
    }

    private init?(file: UnsafeMutablePointer<FILE>, buffer: UnsafeMutableRawBufferPointer?) {
        self.buffer = buffer
        let parser = CacheLines.allocate(yaml_parser_t.self, capacity: 1)
        parser.initialize(to: yaml_parser_t())
        guard yaml_parser_initialize(parser) == 1 else {
            parser.deallocate()
            fclose(file)
            buffer?.deallocate()
            return nil
        }
        yaml_parser_set_input_file(parser, file)
        self.file = file
        self.parser = parser
        event = CacheLines.allocate(yaml_event_t.self, capacity: 1)
        event.initialize(to: yaml_event_t())
        hasEvent = CacheLines.allocate(Bool.self, capacity: 1)
        hasEvent.initialize(to: false)
    }

    deinit {
        if hasEvent.pointee { yaml_event_delete(event) }
        yaml_parser_delete(parser)
        fclose(file)
        buffer?.deallocate()
        parser.deallocate()
        event.deallocate()
        hasEvent.deallocate()
    }

    /// Parses the next event into `current` (its bytes point into libyaml's event, valid until the next call).
    func next(into current: UnsafeMutablePointer<YAMLEventReader.Current>) -> Bool {
        if hasEvent.pointee {
            yaml_event_delete(event)
            hasEvent.pointee = false
        }
        guard yaml_parser_parse(parser, event) == 1 else { return false }
        hasEvent.pointee = true
        let kind: YAMLEventKind
        switch event.pointee.type {
        case YAML_STREAM_START_EVENT: kind = .streamStart
        case YAML_STREAM_END_EVENT: kind = .streamEnd
        case YAML_DOCUMENT_START_EVENT: kind = .documentStart
        case YAML_DOCUMENT_END_EVENT: kind = .documentEnd
        case YAML_ALIAS_EVENT: kind = .alias
        case YAML_SCALAR_EVENT: kind = .scalar
        case YAML_SEQUENCE_START_EVENT: kind = .sequenceStart
        case YAML_SEQUENCE_END_EVENT: kind = .sequenceEnd
        case YAML_MAPPING_START_EVENT: kind = .mappingStart
        case YAML_MAPPING_END_EVENT: kind = .mappingEnd
        default: return false
        }
        current.pointee.kind = kind
        current.pointee.start = YAMLMark(event.pointee.start_mark)
        if kind == .scalar {
            let scalar = event.pointee.data.scalar
            current.pointee.bytes = UnsafeBufferPointer(start: scalar.value, count: Int(scalar.length))
            current.pointee.hasTag = scalar.tag != nil
            current.pointee.style = YAMLScalar.Style(scalar.style)
        } else {
            current.pointee.bytes = UnsafeBufferPointer(start: nil, count: 0)
            current.pointee.hasTag = false
            current.pointee.style = .plain
        }
        return true
    }
}

/// Runs a `LibYAMLSource` on its own thread and hands its events over in batches.
///
/// A ring of batches: the parsing thread fills an empty one (events, and the scalars' bytes
/// copied into the batch's own buffer) and passes it on; the reading thread takes the filled
/// ones in order. Two semaphores count the empty and the filled batches, so each batch
/// belongs to one thread at a time. Memory stays bounded by the ring, whatever the file's size.
private final class EventPrefetcher: @unchecked Sendable {
    private static let ringSize = 4
    private static let eventsPerBatch = 8192

    /// Retained here, released in `deinit`: reading a batch of the ring then costs no retain and release per event.
    private let ring: [Unmanaged<EventBatch>]
    private let empty = DispatchSemaphore(value: EventPrefetcher.ringSize)
    private let filled = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private let cancelled = Atomic<Bool>(false)
    // Reader's side only.
    private let position: UnsafeMutablePointer<(batch: Int, event: Int, holding: Bool)>

    init(source: LibYAMLSource) {
        ring = (0..<EventPrefetcher.ringSize).map { _ in .passRetained(EventBatch(capacity: EventPrefetcher.eventsPerBatch)) }
        position = CacheLines.allocate((batch: Int, event: Int, holding: Bool).self, capacity: 1)
        position.initialize(to: (batch: 0, event: 0, holding: false))
        let thread = Thread { [self] in produce(source) }
        thread.stackSize = 1 << 20
        thread.start()
    }

    deinit {
        for batch in ring { batch.release() }
        position.deallocate()
    }

    /// The parsing thread: fills batches until the stream ends, libyaml fails, or the reader stops.
    private func produce(_ source: LibYAMLSource) {
        defer { finished.signal() }
        let event = CacheLines.allocate(YAMLEventReader.Current.self, capacity: 1)
        event.initialize(to: YAMLEventReader.Current())
        defer { event.deallocate() }
        var slot = 0
        while true {
            empty.wait()
            if cancelled.load(ordering: .acquiring) { return }
            let batch = ring[slot].takeUnretainedValue()
            batch.reset()
            var ended = false
            while batch.count < EventPrefetcher.eventsPerBatch {
                guard source.next(into: event) else {
                    batch.failed = true
                    ended = true
                    break
                }
                batch.append(event)
                if event.pointee.kind == .streamEnd {
                    ended = true
                    break
                }
            }
            filled.signal()
            if ended { return }
            slot = (slot + 1) % EventPrefetcher.ringSize
        }
    }

    /// The reading thread: the next event, from the batch at hand or the next filled one.
    func next(into current: UnsafeMutablePointer<YAMLEventReader.Current>) -> Bool {
        while true {
            if position.pointee.holding {
                let position = position
                let taken = ring[position.pointee.batch]._withUnsafeGuaranteedRef { batch -> Bool? in
                    if position.pointee.event < batch.count {
                        current.pointee = batch.event(at: position.pointee.event)
                        position.pointee.event += 1
                        return true
                    }
                    return batch.failed ? false : nil
                }
                // An event, or the batch failed; nil: this batch is done.
                if let taken { return taken }
                guard current.pointee.kind != .streamEnd else { return false }
                position.pointee.holding = false
                position.pointee.batch = (position.pointee.batch + 1) % EventPrefetcher.ringSize
                empty.signal()
            }
            filled.wait()
            position.pointee.holding = true
            position.pointee.event = 0
        }
    }

    /// Stops the parsing thread and waits for it (the reader is done, or gave up early).
    func stop() {
        cancelled.store(true, ordering: .releasing)
        // One more than the ring: the parsing thread's last wait takes one, and libdispatch requires
        // a semaphore to end no lower than it started.
        for _ in 0...EventPrefetcher.ringSize { empty.signal() }
        finished.wait()
    }
}

/// A batch of events with their scalars' bytes, in buffers that are reused from batch to batch.
private final class EventBatch: @unchecked Sendable {
    /// All mutable state sits behind pointers: a class's stored `var`s would cost a dynamic exclusivity
    /// check at every access, and this is called once per event of the file.
    private struct State {
        var count = 0
        var failed = false
        var bytes: UnsafeMutablePointer<UInt8>
        var byteCapacity: Int
        var byteCount = 0
    }

    let capacity: Int
    private let state: UnsafeMutablePointer<State>
    private let events: UnsafeMutablePointer<YAMLEventReader.Current>
    private let offsets: UnsafeMutablePointer<Int>

    var count: Int { state.pointee.count }
    var failed: Bool {
        get { state.pointee.failed }
        set { state.pointee.failed = newValue }
    }

    init(capacity: Int) {
        self.capacity = capacity
        let byteCapacity = 1 << 18
        state = CacheLines.allocate(State.self, capacity: 1)
        state.initialize(to: State(bytes: CacheLines.allocate(UInt8.self, capacity: byteCapacity), byteCapacity: byteCapacity))
        events = CacheLines.allocate(YAMLEventReader.Current.self, capacity: capacity)
        offsets = CacheLines.allocate(Int.self, capacity: capacity)
    }

    deinit {
        state.pointee.bytes.deallocate()
        state.deallocate()
        events.deallocate()
        offsets.deallocate()
    }

    func reset() {
        state.pointee.count = 0
        state.pointee.failed = false
        state.pointee.byteCount = 0
    }

    /// Copies the event (and its scalar's bytes, which libyaml frees at its next event). The batch must not be full.
    func append(_ event: UnsafePointer<YAMLEventReader.Current>) {
        let index = state.pointee.count
        precondition(index < capacity, "event batch is full")
        let length = event.pointee.bytes.count
        let byteCount = state.pointee.byteCount
        if byteCount + length > state.pointee.byteCapacity {
            var grownCapacity = state.pointee.byteCapacity * 2
            while byteCount + length > grownCapacity { grownCapacity *= 2 }
            let grown = CacheLines.allocate(UInt8.self, capacity: grownCapacity)
            grown.update(from: state.pointee.bytes, count: byteCount)
            state.pointee.bytes.deallocate()
            state.pointee.bytes = grown
            state.pointee.byteCapacity = grownCapacity
        }
        if let base = event.pointee.bytes.baseAddress, length > 0 {
            (state.pointee.bytes + byteCount).update(from: base, count: length)
        }
        // `Current` is a plain value (no references): copying it into raw memory needs no initialisation.
        (events + index).initialize(to: event.pointee)
        offsets[index] = byteCount
        state.pointee.byteCount = byteCount + length
        state.pointee.count = index + 1
    }

    /// The event at `index`, its bytes pointing into this batch.
    func event(at index: Int) -> YAMLEventReader.Current {
        var event = events[index]
        event.bytes = UnsafeBufferPointer(start: state.pointee.bytes + offsets[index], count: event.bytes.count)
        return event
    }
}

/// Memory on cache lines of its own: the parsing and the decoding threads each write some small blocks at every
/// event (their positions, a batch's counts, libyaml's state). Blocks from `malloc` may share a 64-byte line with a
/// block the other thread writes; each write then takes the line from the other core ("false sharing"), which cost
/// the decoding thread about a fifth of its time. Freed with `deallocate()`, as any pointer.
enum CacheLines {
    /// Two lines: adjacent-line prefetching moves lines in pairs.
    static let size = 128

    static func allocate<T>(_ type: T.Type, capacity: Int) -> UnsafeMutablePointer<T> {
        let needed = MemoryLayout<T>.stride * max(capacity, 1)
        let rounded = (needed + size - 1) / size * size
        return UnsafeMutableRawPointer.allocate(byteCount: rounded, alignment: max(size, MemoryLayout<T>.alignment))
            .bindMemory(to: T.self, capacity: capacity)
    }
}
