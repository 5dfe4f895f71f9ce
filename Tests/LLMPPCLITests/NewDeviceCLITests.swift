import Foundation
import XCTest

/// A device nobody measured before: `llmpp latency --measurements` adapts and saves it, and
/// from then on `--hardware NAME` works in `arch` and as a search constraint.
final class NewDeviceCLITests: XCTestCase {
    static let nb201Header = "e10,e20,e21,e30,e31,e32,latency_ms"
    static let cells = [
        "nor_conv_3x3,skip_connect,none,avg_pool_3x3,nor_conv_1x1,nor_conv_3x3",
        "none,none,none,none,none,skip_connect",
        "nor_conv_1x1,nor_conv_1x1,nor_conv_1x1,nor_conv_1x1,none,none",
        "nor_conv_3x3,nor_conv_3x3,nor_conv_3x3,nor_conv_3x3,nor_conv_3x3,nor_conv_3x3",
        "skip_connect,avg_pool_3x3,none,nor_conv_3x3,skip_connect,nor_conv_1x1",
    ]

    func write(_ lines: [String]) throws -> String {
        let path = NSTemporaryDirectory() + "llmpp-measurements-\(UUID().uuidString).csv"
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// A device 'jetson' from five measurements, in a fresh data directory.
    func addJetson() throws -> (dataDir: String, file: String, added: CLI.Result) {
        let dataDir = NSTemporaryDirectory() + "llmpp-device-\(UUID().uuidString)"
        let file = try write([Self.nb201Header] + Self.cells.enumerated().map { "\($1),\(2.0 + Double($0) * 1.5)" })
        let add = try CLI.run(
            ["latency", "--space", "nb201-cifar10", "--hardware", "jetson", "--measurements", file], dataDir: dataDir)
        XCTAssertEqual(add.status, 0, add.stderr)
        return (dataDir, file, add)
    }

    func testMeasurementsMakeADeviceThatArchAndTheLatencyListingUse() throws {
        let (dataDir, file, add) = try addJetson()
        XCTAssertTrue(add.stdout.contains("jetson on nb201-cifar10 from 5 measurements"), add.stdout)
        XCTAssertTrue(add.stdout.contains("<- saved"), add.stdout)
        XCTAssertTrue(add.stdout.contains("The saved method is the lowest of these "), add.stdout)
        // The mark's column has no header, so no rule: dashes over nothing read as missing figures.
        let rule = try XCTUnwrap(add.stdout.split(separator: "\n").first { $0.hasPrefix("------") })
        XCTAssertTrue(rule.hasSuffix("--------"), "Acc(10%)'s rule ends the line: \(rule)")
        XCTAssertEqual(rule.split(separator: " ", omittingEmptySubsequences: true).count, 4, String(rule))
        XCTAssertTrue(add.stdout.contains("llmpp search --space nb201-cifar10 --hardware jetson"), add.stdout)

        // The same name again is refused without --replace; the first file is kept.
        let again = try CLI.run(
            ["latency", "--space", "nb201-cifar10", "--hardware", "jetson", "--measurements", file], dataDir: dataDir)
        XCTAssertNotEqual(again.status, 0)
        XCTAssertTrue(again.stderr.contains("--replace"), again.stderr)

        let arch = try CLI.run(
            ["arch", "--space", "nb201-cifar10", "--random", "2", "--hardware", "jetson"], dataDir: dataDir)
        XCTAssertEqual(arch.status, 0, arch.stderr)
        XCTAssertTrue(arch.stdout.contains("ms on jetson (adapted from 5 measurements"), arch.stdout)

        let list = try CLI.run(
            ["latency", "--space", "nb201-cifar10", "--hardware", "jetson", "--json"], dataDir: dataDir)
        XCTAssertEqual(list.status, 0, list.stderr)
        let saved = (try CLI.json(list.stdout) as? [String: Any])?["saved"] as? [[String: Any]]
        XCTAssertEqual(saved?.first?["measurements"] as? Int, 5)
    }

    func testABadMeasurementsFileSavesNothing() throws {
        let dataDir = NSTemporaryDirectory() + "llmpp-device-\(UUID().uuidString)"
        let cases: [([String], String)] = [
            ([Self.nb201Header, Self.cells[0] + ",1", Self.cells[1] + ",0"], "line 3, column 'latency_ms'"),
            ([Self.nb201Header, Self.cells[0] + ",1", Self.cells[1] + ",2"], "at least 3 are needed"),
            (["e10,e20,e21,e30,e31,e32", Self.cells[0]], "no 'latency_ms' column"),
        ]
        for (lines, expected) in cases {
            let file = try write(lines)
            let r = try CLI.run(
                ["latency", "--space", "nb201-cifar10", "--hardware", "jetson", "--measurements", file],
                dataDir: dataDir)
            XCTAssertNotEqual(r.status, 0)
            XCTAssertTrue(r.stderr.contains(file) && r.stderr.contains(expected), r.stderr)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: dataDir + "/devices/nb201-cifar10/jetson.json"))
        let builtIn = try CLI.run(
            ["latency", "--space", "nb201-cifar10", "--hardware", "raspi4", "--measurements", "x.csv"], dataDir: dataDir
        )
        XCTAssertTrue(builtIn.stderr.contains("is a built-in device"), builtIn.stderr)
        // A method the space cannot run is refused by name, not silently replaced.
        let good = try write([Self.nb201Header] + Self.cells.enumerated().map { "\($1),\(2.0 + Double($0))" })
        let noTerms = try CLI.run(
            [
                "latency", "--space", "nb201-cifar10", "--hardware", "jetson", "--measurements", good, "--method",
                "terms-ridge",
            ], dataDir: dataDir)
        XCTAssertNotEqual(noTerms.status, 0)
        XCTAssertTrue(
            noTerms.stderr.contains("terms-ridge needs latency terms, and nb201-cifar10 names none"), noTerms.stderr)
        let badName = try CLI.run(
            ["latency", "--space", "nb201-cifar10", "--hardware", "../x", "--measurements", "x.csv"], dataDir: dataDir)
        XCTAssertTrue(badName.stderr.contains("a device name"), badName.stderr)
    }

