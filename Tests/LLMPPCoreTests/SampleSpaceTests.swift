import XCTest

@testable import LLMPPCore

/// The sample spaces load, have the data the issue lists, and their closed-form
/// efficiency matches every record of the data.
final class SampleSpaceTests: XCTestCase {
    let hatIDs = ["hat-wmt14ende", "hat-wmt14enfr", "hat-wmt19ende"]

    func testCatalogListsTheFourSpaces() {
        XCTAssertEqual(Fixtures.catalog.ids, ["hat-wmt14ende", "hat-wmt14enfr", "hat-wmt19ende", "nb201-cifar10"])
    }

    func testHATSpacesHaveTheirData() throws {
        let hardware = [
            "hat-wmt14ende": ["raspberrypi", "titanxp", "xeon"], "hat-wmt14enfr": ["raspberrypi", "titanxp", "xeon"],
            "hat-wmt19ende": ["titanxp"],
        ]
        for id in hatIDs {
            let s = try Fixtures.space(id)
            XCTAssertEqual(s.dimensions.count, 10)
            XCTAssertEqual(s.shape.geneLength, 2 + 6 + 6 + 2 + 6 * 4)  // scalars + 6 slots per per-layer dimension
            let l = try XCTUnwrap(s.labelled)
            XCTAssertEqual(s.tables[l.table].architectures.count, 30)
            XCTAssertEqual(l.splits.map(\.seed), ["123", "456", "789"])
            for sp in l.splits {
                XCTAssertEqual(sp.train.count, 10)
                XCTAssertEqual(sp.test.count, 20)
                XCTAssertTrue(Set(sp.train).isDisjoint(with: sp.test))
            }
            XCTAssertEqual(
                l.baselines.map(\.name), ["HAT", "Supernet (Sandwich)", "Layer-wise MoS", "Neuron-wise MoS"])
            XCTAssertEqual(try XCTUnwrap(s.pool("unlabeled")).count, 8500)
            XCTAssertEqual(Set(try XCTUnwrap(s.pool("unlabeled")).map(s.id)).count, 8500, "the 8,500 are distinct")
            XCTAssertEqual(s.latency?.hardware, hardware[id])
            XCTAssertEqual(s.shape.size, 2 * 46656 * 2 * (1...6).reduce(0) { $0 + pow(36, Double($1)) })
        }
    }

    /// FLOPs, last-layer FLOPs, parameters and embedding parameters in closed form equal the
    /// data's figures on all 90 trained architectures.
    func testHATEfficiencyMatchesAllLabelledRecords() throws {
        var checked = 0
        for id in hatIDs {
            let s = try Fixtures.space(id)
            let l = try XCTUnwrap(s.labelled)
            let archs = s.tables[l.table].architectures
            for (r, a) in archs.enumerated() {
                let row = (l.table, r)
                XCTAssertEqual(
                    try s.flops(a), try s.evaluate(l.recorded["flops"]!, a, row: row), "\(id) row \(r) flops")
                XCTAssertEqual(
                    try s.evaluate(s.efficiency.lastLayerFlops!, a),
                    try s.evaluate(l.recorded["last_layer_flops"]!, a, row: row))
                XCTAssertEqual(
                    try s.params(a), try s.evaluate(l.recorded["params"]!, a, row: row), "\(id) row \(r) params")
                XCTAssertEqual(try s.embeddingParams(a), try s.evaluate(l.recorded["embedding_params"]!, a, row: row))
                checked += 1
            }
        }
        XCTAssertEqual(checked, 90)
    }

    /// All 8,500 unlabeled architectures: total FLOPs with the WMT'14 En-De vocabulary (the
    /// data's column) equal the formula.
    func testHATFlopsMatchAllUnlabeledRecords() throws {
        let s = try Fixtures.space("hat-wmt14ende")
        XCTAssertEqual(s.constants["V"], 32768)
        let t = try XCTUnwrap(s.table(named: "unlabeled"))
        let col = try XCTUnwrap(t.columnIndex("total_flops_wmt14ende_vocab"))
        var mismatches = 0
        for (r, a) in t.architectures.enumerated() {
            guard case .number(let recorded) = t.cells[r][col] else { return XCTFail("row \(r) not a number") }
            if try s.flops(a) != recorded { mismatches += 1 }
        }
        XCTAssertEqual(t.architectures.count, 8500)
        XCTAssertEqual(mismatches, 0)
    }

    func testNB201SpaceData() throws {
        let s = try Fixtures.space("nb201-cifar10")
        let all = try XCTUnwrap(s.pool("all"))
        XCTAssertEqual(all.count, 15625)
        XCTAssertEqual(s.shape.size, 15625)
        XCTAssertEqual(Set(all.map(s.id)).count, 15625)
        XCTAssertEqual(s.latency?.hardware.count, 27)
        // A cell known from the data: index 1 of NAS-Bench-201.
        let a = try s.parse(
            """
            node1-from-node0: nor_conv_3x3
            node2-from-node0: nor_conv_3x3
            node2-from-node1: avg_pool_3x3
            node3-from-node0: skip_connect
            node3-from-node1: nor_conv_3x3
            node3-from-node2: skip_connect
            """)
        XCTAssertEqual(try s.flops(a), 116.692672e6, accuracy: 1)
        XCTAssertEqual(try s.params(a), 0.802426e6, accuracy: 1)
        XCTAssertEqual(try s.lookup(s.labelled!.truth["valid"]!, a) ?? 0, 90.76933332, accuracy: 1e-6)
        XCTAssertEqual(try s.evaluate(s.cheapEvaluation!, a), 82.834, accuracy: 1e-6)
        let m = try LatencyModel.make(space: s, hardware: "raspi4", cacheDirectory: nil)
        XCTAssertTrue(m.isMeasured)
        XCTAssertEqual(try m.latencyMs(a), 54.7774, accuracy: 1e-9)
        XCTAssertEqual(s.featureSets["onehot"]?.count, 30)
        XCTAssertEqual(try s.features(a, set: "onehot").reduce(0, +), 6)
    }

    /// The split files of the paper (shared data, when present beside the checkout) agree
    /// with the space's converted table: same test architectures and BLEU per seed.
    func testSplitsAgreeWithThePapersSplitFiles() throws {
        let base = (Fixtures.shared as NSString).appendingPathComponent("llmas/train-test_seedarchs")
        guard FileManager.default.fileExists(atPath: base) else { throw XCTSkip("../shared/data not present") }
        for (id, task) in [
            ("hat-wmt14ende", "wmt14ende"), ("hat-wmt14enfr", "wmt14enfr"), ("hat-wmt19ende", "wmt19ende"),
        ] {
            let s = try Fixtures.space(id)
            let l = s.labelled!
            for sp in l.splits {
                for (part, rows) in [("train", sp.train), ("test", sp.test)] {
                    let path = "\(base)/\(sp.seed)/\(task)/\(part).jsonl"
                    let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
                    var fromFile: [String: Double] = [:]
                    for line in lines {
                        let obj = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
                        let scratch = obj["scratch"] as! [String: Any]
                        let a = try s.parse((scratch["arch_info"] as! [String]).joined(separator: "\n"))
                        fromFile[s.id(a)] = scratch["valid_BLEU"] as? Double
                    }
                    var fromSpace: [String: Double] = [:]
                    for r in rows {
                        let a = s.tables[l.table].architectures[r]
                        fromSpace[s.id(a)] = try s.evaluate(l.truth["valid"]!, a, row: (l.table, r))
                    }
                    XCTAssertEqual(fromFile, fromSpace, "\(id) seed \(sp.seed) \(part)")
                }
            }
        }
    }
}
