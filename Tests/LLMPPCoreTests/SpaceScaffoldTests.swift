import XCTest

@testable import LLMPPCore

/// `new-space` refuses what `check` would refuse in the space it writes (it wrote it, then
/// `check` failed on it): a column without a name, a name used twice, a value holding `"`.
final class SpaceScaffoldTests: XCTestCase {
    func problem(_ header: [String], _ value: String) -> String? {
        let rows = (0..<30).map { i in [i == 0 ? value : "v\(i % 3)", "w", "\(i)"] }
        let scaffold = SpaceScaffold(
            id: "s", csv: CSVTable(header: header, rows: rows), score: header[2], flops: nil, params: nil)
        do {
            _ = try scaffold.files()
            return nil
        } catch { return "\(error)" }
    }

    func testColumnsCheckWouldRefuseAreRefusedFirst() {
        XCTAssertNil(problem(["a", "b", "acc"], "v0"))
        XCTAssertEqual(problem(["a", "a", "acc"], "v0"), "column 'a' appears twice in the CSV's header; rename one")
        XCTAssertEqual(problem(["a", " ", "acc"], "v0"), "column 2 has no name in the CSV's header")
        XCTAssertEqual(
            problem(["a", "b", "acc"], "con\"v3"),
            "row 2, column 'a': the value holds '\"', which the space's formulas cannot quote; edit the CSV")
    }
}
