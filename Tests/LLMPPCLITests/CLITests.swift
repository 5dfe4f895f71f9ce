import Foundation
import LLMPPTestSupport
import XCTest

/// Runs the built `llmpp` binary as a user would.
enum CLI {
    static let binary: String = {
        let dir = Bundle.main.bundleURL.path
        for candidate in [dir, (dir as NSString).deletingLastPathComponent] {
            let p = (candidate as NSString).appendingPathComponent("llmpp")
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        return (dir as NSString).appendingPathComponent("llmpp")
    }()

    static let spaces: String = {
        var dir = (#filePath as NSString).deletingLastPathComponent
        for _ in 0..<2 { dir = (dir as NSString).deletingLastPathComponent }
        return (dir as NSString).appendingPathComponent("SampleSpaces")
    }()

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func run(
        _ args: [String], stdin: String? = nil,
        dataDir: String = NSTemporaryDirectory() + "llmpp-cli-\(UUID().uuidString)",
        environment: [String: String] = [:], shellPrefix: String? = nil, spaces: String = CLI.spaces
    ) throws -> Result {
        let p = Process()
        if let shellPrefix {
            // e.g. "ulimit -f 300": the limit applies to llmpp alone, through exec.
            p.executableURL = URL(fileURLWithPath: "/bin/bash")
            p.arguments =
                ["-c", shellPrefix + "; exec \"$0\" \"$@\"", binary] + args + [
                    "--spaces", spaces, "--data-dir", dataDir,
                ]
        } else {
            p.executableURL = URL(fileURLWithPath: binary)
            p.arguments = args + ["--spaces", spaces, "--data-dir", dataDir]
        }
        p.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let out = Pipe()
        let err = Pipe()
        let inp = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = inp
        try p.run()
        if let stdin { inp.fileHandleForWriting.write(Data(stdin.utf8)) }
        try inp.fileHandleForWriting.close()
        // Read both pipes concurrently: a full stderr pipe would block the child.
        nonisolated(unsafe) var errData = Data()
        let t = Thread { errData = err.fileHandleForReading.readDataToEndOfFile() }
        t.start()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        while !t.isFinished { usleep(1000) }
        return Result(
            status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self))
    }

    static func json(_ s: String) throws -> Any { try JSONSerialization.jsonObject(with: Data(s.utf8)) }
}

final class CLITests: XCTestCase {
    func run(
        _ args: [String], stdin: String? = nil,
        dataDir: String = NSTemporaryDirectory() + "llmpp-cli-\(UUID().uuidString)"
    ) throws -> CLI.Result {
        try CLI.run(args, stdin: stdin, dataDir: dataDir)
    }
    func json(_ s: String) throws -> Any { try CLI.json(s) }

    /// One split's figures are not a spread: no "± 0.00" (it read as a standard deviation of zero).
    func testBaselinesOfOneSeedShowNoSpread() throws {
        let one = try run(["baselines", "--space", "hat-wmt14ende", "--split-seed", "123"])
        XCTAssertEqual(one.status, 0, one.stderr)
        XCTAssertTrue(one.stdout.contains("20 test architectures per split (seed 123)"), one.stdout)
        XCTAssertFalse(one.stdout.contains("±"), one.stdout)
        let all = try run(["baselines", "--space", "hat-wmt14ende"])
        XCTAssertTrue(all.stdout.contains("(mean ± population std over seeds 123, 456, 789)"), all.stdout)
        XCTAssertTrue(all.stdout.contains("1.14 ± 0.02"), all.stdout)
    }

