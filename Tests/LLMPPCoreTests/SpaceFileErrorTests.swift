import XCTest

@testable import LLMPPCore

/// Malformed space files give an error naming the file, the field and the problem.
final class SpaceFileErrorTests: XCTestCase {
    /// The hat-wmt14ende space file with data paths made absolute, as a mutable JSON tree.
    func hatJSON() throws -> [String: Any] {
        let dir = (Fixtures.catalog.directory as NSString).appendingPathComponent("hat-wmt14ende")
        let data = try Data(contentsOf: URL(fileURLWithPath: (dir as NSString).appendingPathComponent("space.json")))
        var obj = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        var tables = obj["tables"] as! [String: Any]
        for (k, v) in tables {
            var t = v as! [String: Any]
            t["file"] = "\(dir)/\(t["file"]!)"
            tables[k] = t
        }
        obj["tables"] = tables
        var lat = obj["latency"] as! [String: Any]
        var hw = lat["hardware"] as! [String: Any]
        for (k, v) in hw {
            var t = v as! [String: Any]
            t["file"] = "\(dir)/\(t["file"]!)"
            hw[k] = t
        }
        lat["hardware"] = hw
        obj["latency"] = lat
        return obj
    }

    func load(_ obj: [String: Any]) throws -> SearchSpace {
        try load(raw: try JSONSerialization.data(withJSONObject: obj))
    }

    func load(raw: Data) throws -> SearchSpace {
        let dir = Fixtures.tempDirectory()
        let path = (dir as NSString).appendingPathComponent("space.json")
        try raw.write(to: URL(fileURLWithPath: path))
        return try SpaceLoader.load(file: path)
    }

    func assertError(
        _ edit: (inout [String: Any]) -> Void, field: String?, contains text: String,
        file: StaticString = #filePath, line: UInt = #line
    ) throws {
        var obj = try hatJSON()
        edit(&obj)
        do {
            _ = try load(obj)
            XCTFail("loaded a broken space", file: file, line: line)
        } catch let e as SpaceError {
            XCTAssertTrue(
                e.file.hasSuffix("space.json") || e.file.hasSuffix(".csv"), "file: \(e.file)", file: file, line: line)
            XCTAssertEqual(e.field, field, "\(e)", file: file, line: line)
            XCTAssertTrue(e.problem.contains(text), "\(e)", file: file, line: line)
        }
    }

    func testTheUneditedCopyLoads() throws {
        XCTAssertEqual(try load(try hatJSON()).id, "hat-wmt14ende")
    }

    func testSyntaxAndTypeErrors() throws {
        XCTAssertThrowsError(try load(raw: Data("{\"format\": 1,".utf8))) { e in
            XCTAssertTrue("\(e)".contains("not valid JSON"), "\(e)")
        }
        // Valid JSON whose number does not fit an integer field read "not valid JSON" (a hostile file).
        var huge = try hatJSON()
        huge["format"] = 1e308
        XCTAssertThrowsError(try load(raw: try JSONSerialization.data(withJSONObject: huge))) { e in
            XCTAssertFalse("\(e)".contains("not valid JSON"), "\(e)")
            XCTAssertTrue("\(e)".contains("a number does not fit its field"), "\(e)")
            XCTAssertTrue("\(e)".contains("format = 1e+308"), "\(e)")
        }
        try assertError({ $0["dimensions"] = nil }, field: "dimensions", contains: "missing")
        try assertError(
            { o in
                var d = o["dimensions"] as! [[String: Any]]
                d[2]["choices"] = "many"
                o["dimensions"] = d
            },
            field: "dimensions[2].choices", contains: "expected an array")
        try assertError({ $0["format"] = 2 }, field: "format", contains: "not supported")
        try assertError({ $0["id"] = "has space" }, field: "id", contains: "letters, digits")
    }

    func testDimensionAndGroupErrors() throws {
        try assertError(
            { o in
                var d = o["dimensions"] as! [[String: Any]]
                d[3]["choices"] = [Int]()
                o["dimensions"] = d
            },
            field: "dimensions[3].choices", contains: "at least one choice")
        try assertError(
            { o in
                var d = o["dimensions"] as! [[String: Any]]
                d[3]["alias"] = "enc_embed"
                o["dimensions"] = d
            },
            field: "dimensions[3]", contains: "already used")
        try assertError(
            { o in
                var d = o["dimensions"] as! [[String: Any]]
                d[2]["layers"] = "middle"
                o["dimensions"] = d
            },
            field: "dimensions[2].layers", contains: "unknown layer group 'middle'")
        try assertError(
            { o in
                var g = o["layer_groups"] as! [[String: Any]]
                g[1]["count"] = "nope"
                o["layer_groups"] = g
            },
            field: "layer_groups[1].count", contains: "no dimension named 'nope'")
        try assertError(
            { o in
                var g = o["layer_groups"] as! [[String: Any]]
                g[1]["max"] = 3
                o["layer_groups"] = g
            },
            field: "layer_groups[1].count", contains: "integers in 0...3")
    }

