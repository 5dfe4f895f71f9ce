import XCTest

@testable import LLMPPCore

final class CSVTableTests: XCTestCase {
    func testQuotingAndLineEndings() throws {
        let t = try CSVTable.parse("a,b,c\r\n1,\"x,y\",\"say \"\"hi\"\"\"\n2,,\"multi\nline\"\n", file: "t.csv")
        XCTAssertEqual(t.header, ["a", "b", "c"])
        XCTAssertEqual(t.rows, [["1", "x,y", "say \"hi\""], ["2", "", "multi\nline"]])
        XCTAssertEqual(t.column("c"), 2)
        XCTAssertNil(t.column("d"))
    }

    /// A spreadsheet's byte-order mark is not part of the first column's name (a measurements
    /// sheet's first dimension was unknown; a new space named its first dimension with it).
    func testAByteOrderMarkIsNotPartOfTheHeader() throws {
        let t = try CSVTable.parse(bytes: [0xEF, 0xBB, 0xBF] + Array("e10,latency_ms\n1,2\n".utf8), file: "t.csv")
        XCTAssertEqual(t.header, ["e10", "latency_ms"])
        XCTAssertEqual(t.rows, [["1", "2"]])
        XCTAssertEqual(t.rowLines, [2])
    }

    /// A lone CR ends a line (old Mac files read as one long header naming every cell), and the
    /// line numbers count it.
    func testLoneCarriageReturnsEndLines() throws {
        let t = try CSVTable.parse("a,b\r1,2\r3,4\r", file: "t.csv")
        XCTAssertEqual(t.header, ["a", "b"])
        XCTAssertEqual(t.rows, [["1", "2"], ["3", "4"]])
        XCTAssertThrowsError(try CSVTable.parse("a,b\r1,2\r3,\"x\"y\r", file: "t.csv")) { e in
            XCTAssertTrue("\(e)".contains("line 3"), "\(e)")
        }
    }

    /// `text` is what `parse` reads back, quoted cells included (reports and new spaces write it).
    func testTextRoundTrips() throws {
        let t = CSVTable(header: ["a", "b,c"], rows: [["x", "say \"hi\""], ["line\nbreak", ""]])
        let back = try CSVTable.parse(t.text, file: "t.csv")
        XCTAssertEqual(back.header, t.header)
        XCTAssertEqual(back.rows, t.rows)
        XCTAssertEqual(CSVTable(header: ["x"], rows: [["1"]]).text, "x\n1\n")
    }

    func testMalformedFilesNameFileAndLine() {
        func err(_ s: String) -> String {
            do {
                _ = try CSVTable.parse(s, file: "x.csv")
                return ""
            } catch { return "\(error)" }
        }
        XCTAssertEqual(err("a,b\n1,2\n3\n"), "x.csv: line 3: 1 fields where the header has 2")
        XCTAssertEqual(err("a,b\n1,\"2\n"), "x.csv: line 3: unterminated quoted field")
        XCTAssertEqual(err("a,b\n1,x\"y\n"), "x.csv: line 2: a quote inside an unquoted field")
        XCTAssertEqual(err(""), "x.csv: empty CSV: no header row")
        XCTAssertTrue(err("a,b\n\"1\"x,2\n").contains("text after a closing quote"))
        // A row's own line, counted past a quoted field that spans lines and a blank line (the
        // row's index named line 3 here).
        XCTAssertEqual(err("a,b\n1,\"x\ny\"\n\n3\n"), "x.csv: line 5: 1 fields where the header has 2")
    }
}
