import LLMPPCore
import XCTest

@testable import LLMPPLLM

final class PromptTests: XCTestCase {
    func testFullPromptHasTheFourPartsInOrderAndTheTestLast() throws {
        let (s, demos, tests) = try LLMFixtures.split123()
        let b = try LLMFixtures.builder(s)
        let m = try b.messages(demonstrations: demos, test: tests[0])
        XCTAssertEqual(m.map(\.role), [.system, .user])
        XCTAssertTrue(m[0].content.contains("{\"bleu\": <number>}"), m[0].content)
        let u = m[1].content
        let role = try XCTUnwrap(
            u.range(of: "You are a performance estimator for machine translation on WMT'14 English-German"))
        let i1 = try XCTUnwrap(u.range(of: "1. The dataset is WMT'14 English-German"))
        let i2 = try XCTUnwrap(u.range(of: "2. Example input/output pairs"))
        let i3 = try XCTUnwrap(
            u.range(of: "3. The architecture is the Transformer encoder-decoder of \"Attention Is All You Need\""))
        let i4 = try XCTUnwrap(u.range(of: "4. Efficiency is measured in GFLOPS"))
        let i5 = try XCTUnwrap(u.range(of: "5. Concentrate on the example architectures"))
        let defs = try XCTUnwrap(
            u.range(
                of: "Hyperparameter definitions:\nencoder-embed-dim-subtransformer: embedding dimension of the encoder")
        )
        XCTAssertTrue(
            u.contains(
                "decoder-arbitrary-ende-attn-all-subtransformer: which encoder layers each decoder layer attends to: -1 the last encoder layer only, 1 the last two, 2 the last three"
            ))
        let demo = try XCTUnwrap(u.range(of: "Examples: 10 architectures trained from scratch"))
        let test = try XCTUnwrap(u.range(of: "Test architecture:\n" + s.canonicalText(tests[0])))
        let order = [role, i1, i2, i3, i4, i5, defs, demo, test].map(\.lowerBound)
        XCTAssertEqual(order, order.sorted())
        XCTAssertTrue(u.hasSuffix("GFLOPS: \(try b.efficiencyText(tests[0]))\nBLEU:"), String(u.suffix(80)))
        // Each demonstration: its name: value lines, GFLOPS with one decimal, valid BLEU with two.
        let first = demos[0]
        XCTAssertTrue(
            u.contains(
                s.canonicalText(first.0) + "\nGFLOPS: " + String(format: "%.1f", try s.flops(first.0) / 1e9)
                    + "\nBLEU: " + String(format: "%.2f", first.1)))
        XCTAssertEqual(u.components(separatedBy: "\nBLEU: ").count - 1, 10)
    }

    func testPrefixIsByteIdenticalAcrossTestArchitectures() throws {
        let (s, demos, tests) = try LLMFixtures.split123()
        let b = try LLMFixtures.builder(s)
        let prefix = try b.prefix(demonstrations: demos)
        for t in tests {
            let u = try b.messages(demonstrations: demos, test: t)[1].content
            XCTAssertTrue(u.hasPrefix(prefix + "\n\nTest architecture:"))
        }
        XCTAssertEqual(Set(try tests.map { try b.messages(demonstrations: demos, test: $0)[1].content }).count, 20)
    }

    func testAblationLadderSwitches() throws {
        let (s, demos, tests) = try LLMFixtures.split123()
        let markers = [
            "You are a performance estimator", "The dataset is", "Example input/output pairs",
            "Attention Is All You Need",
            "Efficiency is measured", "Concentrate on", "Hyperparameter definitions",
        ]
        func present(_ step: Int) throws -> [Bool] {
            let u = try LLMFixtures.builder(s, options: .ladder(step)).messages(demonstrations: demos, test: tests[0])[
                1
            ].content
            return markers.map { u.contains($0) }
        }
        XCTAssertEqual(try present(0), [false, false, false, false, false, false, false])
        XCTAssertEqual(try present(1), [true, false, false, false, false, false, true])
        XCTAssertEqual(try present(2), [true, true, false, false, false, false, true])
        XCTAssertEqual(try present(3), [true, true, true, false, false, false, true])
        XCTAssertEqual(try present(4), [true, true, true, true, false, false, true])
        XCTAssertEqual(try present(5), [true, true, true, true, true, false, true])
        XCTAssertEqual(try present(6), [true, true, true, true, true, true, true])
        // Demonstrations and the test are there at every step; numbering follows what is on.
        let u = try LLMFixtures.builder(s, options: try .parse("role,backbone,concentrate")).messages(
            demonstrations: demos, test: tests[0])[1].content
        XCTAssertTrue(u.contains("1. The architecture is the Transformer"))
        XCTAssertTrue(u.contains("2. Concentrate on"))
        XCTAssertFalse(u.contains("Hyperparameter definitions"))
        XCTAssertTrue(
            try LLMFixtures.builder(s, options: .ladder(0)).messages(demonstrations: demos, test: tests[0])[1].content
                .hasPrefix("Examples: 10 architectures"))
        XCTAssertEqual(try PromptOptions.parse("all"), .full)
        XCTAssertEqual(try PromptOptions.parse("none"), .ladder(0))
        XCTAssertEqual(try PromptOptions.parse("role, definitions, 1, examples"), .ladder(3))
        XCTAssertThrowsError(try PromptOptions.parse("role,bogus"))
    }