    func testExpressionErrorsNameTheField() throws {
        try assertError(
            { o in
                var e = o["efficiency"] as! [String: Any]
                e["flops"] = "2 * (enc_embed"
                o["efficiency"] = e
            },
            field: "efficiency.flops", contains: "expected ')'")
        try assertError(
            { o in
                var f = o["features"] as! [String: Any]
                var h = f["hat"] as! [String]
                h[2] = "enc_ffn / 3072"
                f["hat"] = h
                o["features"] = f
            },
            field: "features.hat[2]", contains: "one value per layer of 'encoder'")
        try assertError(
            { o in
                var e = o["efficiency"] as! [String: Any]
                e["params"] = "sum(encoder, enc_ffn) + \"a\""
                o["efficiency"] = e
            },
            field: "efficiency.params", contains: "needs a number")
        try assertError(
            { o in
                var e = o["efficiency"] as! [String: Any]
                e["params"] = "trained.no_such_column"
                o["efficiency"] = e
            },
            field: "efficiency.params", contains: "no column 'no_such_column'")
    }

    /// A latency term names its field: an unknown feature column, a term that is not a number
    /// on some measured row (named), a duplicate name.
    func testLatencyTermErrorsNameTheField() throws {
        func terms(_ t: [[String: String]]) -> (inout [String: Any]) -> Void {
            { o in
                var lat = o["latency"] as! [String: Any]
                lat["terms"] = t
                o["latency"] = lat
            }
        }
        try assertError(
            terms([["name": "layers", "expression": "encoder_layers_num"]]), field: "latency.terms[0].expression",
            contains: "encoder_layers_num")
        try assertError(
            terms([
                ["name": "layers", "expression": "encoder_layer_num"],
                ["name": "bad", "expression": "sqrt(encoder_layer_num - 100)"],
            ]), field: "latency.terms[1].expression", contains: "row 1")
        try assertError(
            terms([
                ["name": "layers", "expression": "encoder_layer_num"], ["name": "layers", "expression": "1"],
            ]), field: "latency.terms[1].name", contains: "a name of its own")
    }

    func testDataErrors() throws {
        try assertError(
            { o in
                var t = o["tables"] as! [String: Any]
                var x = t["trained"] as! [String: Any]
                x["file"] = "/nonexistent/t.csv"
                t["trained"] = x
                o["tables"] = t
            },
            field: "tables.trained.file", contains: "cannot read the file")
        try assertError(
            { o in
                var l = o["labelled"] as! [String: Any]
                l["splits"] = ["123": "nocolumn"]
                o["labelled"] = l
            },
            field: "labelled.splits.123", contains: "no column 'nocolumn'")
        try assertError(
            { o in
                var l = o["latency"] as! [String: Any]
                l["default_hardware"] = "tpu"
                o["latency"] = l
            },
            field: "latency.default_hardware", contains: "'tpu' is not among")
        // A data row whose architecture is not in the space: the file and line are named.
        let dir = Fixtures.tempDirectory()
        let bad = (dir as NSString).appendingPathComponent("bad.csv")
        let src = try String(
            contentsOfFile: (Fixtures.catalog.directory as NSString).appendingPathComponent(
                "hat-wmt14ende/data/trained.csv"), encoding: .utf8)
        var lines = src.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines[3] = lines[3].replacingOccurrences(of: ",512,", with: ",513,")
        try lines.joined(separator: "\n").write(toFile: bad, atomically: true, encoding: .utf8)
        try assertError(
            { o in
                var t = o["tables"] as! [String: Any]
                var x = t["trained"] as! [String: Any]
                x["file"] = bad
                t["trained"] = x
                o["tables"] = t
            },
            field: "tables.trained.file", contains: "line 4")
    }

    /// A space of one dimension x in 1...20 whose flops read `t.lat`, a table with one row per x.
    func tinyTableSpace(flops: String = "t.lat", cell: (Int) -> String) throws -> SearchSpace {
        let dir = Fixtures.tempDirectory()
        let rows = (1...20).map { "|\($0)|,\(cell($0))" }.joined(separator: "\n")
        try "key,lat\n\(rows)\n".write(toFile: "\(dir)/t.csv", atomically: true, encoding: .utf8)
        let json = """
            {"format": 1, "id": "tiny", "title": "tiny",
             "task": {"kind": "k", "dataset": "d", "metric": "acc", "metric_key": "acc", "higher_is_better": true, "range": [0, 100]},
             "dimensions": [{"name": "x", "choices": [\((1...20).map(String.init).joined(separator: ", "))]}],
             "efficiency": {"flops": "\(flops)", "params": "x * 2"},
             "tables": {"t": {"file": "t.csv", "key_column": "key", "key": "|{x}|"}}}
            """
        try json.write(toFile: "\(dir)/space.json", atomically: true, encoding: .utf8)
        return try SpaceLoader.load(file: "\(dir)/space.json")
    }

