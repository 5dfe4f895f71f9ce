import ArgumentParser
import Foundation
import LLMPPCore

struct ArchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "arch",
        abstract: "Print architectures with FLOPs, parameters and latency.",
        discussion:
            "Samples N architectures uniformly (--random N --seed K), or reads them from --file (- for stdin): one architecture in 'name: value' lines, a CSV with one column per dimension (a measurements file's latency_ms is ignored), or 'arch --json' output."
    )

    @OptionGroup var common: CommonOptions
    @Option(help: "Space id (see 'llmpp spaces').") var space: String
    @Option(
        help:
            "Sample this many architectures uniformly (of those the space lists, where it scores only its listed ones)."
    ) var random: Int?
    @Option(help: "Seed of the sampling.") var seed: UInt64 = 0
    @Option(help: "Read architectures from this file (- for stdin): 'name: value' lines, a CSV, or arch --json output.")
    var file: String?
    @Option(help: "Hardware for the latency (default: the space's).") var hardware: String?
    @Flag(help: "Print JSON.") var json = false
    @Flag(
        help:
            "Print a measurements sheet: a CSV with one column per dimension and an empty latency_ms column to fill in on a device, for 'llmpp latency --measurements'."
    )
    var csv = false

    func validate() throws {
        if json && csv { throw ValidationError("give --json or --csv, not both") }
        if random == nil && file == nil { throw ValidationError("give --random N or --file F") }
        if let r = random, r < 1 || r > 100_000 { throw ValidationError("--random must be in 1...100000") }
    }

    func run() throws {
        let s = try common.loadSpace(space)
        let archs = try architectures(s)
        if csv { return print(Self.measurementSheet(archs, space: s), terminator: "") }
        let latency = try latencyModel(s)
        let described = try archs.map { try Self.describe($0, space: s, latency: latency) }
        print(
            json
                ? JSONValue.array(described.map(\.json)).rendered(pretty: true)
                : described.map(\.text).joined(separator: "\n\n"))
    }

    /// The sampled architectures, then the file's.
    func architectures(_ s: SearchSpace) throws -> [Architecture] {
        var archs: [Architecture] = []
        if let n = random {
            var rng = SeededGenerator(seed: seed)
            archs = (0..<n).map { _ in s.randomArchitecture(using: &rng) }
        }
        if let f = file { archs += try ArchitectureFile.architectures(try Self.read(f), file: f, space: s) }
        return archs
    }

    /// A file's text (- reads stdin), refused past the size limit or when it is not UTF-8.
    static func read(_ f: String) throws -> String {
        let data: Data
        if f == "-" {
            data = FileHandle.standardInput.readData(ofLength: ArchitectureCSV.maxBytes + 1)
        } else {
            guard let d = FileManager.default.contents(atPath: f) else { throw CLIError("cannot read \(f)") }
            data = d
        }
        guard data.count <= ArchitectureCSV.maxBytes else {
            throw CLIError("\(f): more than \(ArchitectureCSV.maxBytes) bytes; split the file")
        }
        guard let text = String(data: data, encoding: .utf8) else { throw CLIError("\(f): not UTF-8 text") }
        return text
    }

    /// The latency predictor of the space's device (or --hardware's), where there is one.
    func latencyModel(_ s: SearchSpace) throws -> LatencyModel? {
        guard s.latency != nil || hardware != nil else { return nil }
        let progress = Progress("training the \(hardware ?? s.latency!.defaultHardware) latency predictor")
        return try LatencyModel.make(
            space: s, hardware: hardware, dataDirectory: common.resolvedDataDirectory,
            progress: { progress.update($0, of: $1) })
    }

    /// One architecture's id, costs and latency, as JSON and as text (a header line, then its
    /// 'name: value' lines).
    static func describe(_ a: Architecture, space s: SearchSpace, latency: LatencyModel?) throws -> (
        json: JSONValue, text: String
    ) {
        let flops = try s.flops(a)
        let params = try s.params(a)
        let emb = try s.embeddingParams(a)
        let lat = try latency?.latencyMs(a)
        let json = JSONValue.object([
            ("id", .string(s.id(a))),
            ("arch", s.json(a)),
            ("flops", .number(flops)), ("params", .number(params)),
            ("embedding_params", .number(emb)), ("latency_ms", .number(lat)),
        ])
        var header = "# \(s.id(a))  \(fmt(flops / 1e9, 3)) GFLOPs  \(fmt(params / 1e6, 2))M params"
        if let emb { header += " (+\(fmt(emb / 1e6, 2))M embedding)" }
        if let lat, let latency { header += "  \(fmt(lat, 1)) ms on \(latency.hardware) (\(latency.basis))" }
        return (json, ([header] + s.shape.canonicalLines(a)).joined(separator: "\n"))
    }
}

extension ArchCommand {
    /// The architectures as a measurements file with the latencies left blank.
    static func measurementSheet(_ archs: [Architecture], space: SearchSpace) -> String {
        CSVTable(
            header: space.dimensions.map(\.name) + [LatencyMeasurements.latencyColumn],
            rows: archs.map { a in
                space.dimensions.indices.map { space.shape.text(of: a, dimension: $0, separator: ";") } + [""]
            }
        ).text
    }
}
