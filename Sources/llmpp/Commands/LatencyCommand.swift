import ArgumentParser
import Foundation
import LLMPPCore

struct LatencyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "latency",
        abstract: "Train (or load) the latency predictor and report its error on held-out measurements.",
        discussion:
            "For spaces with measured latency for every architecture (nb201-cifar10) there is nothing to predict; the command says so and summarises the measurements."
    )

    @OptionGroup var common: CommonOptions
    @Option(help: "Space id.") var space: String
    @Option(help: "Hardware (default: every hardware of the space).") var hardware: String?
    @Option(help: "Training steps (default 2000).") var steps: Int?
    @Option(name: .customLong("lr"), help: "Adam learning rate (default 1e-3).") var learningRate: Double?
    @Flag(help: "Ignore the cached predictor and train again.") var retrain = false
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let s = try common.loadSpace(space)
        guard let spec = s.latency else { throw CLIError("space '\(space)' has no latency data") }
        var config = LatencyPredictor.defaultConfig
        if let steps { config.steps = steps }
        if let learningRate { config.learningRate = learningRate }
        let hws = hardware.map { [$0] } ?? spec.hardware
        var rows: [JSONValue] = []
        let measured: Bool = { if case .measured = spec.source { return true } else { return false } }()
        var table =
            measured
            ? TextTable(header: ["hardware", "architectures measured", "min ms", "median ms", "max ms"])
            : TextTable(header: [
                "hardware", "train rows", "held-out rows", "MAE ms", "mean rel. error", "Kendall", "steps",
            ])
        for hw in hws {
            let progress = Progress("training the \(hw) latency predictor")
            let model = try LatencyModel.make(
                space: s, hardware: hw, cacheDirectory: retrain ? nil : common.cacheDirectory,
                config: config, progress: { progress.update($0, of: $1) })
            if let r = model.predictor?.report {
                rows.append(
                    .object([
                        ("hardware", .string(hw)), ("kind", "predictor"), ("train_rows", .number(Double(r.trainRows))),
                        ("held_out_rows", .number(Double(r.heldOutRows))), ("mae_ms", .number(r.maeMs)),
                        ("mean_relative_error", .number(r.meanRelativeError)), ("kendall", .number(r.kendall)),
                        ("steps", .number(Double(r.steps))), ("final_train_loss", .number(r.finalTrainLoss)),
                    ]))
                table.rows.append([
                    hw, "\(r.trainRows)", "\(r.heldOutRows)", fmt(r.maeMs, 2),
                    fmt(r.meanRelativeError * 100, 2) + "%", fmt(r.kendall, 3), "\(r.steps)",
                ])
            } else {
                let pool = s.pools.values.sorted().first.map { s.tables[$0].architectures } ?? []
                let lat = try pool.map { try model.latencyMs($0) }.sorted()
                rows.append(
                    .object([
                        ("hardware", .string(hw)), ("kind", "measured"), ("architectures", .number(Double(lat.count))),
                        ("min_ms", .number(lat.min())), ("median_ms", .number(lat[safe: lat.count / 2])),
                        ("max_ms", .number(lat.max())),
                    ]))
                table.rows.append([hw, "\(lat.count)", fmt(lat.first), fmt(lat[safe: lat.count / 2]), fmt(lat.last)])
            }
        }
        if json {
            print(JSONValue.object([("space", .string(s.id)), ("latency", .array(rows))]).rendered(pretty: true))
        } else {
            print(table.render())
            if measured {
                print("\nLatency is measured for every architecture of \(s.id); no predictor is needed.")
            } else {
                print(
                    "\nError on the held-out 20% of each measured table (never trained on); predictors cached in \(common.cacheDirectory)."
                )
            }
        }
    }
}

extension Array {
    subscript(safe i: Int) -> Element? { indices.contains(i) ? self[i] : nil }
}