    func testNB201TemplatesAndSampledSplits() throws {
        let s = try LLMFixtures.space("nb201-cifar10")
        let l = s.labelled!
        let t = s.tables[l.table]
        let sp = try XCTUnwrap(l.resolveSplit("7", rowCount: t.architectures.count))
        XCTAssertEqual(sp.train.count, 10)
        XCTAssertEqual(sp.test.count, 20)
        XCTAssertTrue(Set(sp.train).isDisjoint(with: sp.test))
        XCTAssertEqual(l.resolveSplit("7", rowCount: t.architectures.count), sp, "the same seed draws the same split")
        XCTAssertNotEqual(l.resolveSplit("8", rowCount: t.architectures.count), sp)
        let demos = try sp.train.map {
            (t.architectures[$0], try s.evaluate(l.truth["valid"]!, t.architectures[$0], row: (l.table, $0)))
        }
        let u = try LLMFixtures.builder(s).messages(demonstrations: demos, test: t.architectures[sp.test[0]])[1].content
        XCTAssertTrue(u.contains("node1-from-node0: "))
        XCTAssertTrue(u.contains("MFLOPS: "))
        XCTAssertTrue(u.contains("accuracy: "))
        XCTAssertTrue(u.contains("CIFAR-10"))
        XCTAssertNil(l.resolveSplit("not-a-number", rowCount: t.architectures.count))
    }

    func testTemplateErrorsNameTheFile() throws {
        let dir = LLMFixtures.tempDir()
        let src = (LLMFixtures.catalog.directory as NSString).appendingPathComponent("hat-wmt14ende/prompts")
        for f in try FileManager.default.contentsOfDirectory(atPath: src) {
            try FileManager.default.copyItem(atPath: "\(src)/\(f)", toPath: "\(dir)/\(f)")
        }
        XCTAssertNoThrow(try PromptTemplate.load(directory: dir))
        try "Estimate {{task.metirc}}.".write(toFile: "\(dir)/role.txt", atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try PromptTemplate.load(directory: dir)) { e in
            XCTAssertTrue("\(e)".contains("role.txt: {{task.metirc}}: unknown placeholder"), "\(e)")
        }
        try FileManager.default.removeItem(atPath: "\(dir)/role.txt")
        XCTAssertThrowsError(try PromptTemplate.load(directory: dir)) { e in
            XCTAssertTrue("\(e)".contains("role.txt: missing or unreadable prompt file"), "\(e)")
        }
        // Binary, and too large to be a prompt (80k placeholders took seconds to render; 2M, minutes).
        try Data([0xFF, 0xFE, 0x00, 0x9B]).write(to: URL(fileURLWithPath: "\(dir)/role.txt"))
        XCTAssertThrowsError(try PromptTemplate.load(directory: dir)) { e in
            XCTAssertTrue("\(e)".contains("role.txt: not UTF-8 text"), "\(e)")
        }
        try String(repeating: "{{task.metric}} ", count: 20_000).write(
            toFile: "\(dir)/role.txt", atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try PromptTemplate.load(directory: dir)) { e in
            XCTAssertTrue("\(e)".contains("role.txt: larger than 256 KB"), "\(e)")
        }
    }

    /// Digits that String(format:) traps on (2^31) and other impossible settings are errors
    /// naming the field, not a crash when the first prompt is built.
    func testPromptSettingsOutOfRangeAreErrors() throws {
        let dir = LLMFixtures.tempDir()
        let src = (LLMFixtures.catalog.directory as NSString).appendingPathComponent("hat-wmt14ende/prompts")
        for f in try FileManager.default.contentsOfDirectory(atPath: src) {
            try FileManager.default.copyItem(atPath: "\(src)/\(f)", toPath: "\(dir)/\(f)")
        }
        let original =
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(dir)/prompt.json")))
            as! [String: Any]
        for (key, value, message) in [
            ("efficiency_digits", 2_147_483_648 as Any, "efficiency_digits must be in 0...12, got 2147483648"),
            ("params_digits", -1 as Any, "params_digits must be in 0...12, got -1"),
            ("max_tokens", 0 as Any, "max_tokens must be in 1...100000, got 0"),
            ("efficiency_scale", 0 as Any, "efficiency_scale must be a positive number"),
            // A fraction where a whole number is meant read "not valid JSON".
            ("score_digits", 2.5 as Any, "valid JSON, but a number does not fit its field"),
            // A typo was ignored, its setting left at the default in silence.
            ("scor_digits", 3 as Any, "scor_digits: not a prompt setting (they are: demo_order, demonstration_metric"),
        ] {
            var settings = original
            settings[key] = value
            try JSONSerialization.data(withJSONObject: settings).write(to: URL(fileURLWithPath: "\(dir)/prompt.json"))
            XCTAssertThrowsError(try PromptTemplate.load(directory: dir)) { e in
                XCTAssertTrue("\(e)".contains(message), "\(e)")
            }
        }
    }

