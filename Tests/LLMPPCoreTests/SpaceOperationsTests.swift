import XCTest

@testable import LLMPPCore

final class SpaceOperationsTests: XCTestCase {
    func hat() throws -> SearchSpace { try Fixtures.space("hat-wmt14ende") }

    /// The choice lookup (a hash, since a linear search made 200,000 distinct values load for
    /// minutes) finds what `ChoiceValue.matches` finds first: text, or the same number.
    func testChoiceLookupFindsTheFirstMatchingChoice() {
        let choices: [ChoiceValue] = [.string("a"), .int(512), .real(512.0), .string("1e3"), .real(1000), .int(3)]
        let d = Dimension(
            name: "d", alias: "d", choices: choices, group: nil, description: "", geneOffset: 0, geneCount: 1)
        for text in ["a", "512", "512.0", "1e3", "1000", "1000.0", "3", "3.0", "b", "nan", "", " 3"] {
            XCTAssertEqual(d.choiceIndex(of: text), choices.firstIndex { $0.matches(text) }, text)
        }
    }

    func testRandomSamplesAreValidAndDeterministic() throws {
        let s = try hat()
        var r1 = SeededGenerator(seed: 42)
        var r2 = SeededGenerator(seed: 42)
        var r3 = SeededGenerator(seed: 43)
        let a = (0..<200).map { _ in s.shape.random(using: &r1) }
        let b = (0..<200).map { _ in s.shape.random(using: &r2) }
        let c = (0..<200).map { _ in s.shape.random(using: &r3) }
        XCTAssertEqual(a, b)
        XCTAssertNotEqual(a, c)
        XCTAssertTrue(a.allSatisfy(s.isValid))
        // Uniform: every decoder layer count appears.
        let dl = s.shape.dimensionIndex("dec_layers")!
        XCTAssertEqual(Set(a.map { s.shape.choice($0, dl)! }).count, 6)
    }

    func testMutationResamplesGenesWithProbabilityP() throws {
        let s = try hat()
        var rng = SeededGenerator(seed: 1)
        let a = s.shape.random(using: &rng)
        XCTAssertEqual(s.shape.mutate(a, probability: 0, using: &rng), a)
        // With p = 1 each gene is redrawn: about (1 - 1/choices) of them change.
        var changed = 0
        var total = 0
        for _ in 0..<200 {
            let m = s.shape.mutate(a, probability: 1, using: &rng)
            XCTAssertTrue(s.isValid(m))
            changed += zip(a.genes, m.genes).filter { $0 != $1 }.count
            total += a.genes.count
        }
        let rate = Double(changed) / Double(total)
        XCTAssertGreaterThan(rate, 0.45)
        XCTAssertLessThan(rate, 0.75)
        // With p = 0.3 the expected share of resampled genes is 0.3, changed ones fewer.
        changed = 0
        for _ in 0..<400 {
            changed += zip(a.genes, s.shape.mutate(a, probability: 0.3, using: &rng).genes).filter { $0 != $1 }.count
        }
        let r03 = Double(changed) / Double(400 * a.genes.count)
        XCTAssertGreaterThan(r03, 0.12)
        XCTAssertLessThan(r03, 0.25)
    }

    func testUniformCrossoverTakesEachGeneFromAParent() throws {
        let s = try hat()
        var rng = SeededGenerator(seed: 3)
        let a = s.shape.random(using: &rng)
        let b = s.shape.random(using: &rng)
        var fromA = 0
        var differing = 0
        for _ in 0..<300 {
            let c = s.shape.crossover(a, b, using: &rng)
            XCTAssertTrue(s.isValid(c))
            for i in c.genes.indices {
                XCTAssertTrue(c.genes[i] == a.genes[i] || c.genes[i] == b.genes[i])
                if a.genes[i] != b.genes[i] {
                    differing += 1
                    if c.genes[i] == a.genes[i] { fromA += 1 }
                }
            }
        }
        let share = Double(fromA) / Double(differing)
        XCTAssertGreaterThan(share, 0.4)
        XCTAssertLessThan(share, 0.6)
    }

    func testValidityCheck() throws {
        let s = try hat()
        var rng = SeededGenerator(seed: 5)
        var a = s.shape.random(using: &rng)
        XCTAssertNil(s.shape.validityProblem(a))
        a.genes[0] = 7
        XCTAssertEqual(s.shape.validityProblem(a), "encoder-embed-dim-subtransformer: choice index 7 out of 0..<2")
        XCTAssertNotNil(s.shape.validityProblem(Architecture(genes: [0, 0])))
    }

