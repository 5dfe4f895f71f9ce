import Foundation

extension MLP {
    /// Compact binary form: widths as little-endian Int32, then every weight and bias in
    /// layer order, as raw little-endian floats of T. About 1.3 MB for the paper's student.
    public func serialized() -> Data {
        var d = Data()
        func put32(_ v: Int32) { withUnsafeBytes(of: v.littleEndian) { d.append(contentsOf: $0) } }
        put32(Int32(MemoryLayout<T>.size))
        put32(Int32(widths.count))
        for w in widths { put32(Int32(w)) }
        for l in 0..<layerCount {
            weights[l].withUnsafeBytes { d.append(contentsOf: $0) }
            biases[l].withUnsafeBytes { d.append(contentsOf: $0) }
        }
        return d
    }

    public init(serialized d: Data) throws {
        var pos = 0
        let bytes = [UInt8](d)
        func get32() throws -> Int {
            guard pos + 4 <= bytes.count else { throw MalformedWeights("truncated MLP weights") }
            let v = bytes[pos..<(pos + 4)].withUnsafeBytes { $0.loadUnaligned(as: Int32.self) }
            pos += 4
            return Int(Int32(littleEndian: v))
        }
        guard try get32() == MemoryLayout<T>.size else { throw MalformedWeights("MLP weights of another float type") }
        let n = try get32()
        guard (2...64).contains(n) else { throw MalformedWeights("MLP with \(n) widths") }
        let widths = try (0..<n).map { _ in try get32() }
        guard widths.allSatisfy({ (1...1_000_000).contains($0) }) else {
            throw MalformedWeights("MLP width out of range")
        }
        var w: [[T]] = []
        var b: [[T]] = []
        func take(_ count: Int) throws -> [T] {
            let size = count * MemoryLayout<T>.size
            guard pos + size <= bytes.count else { throw MalformedWeights("truncated MLP weights") }
            let out = bytes[pos..<(pos + size)].withUnsafeBytes { raw in
                (0..<count).map { raw.loadUnaligned(fromByteOffset: $0 * MemoryLayout<T>.size, as: T.self) }
            }
            pos += size
            return out
        }
        for l in 0..<(n - 1) {
            w.append(try take(widths[l] * widths[l + 1]))
            b.append(try take(widths[l + 1]))
        }
        guard pos == bytes.count else { throw MalformedWeights("trailing bytes after MLP weights") }
        self.init(widths: widths, seed: 0)
        weights = w
        biases = b
    }
}

public struct MalformedWeights: Error, CustomStringConvertible {
    public let description: String
    init(_ d: String) { description = d }
}
