import Foundation

/// `--decode expectation`: the prediction is the expected value over the answer's digits
/// under the model's token distribution, instead of the greedy string. Small models copy a
/// demonstration's value verbatim; the digits' probabilities still say where they hesitate.
///
/// For each token of the greedy answer that consists only of digits and lies inside the
/// parsed number, the token's alternatives of the same length that are also digits are
/// renormalised and their expected value replaces the greedy digits at that place value.
public enum ExpectationDecoder {
    public static func expectedValue(numberText: String, tokens: [TokenLogprob]) -> Double? {
        guard let greedy = Double(numberText) else { return nil }
        let text = tokens.map(\.token).joined()
        // The answer's number: the last occurrence that parses to the greedy value.
        var found: Range<String.Index>? = nil
        var search = text.startIndex..<text.endIndex
        while let r = text.range(of: numberText, range: search) { found = r; search = r.upperBound..<text.endIndex }
        guard let span = found else { return nil }
        let start = text.distance(from: text.startIndex, to: span.lowerBound)
        let digitsStart = numberText.hasPrefix("-") ? start + 1 : start
        let body = numberText.hasPrefix("-") ? String(numberText.dropFirst()) : numberText
        let point = body.firstIndex(of: ".").map { body.distance(from: body.startIndex, to: $0) } ?? body.count
        let sign: Double = numberText.hasPrefix("-") ? -1 : 1
        // Place value (power of ten) of the character at offset i of the number's body.
        func exponent(_ i: Int) -> Int { i < point ? point - 1 - i : -(i - point) }

        var value = greedy
        var offset = 0
        for t in tokens {
            let a = offset, b = offset + t.token.count
            offset = b
            guard a >= digitsStart, b <= digitsStart + body.count, !t.token.isEmpty,
                  t.token.allSatisfy({ $0.isASCII && $0.isNumber }) else { continue }
            let alternatives = t.top.filter { $0.token.count == t.token.count && $0.token.allSatisfy { $0.isASCII && $0.isNumber } }
            guard !alternatives.isEmpty else { continue }
            let maxLog = alternatives.map(\.logprob).max()!
            let weights = alternatives.map { exp($0.logprob - maxLog) }
            let total = weights.reduce(0, +)
            let expected = zip(alternatives, weights).reduce(0.0) { $0 + Double($1.0.token)! * $1.1 } / total
            let lastExp = exponent(b - 1 - digitsStart)
            value += sign * (expected - Double(t.token)!) * pow(10, Double(lastExp))
        }
        return value
    }
}
