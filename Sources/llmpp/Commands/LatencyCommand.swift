import ArgumentParser
import Foundation
import LLMPPCore

struct LatencyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "latency",
        abstract:
            "Report each device's latency model, or add a new device from a few measurements (--measurements).",
        discussion: """
            Without --measurements: trains (or loads) each built-in device's predictor and reports its error on held-out
            measurements (for spaces measured for every architecture, such as nb201-cifar10, summarises them), then lists
            the devices saved from measurements.

            With --hardware NAME --measurements FILE.csv: FILE has one column per dimension of the space (name or alias;
            per-layer values joined by ';' as in the space's tables) and latency_ms. A model for NAME is adapted from
            those k rows (--method, default auto: the method with the lowest leave-one-out error), its leave-one-out error
            on the k rows reported, and the device saved under the data directory; from then on --hardware NAME works in
            search, explore and arch.
            """
    )

    @OptionGroup var common: CommonOptions
    @Option(help: "Space id.") var space: String
    @Option(help: "Hardware (default: every hardware of the space).") var hardware: String?
    @Option(help: "Training steps (default 2000).") var steps: Int?
    @Option(name: .customLong("lr"), help: "Adam learning rate (default 1e-3).") var learningRate: Double?
    @Flag(help: "Ignore the cached predictor and train again.") var retrain = false
    @Option(help: "CSV of a new device's measurements (with --hardware NAME): adapt, report and save its model.")
    var measurements: String?
    @Option(help: "Adaptation method: \(LatencyAdaptationMethod.allCases.map(\.rawValue).joined(separator: ", ")).")
    var method: LatencyAdaptationMethod = .crossValidated
    @Option(help: "Source devices the adaptation may read (default: every built-in device of the space).")
    var sources: String?
    @Flag(help: "Replace a device saved before under the same name.") var replace = false
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        if measurements != nil && hardware == nil {
            throw ValidationError("--measurements needs --hardware NAME: the name the new device is saved under")
        }
        if let h = hardware, measurements != nil, let p = SavedDevice.nameProblem(h) {
            throw ValidationError("--hardware '\(h)': \(p)")
        }
    }

    func run() throws {
        let s = try common.loadSpace(space)
        if let measurements, let hardware {
            return try adapt(s, name: hardware, file: measurements)
        }
        guard let spec = s.latency else {
            let saved = SavedDevice.names(dataDirectory: common.resolvedDataDirectory, space: s.id)
            guard !saved.isEmpty else { throw CLIError("space '\(space)' has no latency data") }
            return printSaved(s, saved, json: json)
        }
        var config = LatencyPredictor.defaultConfig
        if let steps { config.steps = steps }
        if let learningRate { config.learningRate = learningRate }
        if let h = hardware, !spec.hardware.contains(h) {
            // Not built in: a saved device, or an error listing both kinds.
            _ = try LatencyModel.make(space: s, hardware: h, dataDirectory: common.resolvedDataDirectory)
            return printSaved(s, [h], json: json)
        }
        let hws = hardware.map { [$0] } ?? spec.hardware
        let described = try hws.map { hw in
            let progress = Progress("training the \(hw) latency predictor")
            let model = try LatencyModel.make(
                space: s, hardware: hw, cacheDirectory: retrain ? nil : common.cacheDirectory,
                config: config, progress: { progress.update($0, of: $1) })
            return try Self.describe(
                model, hardware: hw, space: s,
                // A reference that cannot be computed (a term a row does not evaluate) leaves the
                // predictor's report as it is.
                reference: (try? LatencyTermsReference.of(space: s, hardware: hw, config: config)) ?? nil)
        }
        if json {
            print(
                JSONValue.object([("space", .string(s.id)), ("latency", .array(described.map(\.0)))]).rendered(
                    pretty: true))
        } else {
            printDevices(s, described.flatMap(\.1), measured: spec.isMeasured)
        }
    }

    /// The built-in devices' table, what its figures are, and the saved devices after it.
    func printDevices(_ s: SearchSpace, _ rows: [[String]], measured: Bool) {
        var table =
            measured
            ? TextTable(header: ["hardware", "architectures measured", "min ms", "median ms", "max ms"])
            : TextTable(header: [
                "hardware", "predictor", "train rows", "held-out rows", "MAE ms", "mean rel. error", "Kendall",
                "steps",
            ])
        table.rows = rows
        print(table.render())
        if measured {
            print("\nLatency is measured for every architecture of \(s.id); no predictor is needed.")
        } else {
            print(
                "\nError on the held-out 20% of each measured table (never trained on); predictors cached in \(common.cacheDirectory)."
                    + (rows.contains { $0[1].hasPrefix("least squares") }
                        ? "\nThe least-squares rows are the simple reference: latency as a line in the space's latency terms, fitted on the same training rows."
                        : ""))
        }
        let saved = SavedDevice.names(dataDirectory: common.resolvedDataDirectory, space: s.id)
        if hardware == nil && !saved.isEmpty {
            print("")
            printSaved(s, saved, json: false)
        }
    }
}

