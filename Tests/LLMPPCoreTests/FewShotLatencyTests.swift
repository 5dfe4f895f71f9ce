import Foundation
import LLMPPTestSupport
import XCTest

@testable import LLMPPCore

/// Few-shot latency: adapting to a device from k measurements, the measurements file, the
/// saved device, and the study's metrics.
final class FewShotLatencyTests: XCTestCase {
    /// NAS-Bench-201's raspi4 latencies as the source, a target that is a known function of them.
    func syntheticDevice(_ relation: (Double) -> Double) throws -> LatencyRows {
        let space = try Repo.space("nb201-cifar10")
        var rows = try LatencyRows.measured(space: space, target: "raspi4", sources: ["raspi4"], cacheDirectory: nil)
        rows.latencyMs = rows.sources.map { relation($0[0]) }
        return rows
    }

    func testALinearRescalingOfAMeasuredDeviceIsRecoveredFromFiveSamples() throws {
        let rows = try syntheticDevice { 2.5 * $0 + 3 }
        let picked = FewShotLatencyStudy.drawIndices(count: rows.count, k: 5, draw: 0)
        let test = rows.removing(picked)
        for method in [LatencyAdaptationMethod.rescale, .crossValidated] {
            let fit = LatencyAdaptation.fit(method, rows.subset(picked))
            XCTAssertEqual(fit.method, .rescale, "\(method) chose \(fit.method)")
            let a = LatencyAccuracy(predicted: fit.predict(test), measured: test.latencyMs)
            XCTAssertLessThan(a.meanAbsolutePercentageError, 1e-9)
            XCTAssertEqual(a.withinTenPercent, 1)
        }
        // A power law (a constant speed-up on logs) is the log line's exact case.
        let power = try syntheticDevice { 0.4 * pow($0, 1.3) }
        let fit = LatencyAdaptation.fit(.logRescale, power.subset(picked))
        let a = LatencyAccuracy(
            predicted: fit.predict(power.removing(picked)), measured: power.removing(picked).latencyMs)
        XCTAssertLessThan(a.meanAbsolutePercentageError, 1e-9)
        XCTAssertEqual(fit.sourceUsed, "raspi4")
    }

    func testTheBestSourceIsChosenAndEveryMethodPredictsPositiveLatencies() throws {
        let space = try Repo.space("nb201-cifar10")
        var rows = try LatencyRows.measured(
            space: space, target: "pixel3", sources: ["fpga", "pixel3"], cacheDirectory: nil)
        rows.latencyMs = rows.sources.map { 1.5 * $0[1] }
        let train = rows.subset(FewShotLatencyStudy.drawIndices(count: rows.count, k: 10, draw: 3))
        XCTAssertEqual(LatencyAdaptation.fit(.rescale, train).sourceUsed, "pixel3")
        for m in LatencyAdaptationMethod.allCases {
            let p = LatencyAdaptation.fit(m, train).predict(rows.subset(Array(0..<200)))
            XCTAssertTrue(p.allSatisfy { $0 > 0 && $0.isFinite }, "\(m)")
        }
        // Without sources, the source methods fall back to the feature ridge.
        let alone = LatencyRows(
            features: train.features, sources: train.features.map { _ in [] }, sourceNames: [],
            latencyMs: train.latencyMs)
        XCTAssertEqual(LatencyAdaptation.fit(.rescale, alone).method, .sourceFeatureRidge)
    }