    func testCanonicalTextRoundTripsAndIdIgnoresInactiveLayers() throws {
        let s = try hat()
        var rng = SeededGenerator(seed: 9)
        for _ in 0..<100 {
            let a = s.shape.random(using: &rng)
            let back = try s.parse(s.canonicalText(a))
            XCTAssertEqual(s.canonicalText(back), s.canonicalText(a))
            XCTAssertEqual(s.id(back), s.id(a))
        }
        // Changing a gene of an inactive decoder layer changes neither text nor id.
        let text = """
            encoder-embed-dim-subtransformer: 512
            encoder-layer-num-subtransformer: 6
            encoder-ffn-embed-dim-all-subtransformer: [1024, 1024, 2048, 2048, 2048, 1024]
            encoder-self-attention-heads-all-subtransformer: [4, 4, 4, 8, 4, 4]
            decoder-embed-dim-subtransformer: 640
            decoder-layer-num-subtransformer: 1
            decoder-ffn-embed-dim-all-subtransformer: [3072]
            decoder-self-attention-heads-all-subtransformer: [8]
            decoder-ende-attention-heads-all-subtransformer: [4]
            decoder-arbitrary-ende-attn-all-subtransformer: [2]
            """
        var a = try s.parse(text)
        XCTAssertEqual(s.canonicalText(a), text)
        let id = s.id(a)
        let ffn = s.dimensions[s.shape.dimensionIndex("dec_ffn")!]
        a.genes[ffn.geneOffset + 3] = 2
        XCTAssertEqual(s.id(a), id)
        // FNV-1a of the canonical text: a regression guard that ids stay stable across releases.
        XCTAssertEqual(id, "a8e8cc872827")
        XCTAssertEqual(id.count, 12)
    }

    func testHATFeatureEncodingOnAKnownArchitecture() throws {
        let s = try hat()
        let a = s.tables[s.labelled!.table].architectures[0]  // the first trained wmt14ende architecture
        let f = try s.features(a, set: "hat")
        let expected = [512.0 / 640, 1, 1536.0 / 3072, (28.0 / 6) / 8, 1, 1.0 / 6, 1, 1, 0.5, 1]
        XCTAssertEqual(f.count, 10)
        for (x, y) in zip(f, expected) { XCTAssertEqual(x, y, accuracy: 1e-12) }
        // The raw (latency-table) encoding averages k = 1, 2, 3 for -1, 1, 2.
        XCTAssertEqual(try s.features(a, set: "hat_raw").last!, 3)
    }

    func testParseErrorsAreClear() throws {
        let s = try hat()
        func err(_ t: String) -> String {
            do {
                _ = try s.parse(t)
                return ""
            } catch { return "\(error)" }
        }
        XCTAssertTrue(err("nonsense").contains("not a 'name: value' line"))
        XCTAssertTrue(err("foo: 1").contains("unknown dimension 'foo'"))
        XCTAssertTrue(err("enc_embed: 513").contains("'513' is not one of 512, 640"))
        XCTAssertTrue(err("enc_embed: 512\nenc_embed: 640").contains("given twice"))
        XCTAssertTrue(err("enc_embed: 512").contains("missing"))
        var lines = s.canonicalText(s.tables[0].architectures[0]).split(separator: "\n").map(String.init)
        lines[6] = "decoder-ffn-embed-dim-all-subtransformer: [3072, 1024]"
        XCTAssertTrue(err(lines.joined(separator: "\n")).contains("has 2 values; decoder has 1 layer"))
    }
}

extension SpaceOperationsTests {
    /// Every problem of hand-typed `name: value` lines at once (parse stops at the first):
    /// wrong choices, unknown and repeated names, stray lines, all missing dimensions; and a
    /// per-layer list whose length disagrees with its layer count once the rest is right.
    func testProblemsNamesEveryMistakeAtOnce() throws {
        let s = try hat()
        var rng = SeededGenerator(seed: 4)
        let good = s.canonicalText(s.shape.random(using: &rng))
        XCTAssertEqual(s.shape.problems(good), [])
        let problems = s.shape.problems(
            "encoder-embed-dim-subtransformer: 700\nwidth: 3\nencoder-embed-dim-subtransformer: 512\nhello")
        XCTAssertTrue(
            problems.contains { $0.hasPrefix("'encoder-embed-dim-subtransformer': '700' is not one of 512, 640") },
            "\(problems)")
        XCTAssertTrue(problems.contains("unknown dimension 'width'"), "\(problems)")
        XCTAssertTrue(problems.contains("'encoder-embed-dim-subtransformer' given twice"), "\(problems)")
        XCTAssertTrue(problems.contains("'hello' is not a 'name: value' line"), "\(problems)")
        let missing = try XCTUnwrap(problems.last)
        XCTAssertTrue(missing.hasPrefix("missing 'encoder-layer-num-subtransformer', "), missing)
        XCTAssertEqual(missing.components(separatedBy: "', '").count, s.shape.dimensions.count - 1, missing)
        // Right names and choices, an empty layer list: the whole-architecture check names it.
        let short = good.split(separator: "\n").map { line -> String in
            guard line.hasPrefix("decoder-ffn-embed-dim-all-subtransformer:") else { return String(line) }
            return "decoder-ffn-embed-dim-all-subtransformer: []"
        }.joined(separator: "\n")
        let layers = s.shape.problems(short)
        XCTAssertEqual(layers.count, 1, "\(layers)")
        // A pasted value is quoted cut (12,000 characters filled the form with one problem).
        let pasted = s.shape.problems("encoder-embed-dim-subtransformer: " + String(repeating: "x", count: 12_000))
        XCTAssertTrue(
            pasted.contains {
                $0.hasPrefix(
                    "'encoder-embed-dim-subtransformer': '\(String(repeating: "x", count: 59))…' is not one of")
            }, "\(pasted.first?.prefix(200) ?? "")")
    }
}
