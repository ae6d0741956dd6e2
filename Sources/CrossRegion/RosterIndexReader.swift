#if canImport(Glibc)
import Glibc
#endif
import Diagnostics
import Schema

/// Reads a roster index file (see `RosterIndex`) one line at a time: a national run's indexes are too large to
/// hold at once. Checks the header, the number of fields, the escapes, the establishment types and that the
/// person ids come in order.
final class RosterIndexReader {
    let path: String
    /// The date and region the header names.
    private(set) var asOf = CivilDate(daysSinceEpoch: 0)
    private(set) var region = ""
    private let file: UnsafeMutablePointer<FILE>
    private var buffer: UnsafeMutablePointer<CChar>?
    private var capacity = 0
    /// The number of the line read last (1-based).
    private(set) var line = 0
    private var previous: String?

    init(path: String) throws(CrossRegionError) {
        self.path = path
        guard let file = fopen(path, "r") else {
            throw CrossRegionError(.unreadable(String(cString: strerror(errno))), at: SourceLocation(path: path, line: 1, column: 1))
        }
        self.file = file
        guard let header = try nextLine(), header.hasPrefix(RosterIndex.signature) else {
            throw CrossRegionError(.notAnIndex, at: location(column: 1))
        }
        var sawDate = false
        for part in header.dropFirst(RosterIndex.signature.count).split(separator: "\t") where !part.isEmpty {
            if part.hasPrefix("as_of="), let date = CivilDate(parsing: String(part.dropFirst(6))) {
                asOf = date
                sawDate = true
            } else if part.hasPrefix("region="), let code = RosterIndex.unescape(part.dropFirst(7)) {
                region = code
            } else {
                throw CrossRegionError(.badHeader(String(part)), at: location(column: 1))
            }
        }
        guard sawDate else { throw CrossRegionError(.badHeader("as_of"), at: location(column: 1)) }
        guard let columns = try nextLine(), columns.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) == RosterIndex.columns else {
            throw CrossRegionError(.badColumns, at: location(column: 1))
        }
    }

    deinit {
        free(buffer)
        fclose(file)
    }

    /// The next row; nil at the end of the file.
    func next() throws(CrossRegionError) -> RosterIndexRow? {
        guard let text = try nextLine() else { return nil }
        let fields = text.split(separator: "\t", omittingEmptySubsequences: false)
        guard fields.count == RosterIndex.columns.count else { throw CrossRegionError(.fieldCount(fields.count), at: location(column: 1)) }
        var values: [String] = []
        for field in fields {
            guard let value = RosterIndex.unescape(field) else { throw CrossRegionError(.badEscape, at: location(of: field, in: text)) }
            values.append(value)
        }
        guard SnapshotSchema.establishment.index(of: values[4]) != nil else {
            throw CrossRegionError(.unknownEstablishment(values[4]), at: location(of: fields[4], in: text))
        }
        if let previous, RosterIndex.precedes(values[0], previous) {
            throw CrossRegionError(.outOfOrder(previous: previous, person: values[0]), at: location(column: 1))
        }
        previous = values[0]
        return RosterIndexRow(person: values[0], region: values[1], institution: values[2], institutionName: values[3], establishment: values[4])
    }

    /// The longest line accepted: a row is five short fields; a longer line is not an index (or is hostile).
    static let maximumLineLength = 64 * 1024

    /// The next line without its line end; nil at the end of the file.
    private func nextLine() throws(CrossRegionError) -> String? {
        let count = getline(&buffer, &capacity, file)
        guard count >= 0, let buffer else { return nil }
        line += 1
        guard count <= RosterIndexReader.maximumLineLength else {
            throw CrossRegionError(.lineTooLong(RosterIndexReader.maximumLineLength), at: location(column: 1))
        }
        var length = count
        while length > 0, buffer[length - 1] == 0x0A || buffer[length - 1] == 0x0D { length -= 1 }
        return buffer.withMemoryRebound(to: UInt8.self, capacity: length) { String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self) }
    }

    private func location(column: Int) -> SourceLocation {
        SourceLocation(path: path, line: line, column: column)
    }

    /// Where `field` (a part of `text`) begins on the current line.
    private func location(of field: Substring, in text: String) -> SourceLocation {
        location(column: text.unicodeScalars.distance(from: text.startIndex, to: field.startIndex) + 1)
    }
}
