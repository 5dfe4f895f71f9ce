import Foundation
import XCTest

/// `llmpp predict` against the real local llama-server and model that `scripts/setup`
/// installs (CI runs setup first). Set LLMPP_SKIP_LLM_TESTS=1 to skip on a machine without them.
final class LocalLLMTests: XCTestCase {
    func testPredictWithTheLocalModelThenFromCacheThenReplay() throws {
        if ProcessInfo.processInfo.environment["LLMPP_SKIP_LLM_TESTS"] == "1" {
            throw XCTSkip("LLMPP_SKIP_LLM_TESTS=1")
        }
        let dataDir = NSTemporaryDirectory() + "llmpp-local-\(UUID().uuidString)"
        // The digit walk and the leave-one-out shift (the local defaults, said explicitly so that
        // the replay below asks the same).
        let args = [
            "predict", "--space", "hat-wmt14ende", "--split-seed", "456", "--limit", "2", "--decode", "distribution",
            "--calibrate", "shift", "--json",
        ]

        let t0 = Date()
        let first = try CLI.run(args, dataDir: dataDir)
        XCTAssertEqual(first.status, 0, first.stderr)
        let obj = try CLI.json(first.stdout) as! [String: Any]
        XCTAssertEqual(obj["provider"] as? String, "local")
        XCTAssertEqual(obj["model"] as? String, "qwen2.5-coder-1.5b-instruct")
        let preds = obj["predictions"] as! [[String: Any]]
        XCTAssertEqual(preds.count, 2)
        for p in preds {
            let v = try XCTUnwrap(p["predicted"] as? Double, "a parsed prediction: \(p)")
            XCTAssertTrue((10...40).contains(v), "a BLEU-like value: \(v)")
            XCTAssertFalse((p["call_ids"] as! [Any]).isEmpty)
            // A distribution walked over the real server's next-token probabilities, its median the prediction.
            let d = try XCTUnwrap(p["distribution"] as? [[Double]], "\(p)")
            XCTAssertGreaterThan(d.count, 1)
            XCTAssertEqual(d.map { $0[1] }.reduce(0, +), 1, accuracy: 1e-6)
            let interval = try XCTUnwrap(p["interval"] as? [Double])
            XCTAssertLessThanOrEqual(interval[0], v)
            XCTAssertGreaterThanOrEqual(interval[1], v)
        }
        XCTAssertEqual(obj["decode"] as? String, "distribution")
        // Each demonstration answered from the other nine on the real server; the shift moved every answer.
        let split = try XCTUnwrap(((obj["calibration"] as? [String: Any])?["splits"] as? [[String: Any]])?.first)
        XCTAssertEqual(split["method"] as? String, "shift")
        let answers = try XCTUnwrap(split["answers"] as? [Double], "every leave-one-out answer parsed: \(split)")
        XCTAssertEqual(answers.count, 10)
        let shift = try XCTUnwrap(split["intercept"] as? Double)
        for p in preds {
            let raw = try XCTUnwrap(p["uncalibrated"] as? Double)
            XCTAssertEqual(p["predicted"] as! Double, raw + shift, accuracy: 1e-9)
        }
        XCTAssertEqual(obj["cached_samples"] as? Int, 0)
        XCTAssertTrue(first.stderr.contains("starting the local llama-server"), first.stderr)
        let firstDuration = Date().timeIntervalSince(t0)

        // Rerun: nothing is paid twice, the server is not even started.
        let second = try CLI.run(args, dataDir: dataDir)
        XCTAssertEqual(second.status, 0, second.stderr)
        let obj2 = try CLI.json(second.stdout) as! [String: Any]
        XCTAssertEqual(obj2["cached_samples"] as? Int, 2 + 10)
        XCTAssertFalse(second.stderr.contains("starting the local llama-server"))
        XCTAssertEqual(
            (obj2["predictions"] as! [[String: Any]]).map { $0["predicted"] as? Double },
            preds.map { $0["predicted"] as? Double })
        print("local LLM test: first run \(Int(firstDuration)) s")

        // The transcript: listed, shown, exported, and replayed to the same predictions.
        let run = obj["run"] as! String
        let list = try CLI.run(["calls", "--run", run], dataDir: dataDir)
        XCTAssertTrue(list.stdout.contains("local/qwen2.5-coder-1.5b-instruct"), list.stdout)
        let callID = String(((preds[0]["call_ids"] as! [Any])[0] as! NSNumber).intValue)
        let show = try CLI.run(["calls", "show", callID], dataDir: dataDir)
        XCTAssertTrue(show.stdout.contains("──── system ────"))
        XCTAssertTrue(show.stdout.contains("Test architecture:"))
        XCTAssertTrue(show.stdout.contains("──── response ────"))
        let export = try CLI.run(["calls", "export", "--run", run], dataDir: dataDir)
        XCTAssertEqual(export.status, 0, export.stderr)
        let file = dataDir + "/transcript.jsonl"
        try export.stdout.write(toFile: file, atomically: true, encoding: .utf8)
        let replay = try CLI.run(args + ["--provider", "replay", "--replay", file], dataDir: dataDir + "-replay")
        XCTAssertEqual(replay.status, 0, replay.stderr)
        let obj3 = try CLI.json(replay.stdout) as! [String: Any]
        XCTAssertEqual(obj3["display"] as? String, "replay of qwen2.5-coder-1.5b-instruct")
        XCTAssertEqual(
            (obj3["predictions"] as! [[String: Any]]).map { $0["predicted"] as? Double },
            preds.map { $0["predicted"] as? Double })
        XCTAssertEqual(
            (obj3["predictions"] as! [[String: Any]]).map { $0["distribution"] as? [[Double]] },
            preds.map { $0["distribution"] as? [[Double]] })

        // No server outlives the command: the port in its log's name is free again.
        let logs = try FileManager.default.contentsOfDirectory(atPath: dataDir + "/logs").filter {
            $0.hasPrefix("llama-server-")
        }
        XCTAssertEqual(logs.count, 1, "one server for the whole first run")
        let port = logs[0].dropFirst("llama-server-".count).dropLast(".log".count)
        let ps = Process()
        ps.executableURL = URL(fileURLWithPath: "/bin/sh")
        ps.arguments = ["-c", "pgrep -f -- '[-]-port \(port) ' | wc -l"]
        let pipe = Pipe()
        ps.standardOutput = pipe
        try ps.run()
        ps.waitUntilExit()
        XCTAssertEqual(
            String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(
                in: .whitespacesAndNewlines), "0")
    }
}