    /// A fine-tune of a HAT source predictor's output layer: it reads the predictor's last
    /// hidden layer, stays finite far from its points, and falls back to the feature ridge
    /// when the source is measured (NB201).
    func testFineTuneReadsTheSourcePredictorsHiddenLayer() throws {
        let hat = try Repo.space("hat-wmt14ende")
        let config = TrainingConfig(hidden: [16, 16], learningRate: 1e-3, steps: 50, batchSize: 64, seed: 0)
        guard case .predictor(let fs, let tables) = hat.latency?.source else { return XCTFail("HAT predicts latency") }
        let p = LatencyPredictor.train(hardware: "xeon", featureSet: fs, data: tables["xeon"]!, config: config)
        let target = tables["titanxp"]!
        let rows = LatencyRows(
            features: target.features, sources: p.predict(batch: target.features).map { [$0] }, sourceNames: ["xeon"],
            latencyMs: target.latencyMs, embeddings: [0: p.embedding(batch: target.features)])
        XCTAssertEqual(rows.embeddings[0]?.first?.count, 16)
        let picked = FewShotLatencyStudy.drawIndices(count: rows.count, k: 10, draw: 0)
        let fit = LatencyAdaptation.fit(.fineTune, rows.subset(picked))
        XCTAssertEqual(fit.method, .fineTune)
        XCTAssertEqual(fit.sourceUsed, "xeon")
        let predicted = fit.predict(rows.removing(picked))
        XCTAssertTrue(predicted.allSatisfy { $0.isFinite && $0 > 0 })
        // Bounded: no prediction beyond what the line and the fitted residual range allow.
        XCTAssertLessThan(predicted.max()!, 10 * target.latencyMs.max()!)
        let nb201 = try LatencyRows.measured(
            space: try Repo.space("nb201-cifar10"), target: "pixel3", sources: ["fpga"], cacheDirectory: nil)
        XCTAssertEqual(LatencyAdaptation.fit(.fineTune, nb201.subset(Array(0..<10))).method, .sourceFeatureRidge)
    }

    /// A device whose latency is a linear function of HAT's latency terms (layer counts,
    /// MACs) is recovered from ten measurements by the terms ridge, with no source device;
    /// the terms are those the space file names, computed from the feature columns.
    func testTermsRidgeRecoversALinearDeviceWithoutSources() throws {
        let hat = try Repo.space("hat-wmt14ende")
        let spec = try XCTUnwrap(hat.latency)
        XCTAssertEqual(
            spec.terms.map(\.name),
            ["encoder layers", "decoder layers", "encoder GMACs", "decoder GMACs", "output GMACs"])
        guard case .predictor(_, let tables) = spec.source else { return XCTFail("HAT predicts latency") }
        let data = tables["titanxp"]!
        let terms = try data.features.map(spec.termValues)
        // The first row of the table, by hand: 6 encoder and 6 decoder layers, and the
        // output projection's 30 x 512 x 32768 MACs.
        XCTAssertEqual(terms[0][0], 6)
        XCTAssertEqual(terms[0][1], data.features[0][5])
        XCTAssertEqual(terms[0][4], 30 * data.features[0][4] * 32768 / 1e9, accuracy: 1e-12)
        let truth = terms.map { 3 + 4 * $0[1] + 2.5 * $0[2] + 0.7 * $0[3] + 1.1 * $0[4] }
        let rows = LatencyRows(
            features: data.features, sources: data.features.map { _ in [] }, sourceNames: [], latencyMs: truth,
            terms: terms)
        let picked = FewShotLatencyStudy.drawIndices(count: rows.count, k: 10, draw: 1)
        let fit = LatencyAdaptation.fit(.termsRidge, rows.subset(picked))
        XCTAssertEqual(fit.method, .termsRidge)
        let test = rows.removing(picked)
        let a = LatencyAccuracy(predicted: fit.predict(test), measured: test.latencyMs)
        XCTAssertLessThan(a.meanAbsolutePercentageError, 0.01, "the smallest penalty leaves a ~0.1% bias")
        XCTAssertEqual(a.withinTenPercent, 1)
        // `auto` sees it too (its leave-one-out error is the lowest here).
        XCTAssertEqual(LatencyAdaptation.fit(.crossValidated, rows.subset(picked)).method, .termsRidge)
        // Without terms (NB201 names none) it is the feature ridge.
        let nb201 = try LatencyRows.measured(
            space: try Repo.space("nb201-cifar10"), target: "pixel3", sources: ["fpga"], cacheDirectory: nil)
        XCTAssertFalse(nb201.hasTerms)
        XCTAssertEqual(LatencyAdaptation.fit(.termsRidge, nb201.subset(Array(0..<10))).method, .sourceFeatureRidge)
    }