    func testBaselinesJSON() throws {
        let r = try run(["baselines", "--space", "hat-wmt14ende", "--json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let obj = try json(r.stdout) as! [String: Any]
        XCTAssertEqual(obj["space"] as? String, "hat-wmt14ende")
        XCTAssertEqual(obj["metric"] as? String, "valid")
        let preds = obj["predictors"] as! [[String: Any]]
        XCTAssertEqual(preds.count, 13, "4 supernets, each shifted too, and 5 references")
        let shifted = preds.first { $0["name"] as? String == "Neuron-wise MoS (shift-calibrated)" }!
        XCTAssertEqual(String(format: "%.2f", shifted["mae_mean"] as! Double), "0.14")
        let ridge = preds.first { $0["name"] as? String == "Ridge on features (demonstrations)" }!
        XCTAssertEqual(String(format: "%.2f", ridge["mae_mean"] as! Double), "0.30")
        let mos = preds.first { $0["name"] as? String == "Neuron-wise MoS" }!
        XCTAssertEqual(String(format: "%.2f", mos["mae_mean"] as! Double), "0.87")
        XCTAssertEqual(String(format: "%.2f", mos["kendall_mean"] as! Double), "0.79")
        for p in preds { XCTAssertEqual(Set(p.keys), ["name", "mae_mean", "mae_std", "kendall_mean", "kendall_std"]) }
        XCTAssertTrue(preds.last!["mae_mean"] is NSNull, "the #params reference has no MAE: null")
    }

    func testArchJSONOnNB201WithMeasuredLatency() throws {
        let r = try run([
            "arch", "--space", "nb201-cifar10", "--random", "3", "--seed", "4", "--hardware", "pixel3", "--json",
        ])
        XCTAssertEqual(r.status, 0, r.stderr)
        let list = try json(r.stdout) as! [[String: Any]]
        XCTAssertEqual(list.count, 3)
        for a in list {
            XCTAssertEqual(Set(a.keys), ["id", "arch", "flops", "params", "embedding_params", "latency_ms"])
            XCTAssertEqual((a["arch"] as! [String: Any]).count, 6)
            XCTAssertTrue(a["embedding_params"] is NSNull)
            XCTAssertGreaterThan(a["latency_ms"] as! Double, 0)
        }
        // Same seed, same architectures.
        XCTAssertEqual(
            try run([
                "arch", "--space", "nb201-cifar10", "--random", "3", "--seed", "4", "--hardware", "pixel3", "--json",
            ]).stdout, r.stdout)
    }

    func testArchFromStdinUsesTheDataNames() throws {
        let text = Repo.hatRow1
        // The latency predictor trains on first use; keep it small here (the command has its own default).
        let dataDir = NSTemporaryDirectory() + "llmpp-cli-\(UUID().uuidString)"
        let r = try run(["arch", "--space", "hat-wmt14ende", "--file", "-", "--json"], stdin: text, dataDir: dataDir)
        XCTAssertEqual(r.status, 0, r.stderr)
        let a = (try json(r.stdout) as! [[String: Any]])[0]
        // Row 1 of the trained wmt14ende architectures: its recorded figures.
        XCTAssertEqual(a["flops"] as? Double, 3_479_416_512)
        XCTAssertEqual(a["params"] as? Double, 39_528_448)
        XCTAssertEqual(a["embedding_params"] as? Double, 16_777_216)
        let arch = a["arch"] as! [String: Any]
        XCTAssertEqual(arch["decoder-ffn-embed-dim-all-subtransformer"] as? [Int], [1024, 3072, 1024])
        XCTAssertEqual(arch["encoder-embed-dim-subtransformer"] as? Int, 640)
        XCTAssertGreaterThan(a["latency_ms"] as! Double, 0)
        XCTAssertTrue(r.stderr.contains("latency predictor"), "progress on stderr")
        // A second process finds the cached predictor: no training, the same latency.
        let again = try run(
            ["arch", "--space", "hat-wmt14ende", "--file", "-", "--json"], stdin: text, dataDir: dataDir)
        XCTAssertEqual(again.stderr, "")
        XCTAssertEqual(again.stdout, r.stdout)
    }

    func testSpacesAndErrors() throws {
        let r = try run(["spaces"])
        XCTAssertEqual(r.status, 0, r.stderr)
        for id in ["hat-wmt14ende", "hat-wmt14enfr", "hat-wmt19ende", "nb201-cifar10"] {
            XCTAssertTrue(r.stdout.contains(id))
        }
        // A broken space folder is named; the others are still listed (it failed the listing).
        let mixed = NSTemporaryDirectory() + "llmpp-spaces-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: mixed + "/broken", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: CLI.spaces + "/nb201-cifar10", toPath: mixed + "/nb201-cifar10")
        try "{\"format\": ".write(toFile: mixed + "/broken/space.json", atomically: true, encoding: .utf8)
        let listed = try CLI.run(["spaces"], spaces: mixed)
        XCTAssertEqual(listed.status, 1)
        XCTAssertTrue(listed.stdout.contains("nb201-cifar10     6"), listed.stdout)
        XCTAssertTrue(
            listed.stdout.contains("cannot be read: llmpp check --space broken --spaces \(mixed)"), listed.stdout)
        XCTAssertTrue(
            listed.stderr.contains("error: space 'broken' cannot be read: \(mixed)/broken/space.json"), listed.stderr)
        let bad = try run(["baselines", "--space", "nope"])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("no space 'nope'"), bad.stderr)
        let badArch = try run(["arch", "--space", "hat-wmt14ende", "--file", "-"], stdin: "enc_embed: 100\n")
        XCTAssertNotEqual(badArch.status, 0)
        XCTAssertTrue(badArch.stderr.contains("'100' is not one of 512, 640"), badArch.stderr)
        // A huge value is not echoed whole (a 10 MB field went to the terminal): the error's
        // start and end are kept, with the count of what was left out.
        let huge = try run(
            ["arch", "--space", "hat-wmt14ende", "--file", "-"],
            stdin: "enc_embed: \(String(repeating: "9", count: 1_000_000))\n")
        XCTAssertEqual(huge.status, 1)
        XCTAssertLessThan(huge.stderr.utf8.count, 5000)
        XCTAssertTrue(huge.stderr.contains("characters left out) …"), String(huge.stderr.prefix(300)))
        XCTAssertTrue(huge.stderr.contains("is not one of 512, 640"), String(huge.stderr.suffix(300)))
    }
}
