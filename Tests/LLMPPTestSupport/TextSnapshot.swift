import Foundation
import XCTest

/// Text snapshots kept under a test folder: a missing one is written (and the test fails, to
/// be reviewed); LLMPP_RECORD_SNAPSHOTS=1 rewrites them all.
public enum TextSnapshot {
    public static func assert(
        _ text: String, _ name: String, directory: String, file: StaticString = #filePath, line: UInt = #line
    ) throws {
        let path = (directory as NSString).appendingPathComponent("\(name).txt")
        let text = text + "\n"
        let record = ProcessInfo.processInfo.environment["LLMPP_RECORD_SNAPSHOTS"] == "1"
        if record || !FileManager.default.fileExists(atPath: path) {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            if !record { XCTFail("recorded a new snapshot \(name); review it and run again", file: file, line: line) }
            return
        }
        let expected = try String(contentsOfFile: path, encoding: .utf8)
        if expected != text {
            let a = expected.components(separatedBy: "\n")
            let c = text.components(separatedBy: "\n")
            let first = zip(a, c).enumerated().first { $0.element.0 != $0.element.1 }
            XCTFail(
                "snapshot \(name) differs at line \((first?.offset ?? 0) + 1):\n- \(first?.element.0 ?? "")\n+ \(first?.element.1 ?? "")",
                file: file, line: line)
        }
    }
}
