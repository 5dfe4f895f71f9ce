import Foundation
import LLMPPCore

/// Reads a predicted score out of a model's answer: structured JSON first
/// (`{"bleu": 26.1}`), then a number right after the metric's name ("BLEU: 26.1",
/// "BLEU score of 26.1"), then the first number in the plausible range. Never crashes on
/// prose, garbage, truncated JSON or absurd numbers: those are `.missing` or `.outOfRange`.
public struct ResponseParser: Sendable {
    public enum Result: Equatable, Sendable {
        case value(Double, method: Method)
        case outOfRange(Double)
        case missing(String)
    }
    public enum Method: String, Sendable {
        case json
        case afterMetric = "after-metric"
        case firstNumber = "first-number"
    }

    public let key: String
    public let metric: String
    public let range: ClosedRange<Double>

    public init(key: String, metric: String, range: ClosedRange<Double>) {
        self.key = key
        self.metric = metric
        self.range = range
    }

    public func parse(_ text: String) -> Result {
        // Numbers inside terminal sequences are not answers (the 52 of an OSC 52 was one).
        let trimmed = text.removingTerminalSequences.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty { return .missing("empty answer") }
        if let v = jsonValue(trimmed) { return check(v, .json) }
        let numbers = Self.numbers(in: trimmed)
        if numbers.isEmpty { return .missing("no number in the answer") }
        // A number shortly after the metric's name or the JSON key.
        let lower = trimmed.lowercased()
        for name in [metric.lowercased(), key.lowercased()] where !name.isEmpty {
            var search = lower.startIndex..<lower.endIndex
            while let r = lower.range(of: name, range: search) {
                let offset = lower.distance(from: lower.startIndex, to: r.upperBound)
                if let n = numbers.first(where: { $0.offset >= offset && $0.offset - offset <= 24 }),
                    range.contains(n.value)
                {
                    return .value(n.value, method: .afterMetric)
                }
                search = r.upperBound..<lower.endIndex
            }
        }
        if let n = numbers.first(where: { range.contains($0.value) }) { return .value(n.value, method: .firstNumber) }
        return .outOfRange(numbers[0].value)
    }

    private func check(_ v: Double, _ m: Method) -> Result {
        v.isFinite && range.contains(v) ? .value(v, method: m) : .outOfRange(v)
    }

    /// The key's number in the first JSON object of the text (or its only number).
    private func jsonValue(_ text: String) -> Double? {
        guard let start = text.firstIndex(of: "{"), let end = text.lastIndex(of: "}"), start < end else { return nil }
        guard let obj = try? JSONSerialization.jsonObject(with: Data(text[start...end].utf8)) as? [String: Any] else {
            return nil
        }
        func number(_ v: Any?) -> Double? {
            if let n = JSONNumber.double(v) { return n }
            if let s = v as? String { return Double(s.trimmingCharacters(in: .whitespaces)) }
            return nil
        }
        for (k, v) in obj where k.lowercased() == key.lowercased() || k.lowercased() == metric.lowercased() {
            if let d = number(v) { return d }
        }
        let nums = obj.values.compactMap(number)
        return nums.count == 1 ? nums[0] : nil
    }

    /// Decimal numbers in the text with their character offsets ("-1.5", "26", ".5").
    static func numbers(in text: String) -> [(value: Double, offset: Int, text: String)] {
        var out: [(Double, Int, String)] = []
        let chars = Array(text)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            let startsNumber =
                c.isASCII
                && (c.isNumber || (c == "." && i + 1 < chars.count && chars[i + 1].isASCII && chars[i + 1].isNumber))
            if startsNumber {
                var j = i
                var seenDot = false
                while j < chars.count,
                    chars[j].isASCII
                        && (chars[j].isNumber
                            || (chars[j] == "." && !seenDot && j + 1 < chars.count && chars[j + 1].isASCII
                                && chars[j + 1].isNumber))
                {
                    if chars[j] == "." { seenDot = true }
                    j += 1
                }
                // Exponent: 1e5, 2.5E-3.
                if j < chars.count, chars[j] == "e" || chars[j] == "E" {
                    var k = j + 1
                    if k < chars.count, chars[k] == "+" || chars[k] == "-" { k += 1 }
                    if k < chars.count, chars[k].isASCII, chars[k].isNumber {
                        while k < chars.count, chars[k].isASCII, chars[k].isNumber { k += 1 }
                        j = k
                    }
                }
                let negative =
                    i > 0 && chars[i - 1] == "-" && (i == 1 || !(chars[i - 2].isLetter || chars[i - 2].isNumber))
                let s = (negative ? "-" : "") + String(chars[i..<j])
                if let v = Double(s), v.isFinite { out.append((v, negative ? i - 1 : i, s)) }
                i = j
            } else {
                i += 1
            }
        }
        return out
    }
}
