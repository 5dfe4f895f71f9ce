import ArgumentParser
import Foundation
import LLMPPCore

struct ArchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "arch",
        abstract: "Print architectures with FLOPs, parameters and latency.",
        discussion:
            "Samples N architectures uniformly (--random N --seed K), or reads one in 'name: value' lines from --file (- for stdin)."
    )

    @OptionGroup var common: CommonOptions
    @Option(help: "Space id (see 'llmpp spaces').") var space: String
    @Option(help: "Sample this many architectures uniformly.") var random: Int?
    @Option(help: "Seed of the sampling.") var seed: UInt64 = 0
    @Option(help: "Read one architecture in 'name: value' lines from this file (- for stdin).") var file: String?
    @Option(help: "Hardware for the latency (default: the space's).") var hardware: String?
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
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
            let text: String
            if f == "-" {
                text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
            } else {
                guard let t = try? String(contentsOfFile: f, encoding: .utf8) else {
                    throw CLIError("cannot read \(f)")
                }
                text = t
            }
            do { archs.append(try s.parse(text)) } catch let e as ArchitectureParseError {
                throw CLIError("\(f): \(e)")
            }
        }
        let latency: LatencyModel? = try s.latency.map { _ in
            let progress = Progress("training the \(hardware ?? s.latency!.defaultHardware) latency predictor")
            return try LatencyModel.make(
                space: s, hardware: hardware, cacheDirectory: common.cacheDirectory,
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
                        "  \(fmt($0, 1)) ms on \(latency!.hardware)\(latency!.isMeasured ? " (measured)" : " (predicted)")"
                    } ?? "")
            ]
            lines += s.shape.canonicalLines(a)
            text.append(lines.joined(separator: "\n"))
        }
        print(json ? JSONValue.array(out).rendered(pretty: true) : text.joined(separator: "\n\n"))
    }
}
