import Catalog
import Testing

@Suite struct ChineseNumeralTests {
    @Test(arguments: [
        (1, "一"), (2, "二"), (9, "九"), (10, "十"), (11, "十一"), (19, "十九"), (20, "二十"), (21, "二十一"),
        (28, "二十八"), (30, "三十"), (99, "九十九"), (100, "一百"), (101, "一百零一"), (105, "一百零五"),
        (110, "一百一十"), (111, "一百一十一"), (115, "一百一十五"), (120, "一百二十"), (200, "二百"),
        (209, "二百零九"), (310, "三百一十"), (999, "九百九十九"), (0, "零"), (1000, "一千"), (1001, "一千零一"),
        (1010, "一千零一十"), (1100, "一千一百"), (2024, "二千零二十四"), (10000, "10000"), (-1, "-1"),
    ])
    func format(value: Int, expected: String) {
        #expect(ChineseNumeral.format(value) == expected)
    }

    /// Every numeral 1…999 reads back as the number it stands for, by the usual reading rules.
    @Test func everyNumeralReadsBack() {
        let digits: [Character: Int] = ["一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9]
        func read(_ text: String) -> Int? {
            var total = 0
            var digit: Int?
            for character in text {
                switch character {
                case "零": digit = nil
                case "十": total += (digit ?? 1) * 10; digit = nil
                case "百": guard let value = digit else { return nil }; total += value * 100; digit = nil
                default:
                    guard let value = digits[character], digit == nil else { return nil }
                    digit = value
                }
            }
            return total + (digit ?? 0)
        }
        for value in 1...999 {
            let text = ChineseNumeral.format(value)
            #expect(read(text) == value, "\(value) → \(text)")
            #expect(!text.hasSuffix("零") && !text.contains("零零"), "\(value) → \(text)")
        }
    }
}