    func testEfficiencyLinesAndDemonstrationOrders() throws {
        let (s, demos, tests) = try LLMFixtures.split123()
        let both = try LLMFixtures.builder(
            s, options: PromptOptions(efficiency: [.gflops, .params], demoOrder: .efficiency))
        let u = try both.messages(demonstrations: demos, test: tests[0])[1].content
        let params = String(format: "%.1fM", try s.params(tests[0]) / 1e6)
        XCTAssertTrue(
            u.hasSuffix("GFLOPS: \(try both.efficiencyText(tests[0]))\nParameters: \(params)\nBLEU:"),
            String(u.suffix(80)))
        // Sorted by parameters, ascending, each demonstration with both lines.
        let shown = u.components(separatedBy: "\nParameters: ").dropFirst().dropLast().map {
            Double($0.prefix { $0 != "M" })!
        }
        XCTAssertEqual(shown.count, 10)
        XCTAssertEqual(shown, shown.sorted())
        let descending = try LLMFixtures.builder(
            s, options: PromptOptions(efficiency: [.gflops, .params], demoOrder: .efficiencyDescending))
        let d = try descending.messages(demonstrations: demos, test: tests[0])[1].content
        let shownDescending = d.components(separatedBy: "\nParameters: ").dropFirst().dropLast().map {
            Double($0.prefix { $0 != "M" })!
        }
        XCTAssertEqual(shownDescending, shown.reversed())
        let only = try LLMFixtures.builder(s, options: PromptOptions(efficiency: [.params]))
        let v = try only.messages(demonstrations: demos, test: tests[0])[1].content
        XCTAssertFalse(v.contains("\nGFLOPS: "))
        XCTAssertEqual(v.components(separatedBy: "\nParameters: ").count - 1, 11)
        // Nearest last: the last demonstration is the one closest to the test in the features.
        let near = try LLMFixtures.builder(s, options: PromptOptions(demoOrder: .nearestLast))
        let ordered = try near.ordered(demos, test: tests[0])
        let f = { (a: Architecture) in try s.features(a, set: "hat") }
        let t = try f(tests[0])
        let dist = try ordered.map { try zip(f($0.0), t).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } }
        XCTAssertEqual(dist, dist.sorted(by: >))
        XCTAssertEqual(Set(ordered.map(\.1)), Set(demos.map(\.1)))
    }

    func testTheEncodingWritesEveryArchitectureOfThePrompt() throws {
        let (s, demos, tests) = try LLMFixtures.split123()
        for e in ArchitectureEncoding.allCases {
            let u = try LLMFixtures.builder(s, options: PromptOptions(encoding: e)).messages(
                demonstrations: demos, test: tests[0])[1].content
            XCTAssertTrue(u.contains("Test architecture:\n" + e.render(tests[0], in: s) + "\nGFLOPS: "), "\(e)")
            XCTAssertTrue(u.contains(e.render(demos[3].0, in: s) + "\nGFLOPS: "), "\(e)")
        }
        XCTAssertEqual(PromptOptions(encoding: .graph).fullSummary.hasSuffix("; encoding graph"), true)
    }

    func testEfficiencyFlagParsingAndOldRunsDecode() throws {
        XCTAssertEqual(try EfficiencyLine.parse("gflops,params"), [.gflops, .params])
        XCTAssertEqual(try EfficiencyLine.parse("params"), [.params])
        XCTAssertThrowsError(try EfficiencyLine.parse("latency"))
        // A run saved before these options existed decodes as the paper's prompt.
        let old = #"{"role": true, "definitions": false, "instructions": [1, 2]}"#
        let o = try JSONDecoder().decode(PromptOptions.self, from: Data(old.utf8))
        XCTAssertEqual(
            o,
            PromptOptions(
                role: true, definitions: false, instructions: [1, 2], efficiency: [.gflops], demoOrder: .data))
        let settings = try JSONDecoder().decode(
            PredictionSettings.self,
            from: Data(
                #"{"samples": 1, "decode": "expectation", "maxCorrections": 2, "seed": 0, "topLogprobs": 10}"#.utf8))
        XCTAssertEqual(settings.decode, .distribution)
        XCTAssertEqual(settings.walkThreshold, 0.005)
    }
}
