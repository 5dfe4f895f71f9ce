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

    /// FLOPs and parameter cells are numbers (1e400 and nan were written, then refused by
    /// `check`); one column cannot be two roles; the id is a folder name of sane length.
    func testEfficiencyColumnsRolesAndIdAreChecked() {
        func problem(id: String = "s", flops: String? = "f", score: String = "acc", cell: String) -> String? {
            let rows = (0..<30).map { i in ["v\(i % 3)", i == 4 ? cell : "\(i * 10)", "\(i)"] }
            let scaffold = SpaceScaffold(
                id: id, csv: CSVTable(header: ["a", "f", "acc"], rows: rows), score: score, flops: flops, params: nil)
            do {
                _ = try scaffold.files()
                return nil
            } catch { return "\(error)" }
        }
        XCTAssertNil(problem(cell: "12.5"))
        XCTAssertEqual(problem(cell: "1e400"), "row 6, column 'f': '1e400' is not a finite number >= 0")
        XCTAssertEqual(problem(cell: "nan"), "row 6, column 'f': 'nan' is not a finite number >= 0")
        XCTAssertEqual(problem(cell: "-3"), "row 6, column 'f': '-3' is not a finite number >= 0")
        XCTAssertEqual(problem(flops: "acc", cell: "1"), "--score and --flops name the same column 'acc'")
        XCTAssertEqual(problem(id: String(repeating: "x", count: 300), cell: "1"), "--id has 300 bytes; at most 64")
    }
}