extension LatencyCommand {
    /// One device's lines: a predictor's held-out accuracy with its simple reference's beside
    /// it, or the spread of a measured table.
    static func describe(
        _ model: LatencyModel, hardware hw: String, space s: SearchSpace, reference: LatencyTermsReference?
    ) throws -> (JSONValue, [[String]]) {
        if let p = model.predictor {
            let r = p.report
            let referenceJSON: JSONValue =
                reference.map { ref in
                    .object([
                        ("name", .string(ref.name)), ("train_rows", .number(Double(ref.trainRows))),
                        ("mae_ms", .number(ref.maeMs)),
                        ("mean_relative_error", .number(ref.heldOut.meanAbsolutePercentageError)),
                        ("kendall", .number(ref.heldOut.kendall)),
                        ("within_ten_percent", .number(ref.heldOut.withinTenPercent)),
                    ])
                } ?? .null
            let referenceRow = reference.map { ref in
                [
                    hw, ref.name, "\(ref.trainRows)", "\(ref.heldOut.count)", fmt(ref.maeMs, 2),
                    fmt(ref.heldOut.meanAbsolutePercentageError * 100, 2) + "%", fmt(ref.heldOut.kendall, 3), "-",
                ]
            }
            return (
                .object([
                    ("hardware", .string(hw)), ("kind", "predictor"), ("train_rows", .number(Double(r.trainRows))),
                    ("held_out_rows", .number(Double(r.heldOutRows))), ("mae_ms", .number(r.maeMs)),
                    ("mean_relative_error", .number(r.meanRelativeError)), ("kendall", .number(r.kendall)),
                    ("steps", .number(Double(r.steps))), ("final_train_loss", .number(r.finalTrainLoss)),
                    ("reference", referenceJSON),
                ]),
                [
                    [
                        hw, "MLP " + p.shape, "\(r.trainRows)", "\(r.heldOutRows)", fmt(r.maeMs, 2),
                        fmt(r.meanRelativeError * 100, 2) + "%", fmt(r.kendall, 3), "\(r.steps)",
                    ]
                ] + (referenceRow.map { [$0] } ?? [])
            )
        }
        let lat = try s.latencyPool.map { try model.latencyMs($0) }.sorted()
        return (
            .object([
                ("hardware", .string(hw)), ("kind", "measured"), ("architectures", .number(Double(lat.count))),
                ("min_ms", .number(lat.min())), ("median_ms", .number(lat[safe: lat.count / 2])),
                ("max_ms", .number(lat.max())),
            ]),
            [[hw, "\(lat.count)", fmt(lat.first), fmt(lat[safe: lat.count / 2]), fmt(lat.last)]]
        )
    }
}

