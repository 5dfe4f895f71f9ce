import Foundation

/// A device's measured latencies: architectures of a space and their latency in ms, read
/// from a CSV with one column per dimension plus `latency_ms`.
public struct LatencyMeasurements: Sendable, Equatable {
    public static let latencyColumn = "latency_ms"
    /// Fewer measurements cannot be cross-validated.
    public static let minimumRows = 3
    /// A few measurements, not a benchmark: every method is judged by leave-one-out, whose
    /// ridge penalties are chosen by leave-one-out again, so the cost grows with the cube of
    /// the count (60 took 29 s; 150 ran for minutes in silence). HAT's MLP fits up to 128 at once.
    public static let maximumRows = 128
    /// The measured range: between a microsecond and a day (1e308 ms broke every figure after it).
    public static let latencyRange = 1e-3...8.64e7

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
            guard let v = Double(text), v.isFinite, latencyRange.contains(v) else {
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
        if let problem = countProblem(archs.count) { throw SpaceError(file: file, field: nil, problem: problem) }
        return LatencyMeasurements(architectures: archs, latencyMs: latencies)
    }

    /// Why `count` measurements cannot make a device, if they cannot.
    public static func countProblem(_ count: Int) -> String? {
        if count < minimumRows {
            return "\(count) measurement\(count == 1 ? "" : "s"); at least \(minimumRows) are needed"
        }
        if count > maximumRows {
            return
                "\(count) measurements; at most \(maximumRows) (a device is adapted from a few: each method's leave-one-out cost grows with the cube of the count)"
        }
        return nil
    }
}