    /// A saved device file edited by hand is checked like the CSV it came from: a negative
    /// latency or a single measurement stopped the binary in the fit (signal 4).
    func testAHandEditedDeviceFileIsAnErrorNotACrash() throws {
        let (dataDir, _, _) = try addJetson()
        let path = dataDir + "/devices/nb201-cifar10/jetson.json"
        let original =
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
        let measurements = original["measurements"] as! [[String: Any]]
        func edited(_ change: (inout [String: Any]) -> Void) -> [String: Any] {
            var d = original
            change(&d)
            return d
        }
        var negative = measurements
        negative[1]["latencyMs"] = -5
        var duplicated = measurements
        duplicated[2]["architecture"] = measurements[0]["architecture"]
        let cases: [([String: Any], String)] = [
            (
                edited { $0["measurements"] = negative },
                "measurements[1].latencyMs: -5.0 is not a number of milliseconds"
            ),
            (edited { $0["measurements"] = Array(measurements.prefix(1)) }, "1 measurement; at least 3 are needed"),
            (edited { $0["measurements"] = [] }, "0 measurements; at least 3 are needed"),
            (edited { $0["measurements"] = duplicated }, "measurement 3: the same architecture as measurement 1"),
            (edited { $0["format"] = 99 }, "format: format 99; this llmpp reads format 1"),
            (edited { $0["measurements"] = "many" }, "measurements: not a saved device file: expected an array"),
        ]
        for (device, expected) in cases {
            try JSONSerialization.data(withJSONObject: device).write(to: URL(fileURLWithPath: path))
            let r = try CLI.run(
                ["arch", "--space", "nb201-cifar10", "--random", "1", "--hardware", "jetson"], dataDir: dataDir)
            XCTAssertEqual(r.status, 1, "\(expected): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains(expected), "\(expected): \(r.stderr)")
            XCTAssertFalse(r.stderr.contains("Fatal error") || r.stderr.contains("precondition"), r.stderr)
        }
    }

    /// More than a few measurements are refused at once (150 ran for minutes in silence).
    func testTooManyMeasurementsAreRefused() throws {
        let ops = ["none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"]
        let cells = (0..<129).map { n in (0..<6).map { ops[(n / Int(pow(5, Double($0)))) % 5] }.joined(separator: ",") }
        let file = try write([Self.nb201Header] + cells.enumerated().map { "\($1),\(2.0 + Double($0) * 0.1)" })
        let r = try CLI.run(
            ["latency", "--space", "nb201-cifar10", "--hardware", "jetson", "--measurements", file],
            dataDir: NSTemporaryDirectory() + "llmpp-device-\(UUID().uuidString)")
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("129 measurements; at most 128"), r.stderr)
    }

