/// A/B timings in interleaved pairs, the order alternating (A B, then B A, ...), so that a
/// machine that slows down or speeds up mid-run moves both sides; `llmpp bench` reports the
/// median of the pairs' ratios.
public struct InterleavedPairs: Sendable {
    public var a: [Double] = []
    public var b: [Double] = []

    /// A / B for each pair.
    public var ratios: [Double] { zip(a, b).map { $0 / $1 } }

    /// `n` pairs. Each side is given the input slot it runs in (2k for the first of pair k,
    /// 2k + 1 for the second), so sides that need distinct inputs (prompts a server must not
    /// have cached) can take them by position. A side that returns nil ends the pairs there.
    public static func run(
        _ n: Int, a: (_ slot: Int) async throws -> Double?, b: (_ slot: Int) async throws -> Double?
    ) async rethrows -> InterleavedPairs {
        var pairs = InterleavedPairs()
        for k in 0..<n {
            let aFirst = k % 2 == 0
            let first = try await aFirst ? a(2 * k) : b(2 * k)
            let second = try await aFirst ? b(2 * k + 1) : a(2 * k + 1)
            guard let first, let second else { break }
            pairs.a.append(aFirst ? first : second)
            pairs.b.append(aFirst ? second : first)
        }
        return pairs
    }
}
