/// Chinese numerals as legal citations write them: 六, 十一, 二十八, 一百零五, 一百一十.
///
/// Covers 0…9999 (零 for 0); the tens digit 一 is left out only at the start (十一, but
/// 一百一十一), and one 零 stands for any run of inner zeros (一千零五). Numbers outside that
/// range are written in Arabic digits, which no catalogued regulation needs.
public enum ChineseNumeral {
    private static let digits = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"]
    private static let units = ["千", "百", "十", ""]

    /// The Chinese numeral for `value` (`28` → `二十八`).
    public static func format(_ value: Int) -> String {
        guard (0...9999).contains(value) else { return String(value) }
        if value == 0 { return digits[0] }
        let places = [value / 1000, value / 100 % 10, value / 10 % 10, value % 10]
        var result = ""
        var started = false
        var pendingZero = false
        for (index, digit) in places.enumerated() {
            if digit == 0 {
                if started { pendingZero = true }
                continue
            }
            if pendingZero {
                result += digits[0]
                pendingZero = false
            }
            if !started, digit == 1, index == 2 {
                result += units[index]
            } else {
                result += digits[digit] + units[index]
            }
            started = true
        }
        return result
    }
}