    /// A space with no latency data at all gets a device from measurements (a feature ridge,
    /// no source device), and a search under it keeps every reported architecture feasible.
    func testASavedDeviceConstrainsASearchOnASpaceWithoutLatencyData() throws {
        let spaces = try OwnSpaceDefaultsTests.makeSpaces()
        let dataDir = NSTemporaryDirectory() + "llmpp-device-\(UUID().uuidString)"
        let ops = OwnSpaceDefaultsTests.ops
        var lines = ["d0,d1,d2,d3,latency_ms"]
        for (i, a) in ops.enumerated() {
            for (j, b) in ops.enumerated() {
                lines.append("\(a),\(b),conv,pool,\(10 + 4 * Double(i) + 2 * Double(j))")
            }
        }
        let file = try write(lines)
        let add = try CLI.run(
            ["latency", "--space", "toy", "--hardware", "board", "--measurements", file], dataDir: dataDir,
            spaces: spaces)
        XCTAssertEqual(add.status, 0, add.stderr)
        XCTAssertTrue(add.stdout.contains("source-feature-ridge"), add.stdout)
        let check = try CLI.run(["check", "--space", "toy"], dataDir: dataDir, spaces: spaces)
        XCTAssertTrue(check.stdout.contains("constraints: --latency-ms with --hardware board"), check.stdout)
        let search = try CLI.run(
            [
                "search", "--space", "toy", "--switch-at", "0", "--iterations", "2", "--population", "10",
                "--hardware", "board", "--latency-ms", "16", "--evaluator", "external", "--evaluator-cmd",
                OwnSpaceDefaultsTests.evaluator, "--json",
            ], dataDir: dataDir, spaces: spaces)
        XCTAssertEqual(search.status, 0, search.stderr)
        let front = (try CLI.json(search.stdout) as? [String: Any])?["pareto"] as? [[String: Any]] ?? []
        XCTAssertFalse(front.isEmpty, search.stdout)
        for p in front { XCTAssertLessThanOrEqual(p["latency_ms"] as? Double ?? 99, 16) }
    }

    /// `arch --file` reads many architectures: its own --json output round-trips, and a
    /// measurements CSV (latency_ms ignored) gives its rows in order.
    func testArchReadsItsJSONAndMeasurementCSVs() throws {
        // One data directory: the HAT latency predictor trains once for these calls.
        let hatData = NSTemporaryDirectory() + "llmpp-device-\(UUID().uuidString)"
        let sampled = try CLI.run(
            ["arch", "--space", "hat-wmt14ende", "--random", "3", "--seed", "4", "--json"], dataDir: hatData)
        XCTAssertEqual(sampled.status, 0, sampled.stderr)
        let ids = (try CLI.json(sampled.stdout) as? [[String: Any]])?.compactMap { $0["id"] as? String }
        let again = try CLI.run(
            ["arch", "--space", "hat-wmt14ende", "--file", "-", "--json"], stdin: sampled.stdout, dataDir: hatData)
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertEqual((try CLI.json(again.stdout) as? [[String: Any]])?.compactMap { $0["id"] as? String }, ids)

        let csv = try write([Self.nb201Header] + Self.cells.map { $0 + ",1" })
        let rows = try CLI.run(["arch", "--space", "nb201-cifar10", "--file", csv, "--json"])
        XCTAssertEqual(rows.status, 0, rows.stderr)
        let archs = try CLI.json(rows.stdout) as? [[String: Any]]
        XCTAssertEqual(archs?.count, 5)
        XCTAssertEqual((archs?[1]["arch"] as? [String: Any])?["node3-from-node2"] as? String, "skip_connect")

        // A measurements sheet: the sampled architectures, latency_ms left to fill in; it
        // reads back as the same architectures and, unfilled, is refused saying why.
        let sheet = try CLI.run(["arch", "--space", "hat-wmt14ende", "--random", "3", "--seed", "4", "--csv"])
        XCTAssertEqual(sheet.status, 0, sheet.stderr)
        XCTAssertTrue(sheet.stdout.hasPrefix("encoder-embed-dim-subtransformer,"), sheet.stdout)
        let back = try CLI.run(
            ["arch", "--space", "hat-wmt14ende", "--file", "-", "--json"], stdin: sheet.stdout, dataDir: hatData)
        XCTAssertEqual((try CLI.json(back.stdout) as? [[String: Any]])?.compactMap { $0["id"] as? String }, ids)
        let unfilled = try write(sheet.stdout.split(separator: "\n").map(String.init))
        let refused = try CLI.run(
            ["latency", "--space", "hat-wmt14ende", "--hardware", "board", "--measurements", unfilled])
        XCTAssertTrue(
            refused.stderr.contains("line 2, column 'latency_ms': empty: measure this architecture"), refused.stderr)

        let bad = try CLI.run(["arch", "--space", "nb201-cifar10", "--file", "-"], stdin: #"[{"arch": {"e10": 5}}]"#)
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("-: entry 1: 'node1-from-node0': '5' is not one of"), bad.stderr)
    }
}
