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
    @Option(help: "Sample this many architectures uniformly.") var random: Int?
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
        var archs: [Architecture] = []
        if let n = random {
            var rng = SeededGenerator(seed: seed)
            archs = (0..<n).map { _ in s.shape.random(using: &rng) }
        }
        if let f = file {
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
            archs += try ArchitectureFile.architectures(text, file: f, space: s)
        }
        if csv { return print(Self.measurementSheet(archs, space: s), terminator: "") }
        var latency: LatencyModel? = nil
        if s.latency != nil || hardware != nil {
            let progress = Progress("training the \(hardware ?? s.latency!.defaultHardware) latency predictor")
            latency = try LatencyModel.make(
                space: s, hardware: hardware, dataDirectory: common.resolvedDataDirectory,
                progress: { progress.update($0, of: $1) })
        }
        var out: [JSONValue] = []
        var text: [String] = []
        for a in archs {
            let flops = try s.flops(a)
            let params = try s.params(a)
            let emb = try s.embeddingParams(a)
            let lat = try latency?.latencyMs(a)
            out.append(
                .object([
                    ("id", .string(s.id(a))),
                    ("arch", s.json(a)),
                    ("flops", .number(flops)), ("params", .number(params)),
                    ("embedding_params", .number(emb)), ("latency_ms", .number(lat)),
                ]))
            var lines = [
                "# \(s.id(a))  \(fmt(flops / 1e9, 3)) GFLOPs  \(fmt(params / 1e6, 2))M params"
                    + (emb.map { " (+\(fmt($0 / 1e6, 2))M embedding)" } ?? "")
                    + (lat.map {
                        "  \(fmt($0, 1)) ms on \(latency!.hardware) (\(latency!.basis))"
                    } ?? "")
            ]
            lines += s.shape.canonicalLines(a)
            text.append(lines.joined(separator: "\n"))
        }
        print(json ? JSONValue.array(out).rendered(pretty: true) : text.joined(separator: "\n\n"))
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
