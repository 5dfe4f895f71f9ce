import Foundation
import XCTest

/// docs/walkthrough/README.md works as written: every `llmpp` line of its `sh` blocks runs,
/// in order, from a copy of the folder with fresh spaces and data directories, and exits 0.
final class WalkthroughTests: XCTestCase {
    static let folder: String = {
        var dir = (#filePath as NSString).deletingLastPathComponent
        for _ in 0..<2 { dir = (dir as NSString).deletingLastPathComponent }
        return (dir as NSString).appendingPathComponent("docs/walkthrough")
    }()

    /// The commands of the ```sh blocks, in order.
    static func commands(_ markdown: String) -> [String] {
        var out: [String] = []
        var inBlock = false
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("```") {
                inBlock = line == "```sh"
                continue
            }
            if inBlock && line.hasPrefix("llmpp ") { out.append(String(line)) }
        }
        return out
    }

    func testTheWalkthroughRunsAsWritten() throws {
        let text = try String(contentsOfFile: Self.folder + "/README.md", encoding: .utf8)
        let commands = Self.commands(text)
        XCTAssertEqual(commands.count, 7, "the walk-through's commands:\n\(commands.joined(separator: "\n"))")
        let root = NSTemporaryDirectory() + "llmpp-walkthrough-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root + "/spaces", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Self.folder, toPath: root + "/work")
        var outputs: [String] = []
        for c in commands {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/bin/bash")
            // `llmpp` is the binary under test; the folder copy is the working directory.
            p.arguments = ["-c", "llmpp() { \"$LLMPP_BIN\" \"$@\"; }; " + c]
            p.currentDirectoryURL = URL(fileURLWithPath: root + "/work")
            p.environment = ProcessInfo.processInfo.environment.merging([
                "LLMPP_BIN": CLI.binary, "LLMPP_SPACES": root + "/spaces", "XDG_DATA_HOME": root + "/data",
            ]) { _, new in new }
            let out = Pipe()
            p.standardOutput = out
            p.standardError = out
            try p.run()
            let data = out.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            let text = String(decoding: data, as: UTF8.self)
            XCTAssertEqual(p.terminationStatus, 0, "\(c)\n\(text)")
            outputs.append(text)
        }
        guard outputs.count == 7 else { return }
        XCTAssertTrue(outputs[1].hasSuffix("ok\n"), outputs[1])
        XCTAssertTrue(outputs[2].contains("Ridge on features (demonstrations)"), outputs[2])
        XCTAssertTrue(
            try String(contentsOfFile: root + "/work/sheet.csv", encoding: .utf8).hasPrefix(
                "layer0,layer1,layer2,width,latency_ms\n"))
        XCTAssertTrue(outputs[4].contains("<- saved"), outputs[4])
        XCTAssertTrue(outputs[5].contains("ms on board (adapted from 8 measurements"), outputs[5])
        XCTAssertTrue(outputs[6].contains("constraint latency <= 12 ms on board"), outputs[6])
        XCTAssertTrue(outputs[6].contains("Pareto front"), outputs[6])
    }
}