    /// The study's numbers against a computation written out here: the same draw, the same
    /// fit, the metrics by their definitions (Kendall pair by pair).
    func testStudyMetricsMatchAnIndependentComputation() throws {
        let space = try Repo.space("nb201-cifar10")
        let all = try LatencyRows.measured(space: space, target: "eyeriss", sources: ["fpga"], cacheDirectory: nil)
        let rows = all.subset(Array(0..<120))
        let records = FewShotLatencyStudy.run(target: "eyeriss", rows: rows, ks: [5], draws: 2, methods: [.rescale])
        XCTAssertEqual(records.count, 2)
        for r in records {
            let picked = FewShotLatencyStudy.drawIndices(count: 120, k: 5, draw: r.draw)
            XCTAssertEqual(Set(picked).count, 5)
            let x = picked.map { rows.sources[$0][0] }
            let y = picked.map { rows.latencyMs[$0] }
            let mx = x.reduce(0, +) / 5
            let my = y.reduce(0, +) / 5
            var sxy = 0.0
            var sxx = 0.0
            for i in 0..<5 {
                sxy += (x[i] - mx) * (y[i] - my)
                sxx += (x[i] - mx) * (x[i] - mx)
            }
            let slope = sxy / sxx
            let rest = (0..<120).filter { !picked.contains($0) }
            let predicted = rest.map { max(my + slope * (rows.sources[$0][0] - mx), 1e-6) }
            let truth = rest.map { rows.latencyMs[$0] }
            let relative = zip(predicted, truth).map { abs($0 - $1) / $1 }
            XCTAssertEqual(
                r.accuracy.meanAbsolutePercentageError, relative.reduce(0, +) / Double(rest.count), accuracy: 1e-12)
            XCTAssertEqual(
                r.accuracy.withinTenPercent, Double(relative.filter { $0 <= 0.1 }.count) / Double(rest.count),
                accuracy: 1e-12)
            XCTAssertEqual(r.accuracy.kendall, Metrics.pairwiseTauB(predicted, truth), accuracy: 1e-12)
            XCTAssertEqual(r.accuracy.count, 115)
        }
    }

    func testMeasurementsFileErrorsNameFileLineAndColumn() throws {
        let space = try Repo.space("nb201-cifar10")
        let head = "e10,e20,e21,e30,e31,e32,latency_ms"
        let arch = [
            "nor_conv_3x3,skip_connect,none,avg_pool_3x3,nor_conv_1x1,nor_conv_3x3",
            "none,none,none,none,none,skip_connect", "nor_conv_1x1,nor_conv_1x1,nor_conv_1x1,nor_conv_1x1,none,none",
        ]
        func parse(_ lines: [String]) throws -> LatencyMeasurements {
            try LatencyMeasurements.parse(
                CSVTable.parse(lines.joined(separator: "\n"), file: "m.csv"), file: "m.csv", space: space)
        }
        func message(_ lines: [String]) -> String {
            do {
                _ = try parse(lines)
                return "no error"
            } catch { return "\(error)" }
        }
        XCTAssertEqual(
            try parse([head, arch[0] + ",3.5", arch[1] + ",1", arch[2] + ",2.25"]).latencyMs, [3.5, 1, 2.25])
        XCTAssertEqual(
            message(["e10,e20,e21,e30,e31,e32", arch[0]]), "m.csv: no 'latency_ms' column (the measured latency in ms)")
        XCTAssertEqual(
            message(["e10,e20,e21,e30,e31,latency_ms", "none,none,none,none,none,1"]),
            "m.csv: no column for dimension 'node3-from-node2' (or 'e32')")
        XCTAssertTrue(
            message([head + ",gpu", arch[0] + ",1,x"]).hasPrefix(
                "m.csv: column 'gpu': not a dimension of nb201-cifar10"))
        XCTAssertEqual(
            message([head, arch[0] + ",1", "none,none,none,none,none,conv9,2"]),
            "m.csv: line 3: 'node3-from-node2': 'conv9' is not one of none, skip_connect, nor_conv_1x1, nor_conv_3x3, avg_pool_3x3"
        )
        XCTAssertEqual(
            message([head, arch[0] + ",1", arch[1] + ",-2"]),
            "m.csv: line 3, column 'latency_ms': '-2' is not a number of milliseconds in 0.001...86400000")
        XCTAssertEqual(
            message([head, arch[0] + ",fast"]),
            "m.csv: line 2, column 'latency_ms': 'fast' is not a number of milliseconds in 0.001...86400000")
        // A spreadsheet's blank line counts: the row is named by its own line (it was line 3 here).
        XCTAssertEqual(
            message([head, arch[0] + ",1", "", arch[1] + ",-2"]),
            "m.csv: line 4, column 'latency_ms': '-2' is not a number of milliseconds in 0.001...86400000")
        XCTAssertEqual(
            message([head, "", arch[0] + ",1", "none,none,none,none,none,conv9,2"]),
            "m.csv: line 4: 'node3-from-node2': 'conv9' is not one of none, skip_connect, nor_conv_1x1, nor_conv_3x3, avg_pool_3x3"
        )
        // 1e308 ms was accepted and broke every figure after it.
        XCTAssertEqual(
            message([head, arch[0] + ",1e308"]),
            "m.csv: line 2, column 'latency_ms': '1e308' is not a number of milliseconds in 0.001...86400000")
        XCTAssertEqual(message([head, arch[0] + ",1", arch[1] + ",2"]), "m.csv: 2 measurements; at least 3 are needed")
        XCTAssertTrue(
            message([head, arch[0] + ",1", arch[1] + ",2", arch[0] + ",3"]).hasPrefix(
                "m.csv: line 4: the same architecture as line 2"))
        XCTAssertEqual(
            message(["e10,node1-from-node0,e20,e21,e30,e31,e32,latency_ms"]),
            "m.csv: column 'node1-from-node0': 'node1-from-node0' is already given by column 1")
        // Hostile bytes come back escaped, never raw.
        XCTAssertFalse(message([head, arch[0] + ",\u{1b}[2J"]).contains("\u{1b}"))
    }

