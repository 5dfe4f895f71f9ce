import Foundation
import LLMPPTestSupport
import XCTest

/// `predict --calibrate`: the LLM also answers each demonstration from the other nine, and the
/// median of its errors there corrects every answer.
final class CalibrationCLITests: XCTestCase {
    func testShiftCalibrationAsksEachDemonstrationFromTheOthersAndShiftsByTheMedianError() throws {
        let prompts = ReceivedPrompts()
        // A predictor that always says 30: the demonstrations' BLEU (about 24-27) shows it 3-6 too high.
        let server = try prompts.server(answering: "{\"bleu\": 30}")
        defer { server.stop() }
        let dataDir = NSTemporaryDirectory() + "llmpp-calibrate-\(UUID().uuidString)"
        func predict(_ extra: [String]) throws -> CLI.Result {
            try CLI.run(
                [
                    "predict", "--space", "hat-wmt14ende", "--provider", "openai", "--model", "test-llm", "--limit",
                    "2", "--json",
                ] + extra, dataDir: dataDir,
                environment: ["OPENAI_BASE_URL": server.baseURL.absoluteString, "OPENAI_API_KEY": ""])
        }
        let r = try predict(["--split-seed", "123", "--calibrate", "shift"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let obj = try CLI.json(r.stdout) as! [String: Any]

        // 2 test prompts with the 10 demonstrations, 10 leave-one-out prompts with 9 each.
        let demoCounts = prompts.all.map { ReceivedPrompts.scores($0).count }
        XCTAssertEqual(demoCounts.filter { $0 == 10 }.count, 2, "\(demoCounts)")
        XCTAssertEqual(demoCounts.filter { $0 == 9 }.count, 10, "\(demoCounts)")
        // The shift, computed here from the demonstrations the server saw.
        let truths = ReceivedPrompts.scores(prompts.all.first { ReceivedPrompts.scores($0).count == 10 }!).sorted()
        let errors = truths.map { $0 - 30 }
        let median = (errors[4] + errors[5]) / 2
        let calibration = obj["calibration"] as! [String: Any]
        XCTAssertEqual(calibration["method"] as? String, "shift")
        let quality = ((obj["quality"] as? [String: Any])?["valid"] as? [[String: Any]])?.first
        XCTAssertEqual(quality?["name"] as? String, "LLM-PP (test-llm at 127.0.0.1, shift-calibrated)")
        let split = (calibration["splits"] as! [[String: Any]])[0]
        XCTAssertEqual(split["intercept"] as! Double, median, accuracy: 1e-9)
        XCTAssertEqual(split["answers"] as? [Double], Array(repeating: 30, count: 10))
        for p in obj["predictions"] as! [[String: Any]] {
            XCTAssertEqual(p["uncalibrated"] as? Double, 30)
            XCTAssertEqual(p["predicted"] as! Double, 30 + median, accuracy: 1e-9)
            // Calibrated like the prediction; the samples as answered (greedy was the raw 30).
            XCTAssertEqual(p["greedy"] as! Double, 30 + median, accuracy: 1e-9)
            XCTAssertEqual(p["samples"] as? [Double], [30])
        }

        // The test BLEU table says LLM-PP predicts the valid BLEU it was shown (its test MAE holds
        // the gap, while the references are fitted on test BLEU); the demonstrations' gap by NumPy.
        let text = try CLI.run(
            [
                "predict", "--space", "hat-wmt14ende", "--provider", "openai", "--model", "test-llm", "--limit", "2",
                "--split-seed", "123", "--calibrate", "shift",
            ], dataDir: dataDir,
            environment: ["OPENAI_BASE_URL": server.baseURL.absoluteString, "OPENAI_API_KEY": ""])
        XCTAssertTrue(
            text.stdout.contains(
                "LLM-PP was shown and predicts valid BLEU: its MAE here includes the demonstrations' mean gap (test - valid) of +1.24"
            ), text.stdout)
        XCTAssertEqual(text.stdout.components(separatedBy: "LLM-PP was shown").count, 2, "under the test table only")

        // A rerun asks nothing: the leave-one-out answers are cached like any other.
        let again = try predict(["--split-seed", "123", "--calibrate", "shift"])
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertEqual(prompts.all.count, 12)
        XCTAssertEqual((try CLI.json(again.stdout) as! [String: Any])["cached_samples"] as? Int, 12)

        // Without --calibrate a remote provider's answers stay as given (the shift is the local default).
        let plain = try predict(["--split-seed", "456"])
        XCTAssertEqual(plain.status, 0, plain.stderr)
        XCTAssertEqual(prompts.all.count, 14)
        let plainObj = try CLI.json(plain.stdout) as! [String: Any]
        XCTAssertEqual((plainObj["calibration"] as? [String: Any])?["method"] as? String, "none")
        XCTAssertEqual((plainObj["predictions"] as! [[String: Any]]).map { $0["predicted"] as? Double }, [30, 30])
    }
}
