import Foundation
import XCTest

@testable import LLMPPLLM

final class LogPruningTests: XCTestCase {
    /// Every start of the local server left a log behind (13 files, 24 MB after two days):
    /// only the newest are kept, and nothing else in the folder is touched.
    func testKeepsTheNewestServerLogsAndNothingElse() throws {
        let dir = LLMFixtures.tempDir()
        let fm = FileManager.default
        for i in 0..<12 {
            let path = dir + "/llama-server-\(30000 + i).log"
            XCTAssertTrue(fm.createFile(atPath: path, contents: Data("log \(i)".utf8)))
            try fm.setAttributes(
                [.modificationDate: Date(timeIntervalSince1970: 1_000_000 + Double(i) * 60)], ofItemAtPath: path)
        }
        for other in ["evaluator.log", "explore-stderr.log", "llama-server-notes.txt"] {
            XCTAssertTrue(fm.createFile(atPath: dir + "/" + other, contents: Data()))
        }
        LogPruning.prune(directory: dir, prefix: "llama-server-", keep: 7)
        let left = try fm.contentsOfDirectory(atPath: dir).sorted()
        XCTAssertEqual(
            left,
            ((30005...30011).map { "llama-server-\($0).log" } + [
                "evaluator.log", "explore-stderr.log", "llama-server-notes.txt",
            ])
            .sorted())
        LogPruning.prune(directory: dir + "/missing", prefix: "llama-server-", keep: 7)
    }
}