    /// A saved device refits to the same model, and a search constraint reads it like a built-in one.
    func testASavedDeviceRefitsAndIsFoundByName() throws {
        let space = try Repo.space("nb201-cifar10")
        let pool = space.latencyPool
        let raspi = try LatencyModel.make(space: space, hardware: "raspi4", cacheDirectory: nil)
        let picked = Array(pool.prefix(8))
        let m = LatencyMeasurements(architectures: picked, latencyMs: try raspi.latencyMs(picked).map { 3 * $0 + 0.5 })
        let dir = Repo.tempDirectory()
        let (model, device, _) = try LatencyModel.adapt(
            space: space, name: "jetson-nano", measurements: m, method: .crossValidated, sources: ["raspi4", "fpga"],
            cacheDirectory: nil)
        XCTAssertEqual(device.chosen, .rescale)
        XCTAssertEqual(device.crossValidation.mape ?? 1, 0, accuracy: 1e-9)
        _ = try device.save(dataDirectory: dir)
        let loaded = try LatencyModel.make(space: space, hardware: "jetson-nano", dataDirectory: dir)
        let probe = Array(pool[100..<140])
        XCTAssertEqual(try loaded.latencyMs(probe), try model.latencyMs(probe))
        for (p, r) in zip(try loaded.latencyMs(probe), try raspi.latencyMs(probe)) {
            XCTAssertEqual(p, 3 * r + 0.5, accuracy: 1e-9)
        }
        XCTAssertTrue(loaded.basis.hasPrefix("adapted from 8 measurements (rescale of raspi4"), loaded.basis)
        XCTAssertEqual(SavedDevice.names(dataDirectory: dir, space: space.id), ["jetson-nano"])
        // An unknown name lists the built-in and the saved devices and the way to add one.
        XCTAssertThrowsError(try LatencyModel.make(space: space, hardware: "phone", dataDirectory: dir)) {
            let s = "\($0)"
            XCTAssertTrue(s.contains("saved: jetson-nano") && s.contains("llmpp latency --space nb201-cifar10"), s)
        }
        // A damaged file is named, not crashed on.
        try "{".write(
            toFile: SavedDevice.path(dataDirectory: dir, space: space.id, name: "jetson-nano"), atomically: true,
            encoding: .utf8)
        XCTAssertThrowsError(try LatencyModel.make(space: space, hardware: "jetson-nano", dataDirectory: dir)) {
            XCTAssertTrue("\($0)".contains("not a saved device file"), "\($0)")
        }
        XCTAssertNotNil(SavedDevice.nameProblem("../etc"))
        XCTAssertNotNil(SavedDevice.nameProblem(""))
        XCTAssertNil(SavedDevice.nameProblem("jetson_orin-8GB.v2"))
    }
}