extension LatencyCommand {
    /// Adapts a model for a new device from its measurements and saves it.
    func adapt(_ s: SearchSpace, name: String, file: String) throws {
        let sourceNames = try checkNewDevice(s, name: name)
        let m = try LatencyMeasurements.read(path: file, space: s)
        // Dozens of measurements take minutes (leave-one-out inside leave-one-out): say so.
        StandardError.line("fitting \(name) from \(m.latencyMs.count) measurements (\(method.rawValue))...")
        let (model, device, rows) = try LatencyModel.adapt(
            space: s, name: name, measurements: m, method: method, sources: sourceNames,
            cacheDirectory: common.cacheDirectory)
        // Each method that can run here (a method that would fall back to another is not
        // listed under its own name).
        let candidates = LatencyAdaptationMethod.allCases.filter {
            $0 != .crossValidated && (!$0.needsSources || !device.sources.isEmpty)
                && ($0 != .termsRidge || rows.hasTerms)
        }
        let progress = Progress("comparing the methods by leave-one-out")
        progress.update(0, of: candidates.count)
        let scored = candidates.enumerated().map { i, c in
            defer { progress.update(i + 1, of: candidates.count) }
            return (c, LatencyAdaptation.crossValidate(c, rows))
        }
        let path = try device.save(dataDirectory: common.resolvedDataDirectory)
        let report = AdaptationReport(
            space: s.id, name: name, file: file, path: path, measurements: m.latencyMs.count, method: method,
            chosen: device.chosen, basis: model.basis, scored: scored, folders: common.namedFolders)
        print(json ? report.json.rendered(pretty: true) : report.text)
    }

    /// The new device's name (not built in, not saved unless --replace) and its source devices
    /// (built in, present where the method needs them); the sources named, nil for all.
    func checkNewDevice(_ s: SearchSpace, name: String) throws -> [String]? {
        if s.latency?.hardware.contains(name) ?? false {
            throw CLIError("'\(name)' is a built-in device of \(s.id); give the new device another name")
        }
        let dataDirectory = common.resolvedDataDirectory
        if !replace, (try? SavedDevice.load(dataDirectory: dataDirectory, space: s.id, name: name)) ?? nil != nil {
            throw CLIError(
                "a device '\(name)' is already saved for \(s.id) (\(SavedDevice.path(dataDirectory: dataDirectory, space: s.id, name: name))); --replace replaces it"
            )
        }
        let sourceNames = sources.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
        if let unknown = sourceNames?.first(where: { !(s.latency?.hardware.contains($0) ?? false) }) {
            throw CLIError("--sources: '\(unknown)' is not a built-in device of \(s.id)")
        }
        if method.needsSources && (sourceNames ?? s.latency?.hardware ?? []).isEmpty {
            throw CLIError("--method \(method.rawValue) needs a source device, and \(s.id) has none")
        }
        if method == .termsRidge && (s.latency?.terms.isEmpty ?? true) {
            throw CLIError(
                "--method terms-ridge needs latency terms, and \(s.id) names none (latency.terms in its space file)")
        }
        return sourceNames
    }

    func printSaved(_ s: SearchSpace, _ names: [String], json: Bool) {
        var rows: [JSONValue] = []
        var t = TextTable(header: ["saved device", "measurements", "method", "sources", "leave-one-out MAPE"])
        for n in names {
            do {
                guard let d = try SavedDevice.load(dataDirectory: common.resolvedDataDirectory, space: s.id, name: n)
                else {
                    t.rows.append([n, "-", "-", "-", "not saved: add it with --measurements FILE.csv"])
                    continue
                }
                rows.append(
                    .object([
                        ("hardware", .string(n)), ("kind", "adapted"),
                        ("measurements", .number(Double(d.measurements.count))), ("method", .string(d.chosen.rawValue)),
                        ("sources", .array(d.sources.map { .string($0) })),
                        ("leave_one_out_mape", .number(d.crossValidation.mape)),
                    ]))
                t.rows.append([
                    n, "\(d.measurements.count)", d.chosen.rawValue, d.sources.joined(separator: ", "),
                    d.crossValidation.mape.map { fmt($0 * 100, 1) + "%" } ?? "-",
                ])
            } catch {
                t.rows.append([n, "-", "-", "-", "unreadable: \(error)"])
            }
        }
        print(
            json
                ? JSONValue.object([("space", .string(s.id)), ("saved", .array(rows))]).rendered(pretty: true)
                : t.render())
    }
}

extension LatencyAdaptationMethod: ExpressibleByArgument {}

extension Array {
    subscript(safe i: Int) -> Element? { indices.contains(i) ? self[i] : nil }
}
