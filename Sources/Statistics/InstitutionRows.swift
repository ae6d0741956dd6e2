extension StaffingStatistics {
    /// The rows of the institutions, in snapshot order, held as numbers side by side; each ``InstitutionRow`` is made
    /// when it is read.
    ///
    /// A streamed audit keeps a row for every institution until its report is written (html and xlsx show them). As
    /// ``InstitutionRow`` values each row took two arrays of counts, about 440 bytes; here it takes about half that.
    /// A row is one institution's: its vacancy and excess follow from its approved and actual numbers
    /// (`Count(approved:actual:)`), and only those two are kept.
    public struct InstitutionRows: RandomAccessCollection, Sendable, Hashable {
        private var ids: [String] = []
        private var names: [String] = []
        private var categories: [String] = []
        /// Per row, ``stride`` numbers: approved and actual for each establishment type, then for each leader post, then
        /// the people with no establishment.
        private var numbers: [Int] = []

        private static let staffingKinds = StaffingStatistics.establishmentKinds.count
        private static let leadershipKinds = StaffingStatistics.leadershipKinds.count
        private static let stride = 2 * (staffingKinds + leadershipKinds) + 1

        public init() {}

        public init(_ rows: [InstitutionRow]) {
            for row in rows { append(row) }
        }

        public var startIndex: Int { 0 }
        public var endIndex: Int { ids.count }

        public subscript(position: Int) -> InstitutionRow {
            let base = position * InstitutionRows.stride
            let staffing = (0..<InstitutionRows.staffingKinds).map { Count(approved: numbers[base + 2 * $0], actual: numbers[base + 2 * $0 + 1]) }
            let leadersBase = base + 2 * InstitutionRows.staffingKinds
            let leadership = (0..<InstitutionRows.leadershipKinds).map {
                Count(approved: numbers[leadersBase + 2 * $0], actual: numbers[leadersBase + 2 * $0 + 1])
            }
            return InstitutionRow(id: ids[position], name: names[position], category: categories[position], staffing: staffing,
                                  unestablished: numbers[base + InstitutionRows.stride - 1], leadership: leadership)
        }

        /// The code of the institution of row `position`, read without making the row.
        public func id(at position: Int) -> String { ids[position] }

        /// The category (its label) of the institution of row `position`, read without making the row.
        public func category(at position: Int) -> String { categories[position] }

        /// Adds `row`, which must be one institution's (see the type's note) with a count for every kind.
        public mutating func append(_ row: InstitutionRow) {
            precondition(row.staffing.count == InstitutionRows.staffingKinds && row.leadership.count == InstitutionRows.leadershipKinds,
                         "a row has a count for every kind")
            precondition((row.staffing + row.leadership).allSatisfy { $0 == Count(approved: $0.approved, actual: $0.actual) },
                         "a row is one institution's")
            ids.append(row.id)
            names.append(row.name)
            categories.append(row.category)
            for count in row.staffing + row.leadership { numbers += [count.approved, count.actual] }
            numbers.append(row.unestablished)
        }

        /// Makes room for `rows` rows in all, so that appending up to them does not grow (and copy) the storage.
        public mutating func reserveCapacity(_ rows: Int) {
            ids.reserveCapacity(rows)
            names.reserveCapacity(rows)
            categories.reserveCapacity(rows)
            numbers.reserveCapacity(rows * InstitutionRows.stride)
        }

        public mutating func append(contentsOf other: InstitutionRows) {
            ids += other.ids
            names += other.names
            categories += other.categories
            numbers += other.numbers
        }

        /// The sum over the rows of the count of establishment type `column` (in ``StaffingStatistics/establishmentKinds``).
        public func staffingTotal(_ column: Int) -> Count {
            total(at: 2 * column)
        }

        /// The sum over the rows of the count of leader post `column` (in ``StaffingStatistics/leadershipKinds``).
        public func leadershipTotal(_ column: Int) -> Count {
            total(at: 2 * (InstitutionRows.staffingKinds + column))
        }

        /// The people with no establishment, over the rows.
        public var unestablishedTotal: Int {
            Swift.stride(from: InstitutionRows.stride - 1, to: numbers.count, by: InstitutionRows.stride).reduce(0) { $0 + numbers[$1] }
        }

        private func total(at offset: Int) -> Count {
            var sum = Count()
            for base in Swift.stride(from: 0, to: numbers.count, by: InstitutionRows.stride) {
                sum = sum + Count(approved: numbers[base + offset], actual: numbers[base + offset + 1])
            }
            return sum
        }
    }
}