    /// A text cell where a number belongs used to say only `the result needs a number, got
    /// the string "abc"`; NaN and inf cells passed as numbers.
    /// The load's smoke test may meet the bad row first; either way the message names it.
    func testBadCellsNameFileColumnAndLine() throws {
        for (x, cell) in [(17, "abc"), (5, "nan"), (9, "inf"), (12, "1e999"), (20, "-inf")] {
            var m = "no error"
            do {
                let space = try tinyTableSpace { $0 == x ? cell : "\($0).5" }
                XCTAssertEqual(try space.flops(try space.parse("x: \(x % 20 + 1)")), Double(x % 20 + 1) + 0.5)
                _ = try space.flops(try space.parse("x: \(x)"))
            } catch { m = "\(error)" }
            XCTAssertTrue(m.contains("efficiency.flops"), m)
            XCTAssertTrue(m.contains("got the string \"\(cell)\""), m)
            XCTAssertTrue(m.contains("t.csv line \(x + 1) (data row \(x)), column 'lat'"), m)
            XCTAssertTrue(m.contains("space.json"), m)
        }
    }

    /// A formula overflowing to inf (or NaN) used to load, then fail in the run store's JSON
    /// encoder with `EncodingError.invalidValue: inf`.
    func testNonFiniteFormulasNameTheField() throws {
        XCTAssertThrowsError(try tinyTableSpace(flops: "1e308 * 10 * x") { "\($0)" }) { e in
            let m = "\(e)"
            XCTAssertEqual((e as? SpaceError)?.field, "efficiency.flops", m)
            XCTAssertTrue(m.contains("not a finite number"), m)
        }
        // Only some architectures overflow: the smoke test at load may miss them; the
        // evaluation names the field and the architecture.
        let space = try tinyTableSpace(flops: "if(x == 13, 1e308 * 10, x)") { "\($0)" }
        XCTAssertThrowsError(try space.flops(try space.parse("x: 13"))) { e in
            XCTAssertTrue("\(e)".contains("efficiency.flops: the result is inf, not a finite number"), "\(e)")
        }
    }

    /// Seeded byte-level mutations of a small space file: every outcome is a load or a
    /// SpaceError, never a crash or another error type.
    func testMutatedSpaceFilesNeverCrashTheLoader() throws {
        let dir = Fixtures.tempDirectory()
        try "key,lat\n|a|b|,1.5\n|a|c|,2\n|c|b|,3\n|c|c|,4\n".write(
            toFile: "\(dir)/t.csv", atomically: true, encoding: .utf8)
        let base = """
            {"format": 1, "id": "tiny", "title": "tiny",
             "task": {"kind": "k", "dataset": "d", "metric": "acc", "metric_key": "acc", "higher_is_better": true, "range": [0, 100]},
             "layer_groups": [{"name": "g", "count": "n", "max": 2}],
             "dimensions": [{"name": "x", "choices": ["a", "c"]}, {"name": "y", "choices": ["b", "c"]},
                            {"name": "n", "choices": [1, 2]}, {"name": "w", "choices": [1, 2, 3], "layers": "g"}],
             "constants": {"K": 2}, "definitions": {"z": "w * K"},
             "efficiency": {"flops": "sum(g, z) + t.lat", "params": "mean(g, w)"},
             "features": {"f": ["n / 2", "max(g, w)", "x == \\"a\\""]},
             "tables": {"t": {"file": "t.csv", "key_column": "key", "key": "|{x}|{y}|"}},
             "latency": {"kind": "measured", "default_hardware": "cpu", "hardware": {"cpu": "t.lat"}}}
            """
        let path = "\(dir)/space.json"
        try base.write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertEqual(try SpaceLoader.load(file: path).shape.size, 4 * (3 + 9))
        var rng = SeededGenerator(seed: 11)
        let bytes = Array(base.utf8)
        let alphabet = Array("{}[]\":,0123456789-abxyzgnw._ ".utf8)
        var loaded = 0
        for _ in 0..<600 {
            var b = bytes
            for _ in 0..<(1 + rng.index(3)) {
                let i = rng.index(b.count)
                switch rng.index(3) {
                case 0: b[i] = alphabet[rng.index(alphabet.count)]
                case 1: b.remove(at: i)
                default: b.insert(alphabet[rng.index(alphabet.count)], at: i)
                }
            }
            try Data(b).write(to: URL(fileURLWithPath: path))
            do {
                _ = try SpaceLoader.load(file: path)
                loaded += 1
            } catch is SpaceError {} catch {
                XCTFail("not a SpaceError: \(error) for \(String(decoding: b, as: UTF8.self))")
            }
        }
        XCTAssertLessThan(loaded, 600)
    }
}
