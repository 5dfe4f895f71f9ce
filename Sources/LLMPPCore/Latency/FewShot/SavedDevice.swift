import Foundation

/// A device a user measured a few architectures on, kept under the data directory
/// (`devices/<space>/<name>.json`) with its measurements, so the model can always be
/// refitted from them, and its cross-validated error, so every screen can say what it
/// rests on.
public struct SavedDevice: Sendable, Codable, Equatable {
    public struct Measurement: Sendable, Codable, Equatable {
        /// The architecture's canonical `name: value` lines (what `arch` prints).
        public var architecture: String
        public var latencyMs: Double
    }

    /// Leave-one-out accuracy on the measurements (nil where undefined, e.g. a constant).
    public struct CrossValidation: Sendable, Codable, Equatable {
        public var mape: Double?
        public var kendall: Double?
        public var withinTenPercent: Double?

        public init(_ a: LatencyAccuracy) {
            func finite(_ v: Double) -> Double? { v.isFinite ? v : nil }
            mape = finite(a.meanAbsolutePercentageError)
            kendall = finite(a.kendall)
            withinTenPercent = finite(a.withinTenPercent)
        }
    }

    public static let currentFormat = 1
    public var format: Int
    public var space: String
    public var name: String
    /// The method asked for, and the one it resolved to (they differ for `auto`).
    public var method: LatencyAdaptationMethod
    public var chosen: LatencyAdaptationMethod
    public var sources: [String]
    public var measurements: [Measurement]
    public var crossValidation: CrossValidation
    public var created: String

    public init(
        space: String, name: String, method: LatencyAdaptationMethod, chosen: LatencyAdaptationMethod,
        sources: [String], measurements: [Measurement], crossValidation: CrossValidation, created: Date = Date()
    ) {
        format = Self.currentFormat
        self.space = space
        self.name = name
        self.method = method
        self.chosen = chosen
        self.sources = sources
        self.measurements = measurements
        self.crossValidation = crossValidation
        self.created = ISO8601DateFormatter().string(from: created)
    }

    public static func directory(dataDirectory: String, space: String) -> String {
        ((dataDirectory as NSString).appendingPathComponent("devices") as NSString).appendingPathComponent(space)
    }

    public static func path(dataDirectory: String, space: String, name: String) -> String {
        (directory(dataDirectory: dataDirectory, space: space) as NSString).appendingPathComponent(name + ".json")
    }

    /// A device name is a file name and a command-line value: letters, digits, `_ . -`.
    public static func nameProblem(_ name: String) -> String? {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")
        if name.isEmpty || name.count > 40 { return "a device name has 1 to 40 characters" }
        if name.first == "." || name.first == "-" { return "a device name starts with a letter, digit or _" }
        if !name.allSatisfy(allowed.contains) { return "a device name uses only letters, digits, _ . and -" }
        return nil
    }

    /// Saved devices of a space, by name.
    public static func names(dataDirectory: String, space: String) -> [String] {
        let dir = directory(dataDirectory: dataDirectory, space: space)
        let files = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        return files.filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
    }

    /// nil when no such device was saved; an error naming the file when it cannot be read.
    public static func load(dataDirectory: String, space: String, name: String) throws -> SavedDevice? {
        guard nameProblem(name) == nil else { return nil }
        let p = path(dataDirectory: dataDirectory, space: space, name: name)
        guard let data = FileManager.default.contents(atPath: p) else { return nil }
        do {
            let d = try JSONDecoder().decode(SavedDevice.self, from: data)
            guard d.format == currentFormat else {
                throw SpaceError(
                    file: p, field: "format", problem: "format \(d.format); this llmpp reads format \(currentFormat)")
            }
            guard d.space == space, d.name == name else {
                throw SpaceError(file: p, field: nil, problem: "not a saved \(space) device named \(name)")
            }
            try d.check(file: p)
            return d
        } catch let e as SpaceError {
            throw e
        } catch let e as DecodingError {
            let named = SpaceLoader.decodingError(e, file: p, data: data)
            throw SpaceError(file: p, field: named.field, problem: "not a saved device file: \(named.problem)")
        } catch {
            throw SpaceError(file: p, field: nil, problem: "not a saved device file (\(error))")
        }
    }

    /// The rules a measurements CSV is read by, for a file that may have been edited by hand
    /// (a negative latency or a single measurement stopped the binary in the fit).
    func check(file: String) throws {
        if let problem = LatencyMeasurements.countProblem(measurements.count) {
            throw SpaceError(file: file, field: "measurements", problem: problem)
        }
        for (i, m) in measurements.enumerated() {
            if let problem = LatencyMeasurements.latencyProblem(m.latencyMs, shown: "\(m.latencyMs)") {
                throw SpaceError(file: file, field: "measurements[\(i)].latencyMs", problem: problem)
            }
        }
        if sources.count > 64 {
            throw SpaceError(file: file, field: "sources", problem: "\(sources.count) source devices; at most 64")
        }
    }

    /// Written whole or not at all: a temporary file renamed over the old one.
    public func save(dataDirectory: String) throws -> String {
        let dir = Self.directory(dataDirectory: dataDirectory, space: space)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let p = Self.path(dataDirectory: dataDirectory, space: space, name: name)
        let tmp = p + ".tmp-\(getpid())"
        guard FileManager.default.createFile(atPath: tmp, contents: try encoder.encode(self)) else {
            throw SpaceError(file: p, field: nil, problem: "cannot write the file")
        }
        guard rename(tmp, p) == 0 else {
            unlink(tmp)
            throw SpaceError(file: p, field: nil, problem: "cannot replace the file")
        }
        return p
    }
}
