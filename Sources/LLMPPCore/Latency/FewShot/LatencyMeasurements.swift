import Foundation

/// A device's measured latencies: architectures of a space and their latency in ms, read
/// from a CSV with one column per dimension plus `latency_ms`.
public struct LatencyMeasurements: Sendable, Equatable {
    public static let latencyColumn = "latency_ms"
    /// Fewer measurements cannot be cross-validated.
    public static let minimumRows = 3

    public var architectures: [Architecture]
    public var latencyMs: [Double]

    public init(architectures: [Architecture], latencyMs: [Double]) {
        self.architectures = architectures
        self.latencyMs = latencyMs
    }

    public static func read(path: String, space: SearchSpace) throws -> LatencyMeasurements {
        try parse(ArchitectureCSV.load(path: path), file: path, space: space)
    }

    public static func parse(_ table: CSVTable, file: String, space: SearchSpace) throws -> LatencyMeasurements {
        guard let lc = table.column(latencyColumn) else {
            throw SpaceError(
                file: file, field: nil, problem: "no '\(latencyColumn)' column (the measured latency in ms)")
        }
        let archs = try ArchitectureCSV.architectures(table, file: file, space: space, extra: [latencyColumn])
        var firstLine: [String: Int] = [:]
        var latencies: [Double] = []
        for (r, row) in table.rows.enumerated() {
            let line = table.line(ofRow: r)
            let text = row[lc].trimmingCharacters(in: .whitespaces)
            if text.isEmpty {
                throw SpaceError(
                    file: file, field: "line \(line), column '\(latencyColumn)'",
                    problem: "empty: measure this architecture and write its latency in ms (or delete the row)")
            }
            // Between a microsecond and a day: 1e308 ms was accepted and broke every figure after it.
            guard let v = Double(text), v.isFinite, (1e-3...8.64e7).contains(v) else {
                throw SpaceError(
                    file: file, field: "line \(line), column '\(latencyColumn)'",
                    problem:
                        "'\(text.prefix(40).escapingControlCharacters)' is not a number of milliseconds in 0.001...86400000"
                )
            }
            let id = space.id(archs[r])
            if let earlier = firstLine[id] {
                throw SpaceError(
                    file: file, field: "line \(line)", problem: "the same architecture as line \(earlier) (\(id))")
            }
            firstLine[id] = line
            latencies.append(v)
        }
        guard archs.count >= minimumRows else {
            throw SpaceError(
                file: file, field: nil,
                problem: "\(archs.count) measurement\(archs.count == 1 ? "" : "s"); at least \(minimumRows) are needed")
        }
        return LatencyMeasurements(architectures: archs, latencyMs: latencies)
    }
}
