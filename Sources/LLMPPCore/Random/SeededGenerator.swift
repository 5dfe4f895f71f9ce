import Foundation

/// xoshiro256** seeded through SplitMix64: the same seed gives the same stream on every
/// platform and Swift version, which `SystemRandomNumberGenerator` cannot promise and
/// resumable, reproducible searches need.
public struct SeededGenerator: RandomNumberGenerator, Sendable, Codable, Equatable {
    private var s0, s1, s2, s3: UInt64

    public init(seed: UInt64) {
        var sm = seed
        func splitMix() -> UInt64 {
            sm &+= 0x9E37_79B9_7F4A_7C15
            var z = sm
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitMix()
        s1 = splitMix()
        s2 = splitMix()
        s3 = splitMix()
    }

    public mutating func next() -> UInt64 {
        let result = rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotl(s3, 45)
        return result
    }

    @inline(__always) private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 {
        (x << k) | (x >> (64 - k))
    }

    /// Uniform integer in 0..<n without modulo bias (Lemire's method via the stdlib).
    public mutating func index(_ n: Int) -> Int { Int.random(in: 0..<n, using: &self) }

    /// Uniform double in [0, 1).
    public mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Standard normal (Box-Muller), for weight initialisation.
    public mutating func normal() -> Double {
        let u1 = max(unit(), 1e-300)
        let u2 = unit()
        return (-2 * Foundation.log(u1)).squareRoot() * Foundation.cos(2 * Double.pi * u2)
    }
}
