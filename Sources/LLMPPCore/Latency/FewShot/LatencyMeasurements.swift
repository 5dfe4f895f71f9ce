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
        var latencies: [Double] = []
        for (r, row) in table.rows.enumerated() {
            let field = "line \(table.line(ofRow: r)), column '\(latencyColumn)'"
            let text = row[lc].trimmingCharacters(in: .whitespaces)
            if text.isEmpty {
                throw SpaceError(
                    file: file, field: field,
                    problem: "empty: measure this architecture and write its latency in ms (or delete the row)")
            }
            let v = Double(text) ?? .nan  // not a number: refused below with the others
            if let problem = latencyProblem(v, shown: "'\(text.prefix(40).escapingControlCharacters)'") {
                throw SpaceError(file: file, field: field, problem: problem)
            }
            latencies.append(v)
        }
        if let (r, earlier) = firstRepeat(archs, space: space) {
            throw SpaceError(
                file: file, field: "line \(table.line(ofRow: r))",
                problem: "the same architecture as line \(table.line(ofRow: earlier)) (\(space.id(archs[r])))")
        }
        if let problem = countProblem(archs.count) { throw SpaceError(file: file, field: nil, problem: problem) }
        return LatencyMeasurements(architectures: archs, latencyMs: latencies)
    }

    /// Why `value` is not a measured latency, if it is not; `shown` is how the message names it.
    /// The CSV and a saved device (a file that may have been edited by hand) share the rule.
    public static func latencyProblem(_ value: Double, shown: String) -> String? {
        guard value.isFinite, latencyRange.contains(value) else {
            return "\(shown) is not a number of milliseconds in 0.001...86400000"
        }
        return nil
    }

    /// The first architecture that repeats an earlier one, and that earlier one (indices): two
    /// latencies for one architecture would weigh it twice in every leave-one-out fit.
    public static func firstRepeat(_ archs: [Architecture], space: SearchSpace) -> (index: Int, earlier: Int)? {
        var first: [String: Int] = [:]
        for (i, a) in archs.enumerated() {
            let id = space.id(a)
            if let earlier = first[id] { return (i, earlier) }
            first[id] = i
        }
        return nil
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
