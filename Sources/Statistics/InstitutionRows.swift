extension StaffingStatistics {
    /// The rows of the institutions, in snapshot order, held as numbers side by side; each ``InstitutionRow`` is made
    /// when it is read.
    ///
    /// A streamed audit keeps a row for every institution until its report is written (html and xlsx show them). As
    /// ``InstitutionRow`` values each row took two arrays of counts, about 440 bytes; here it takes about half that.
    /// A row is one institution's: its vacancy and excess follow from its approved and actual numbers
    /// (`Count(approved:actual:)`), and only those two are kept.
    ///
    /// The rows of several tallies are joined without copying them (`append(contentsOf:)`): each stays a part of its
    /// own, and the rows are read across the parts. Two lists of the same rows are equal however they are split.
    public struct InstitutionRows: RandomAccessCollection, Sendable, Hashable {
        private var parts: [Part] = []
        /// Where each part ends, counted in rows from the start of the list.
        private var ends: [Int] = []

        public init() {}

        public init(_ rows: [InstitutionRow]) {
            for row in rows { append(row) }
        }

        public var startIndex: Int { 0 }
        public var endIndex: Int { ends.last ?? 0 }

        public subscript(position: Int) -> InstitutionRow {
            let (part, row) = locate(position)
            return parts[part].row(row)
        }

        /// The code of the institution of row `position`, read without making the row.
        public func id(at position: Int) -> String {
            let (part, row) = locate(position)
            return parts[part].ids[row]
        }

        /// The category (its label) of the institution of row `position`, read without making the row.
        public func category(at position: Int) -> String {
            let (part, row) = locate(position)
            return parts[part].categories[row]
        }

        /// Adds `row`, which must be one institution's (see the type's note) with a count for every kind.
        public mutating func append(_ row: InstitutionRow) {
            if parts.isEmpty {
                parts.append(Part())
                ends.append(0)
            }
            parts[parts.count - 1].append(row)
            ends[ends.count - 1] += 1
        }

        /// Adds the rows of `other` after these, sharing its storage rather than copying it.
        public mutating func append(contentsOf other: InstitutionRows) {
            let start = endIndex
            for (part, end) in zip(other.parts, other.ends) where !part.isEmpty {
                parts.append(part)
                ends.append(start + end)
            }
        }

        /// The sum over the rows of the count of establishment type `column` (in ``StaffingStatistics/establishmentKinds``).
        public func staffingTotal(_ column: Int) -> Count {
            parts.reduce(Count()) { $0 + $1.total(at: 2 * column) }
        }

        /// The sum over the rows of the count of leader post `column` (in ``StaffingStatistics/leadershipKinds``).
        public func leadershipTotal(_ column: Int) -> Count {
            parts.reduce(Count()) { $0 + $1.total(at: 2 * (Part.staffingKinds + column)) }
        }

        /// The people with no establishment, over the rows.
        public var unestablishedTotal: Int {
            parts.reduce(0) { $0 + $1.unestablishedTotal }
        }

        public static func == (lhs: InstitutionRows, rhs: InstitutionRows) -> Bool {
            lhs.count == rhs.count && lhs.elementsEqual(rhs)
        }

        public func hash(into hasher: inout Hasher) {
            hasher.combine(count)
            for row in self { hasher.combine(row) }
        }

        /// The part holding row `position`, and the row's place in it.
        private func locate(_ position: Int) -> (part: Int, row: Int) {
            precondition(position >= 0 && position < endIndex, "row out of range")
            // The first part that ends after the row.
            var low = 0
            var high = ends.count - 1
            while low < high {
                let middle = (low + high) / 2
                if ends[middle] > position { high = middle } else { low = middle + 1 }
            }
            return (low, position - (low == 0 ? 0 : ends[low - 1]))
        }
    }
}

/// Rows side by side, as one tally made them.
private struct Part: Sendable {
    var ids: [String] = []
    var names: [String] = []
    var categories: [String] = []
    /// Per row, ``stride`` numbers: approved and actual for each establishment type, then for each leader post, then
    /// the people with no establishment.
    var numbers: [Int] = []

    static let staffingKinds = StaffingStatistics.establishmentKinds.count
    static let leadershipKinds = StaffingStatistics.leadershipKinds.count
    static let stride = 2 * (staffingKinds + leadershipKinds) + 1

    var isEmpty: Bool { ids.isEmpty }

    func row(_ row: Int) -> StaffingStatistics.InstitutionRow {
        typealias Count = StaffingStatistics.Count
        let base = row * Part.stride
        let staffing = (0..<Part.staffingKinds).map { Count(approved: numbers[base + 2 * $0], actual: numbers[base + 2 * $0 + 1]) }
        let leadersBase = base + 2 * Part.staffingKinds
        let leadership = (0..<Part.leadershipKinds).map { Count(approved: numbers[leadersBase + 2 * $0], actual: numbers[leadersBase + 2 * $0 + 1]) }
        return StaffingStatistics.InstitutionRow(id: ids[row], name: names[row], category: categories[row], staffing: staffing,
                                                 unestablished: numbers[base + Part.stride - 1], leadership: leadership)
    }

    mutating func append(_ row: StaffingStatistics.InstitutionRow) {
        precondition(row.staffing.count == Part.staffingKinds && row.leadership.count == Part.leadershipKinds,
                     "a row has a count for every kind")
        ids.append(row.id)
        names.append(row.name)
        categories.append(row.category)
        // Appended in place, a number at a time (one row per institution of a province: no array made per count).
        func append(_ counts: [StaffingStatistics.Count]) {
            for count in counts {
                precondition(count == StaffingStatistics.Count(approved: count.approved, actual: count.actual), "a row is one institution's")
                numbers.append(count.approved)
                numbers.append(count.actual)
            }
        }
        append(row.staffing)
        append(row.leadership)
        numbers.append(row.unestablished)
    }

    func total(at offset: Int) -> StaffingStatistics.Count {
        var sum = StaffingStatistics.Count()
        for base in Swift.stride(from: 0, to: numbers.count, by: Part.stride) {
            sum = sum + StaffingStatistics.Count(approved: numbers[base + offset], actual: numbers[base + offset + 1])
        }
        return sum
    }

    var unestablishedTotal: Int {
        Swift.stride(from: Part.stride - 1, to: numbers.count, by: Part.stride).reduce(0) { $0 + numbers[$1] }
    }
}
