import XCTest

@testable import LLMPPCore

private struct Ctx: ExpressionContext {
    var scalars: [ExpressionValue] = []
    var layers: [[ExpressionValue]] = []
    var count = 0
    func scalar(_ d: Int) -> ExpressionValue { scalars[d] }
    func layer(_ d: Int, _ l: Int) -> ExpressionValue { layers[d][l] }
    func layerCount(_ g: Int) -> Int { count }
    func column(table: Int, column: Int) throws -> ExpressionValue { throw NotInTable(table: "t") }
}

extension ExpressionScope {
    fileprivate func merging(_ defs: [String: String]) -> ExpressionScope {
        var s = self
        for (k, v) in defs { s.definitions[k] = try! ExpressionParser.parse(v) }
        return s
    }
}

final class ExpressionTests: XCTestCase {
    private func scope() -> ExpressionScope {
        var s = ExpressionScope()
        s.constants = ["T": 30, "q": 512]
        s.scalars = ["a": 0, "op": 1]
        s.perLayer = ["f": (0, 0)]
        s.groups = ["enc": 0]
        s.definitions = [
            "k": try! ExpressionParser.parse("if(f == -1, 1, f + 1)"), "loop": try! ExpressionParser.parse("loop + 1"),
        ]
        // op's choices (dimension 1) and f's (dimension 0; a, also 0 here, is never looked up).
        s.choices = [
            1: [.string("none"), .string("nor_conv_3x3"), .string("avg_pool_3x3")], 0: [1, 2, 3].map { .number($0) },
        ]
        return s
    }

    func testChoiceLookUpAndLayerIndex() throws {
        XCTAssertEqual(try eval("choice(op, 0, 7, 1)"), .number(7))
        XCTAssertEqual(try eval("sum(enc, choice(f, 10, 20, 30))"), .number(60))
        // The layer index inside an aggregate: 0, 1, 2 -> a weight per position.
        XCTAssertEqual(try eval("sum(enc, index(enc) * f)"), .number(8))  // 0*1 + 1*2 + 2*3
        XCTAssertThrowsError(try eval("choice(op, 1, 2)")) {
            XCTAssertEqual(
                "\($0)",
                "choice(op, ...) needs 3 values, one per choice (none, nor_conv_3x3, avg_pool_3x3); got 2")
        }
        XCTAssertThrowsError(try eval("index(enc)")) {
            XCTAssertTrue("\($0)".contains("use it inside sum(enc, ...)"), "\($0)")
        }
        XCTAssertThrowsError(try eval("choice(T, 1)")) {
            XCTAssertTrue("\($0)".contains("takes a dimension's alias first"), "\($0)")
        }
    }

    private func eval(_ src: String, a: Double = 2, layers: [Double] = [1, 2, 3]) throws -> ExpressionValue {
        let ctx = Ctx(
            scalars: [.number(a), .string("nor_conv_3x3")], layers: [layers.map { .number($0) }], count: layers.count)
        return try CompiledExpression.compile(src, scope: scope()).evaluate(ctx)
    }

    func testArithmeticPrecedenceAndAssociativity() throws {
        XCTAssertEqual(try eval("1 + 2 * 3"), .number(7))
        XCTAssertEqual(try eval("(1 + 2) * 3"), .number(9))
        XCTAssertEqual(try eval("2 ^ 3 ^ 2"), .number(512))  // right-associative
        XCTAssertEqual(try eval("-2 ^ 2"), .number(4))
        XCTAssertEqual(try eval("10 - 4 - 3"), .number(3))  // left-associative
        XCTAssertEqual(try eval("T * q / 2"), .number(7680))
        XCTAssertEqual(try eval("1.5e3 + .5"), .number(1500.5))
    }

    func testAggregatesDefinitionsAndConditions() throws {
        XCTAssertEqual(try eval("sum(enc, f)"), .number(6))
        XCTAssertEqual(try eval("mean(enc, f * a)"), .number(4))
        XCTAssertEqual(try eval("max(enc, f)"), .number(3))
        XCTAssertEqual(try eval("count(enc)"), .number(3))
        XCTAssertEqual(try eval("sum(enc, k)", layers: [-1, 1, 2]), .number(6))  // 1 + 2 + 3
        XCTAssertEqual(try eval("op == \"nor_conv_3x3\""), .number(1))
        XCTAssertEqual(try eval("if(a > 1, 10, 20)"), .number(10))
        XCTAssertEqual(try eval("min(a, 1) + abs(-3)"), .number(4))
        XCTAssertEqual(try eval("sum(enc, f)", layers: []), .number(0))
    }

    func testErrorsNameTheProblem() {
        func message(_ src: String) -> String {
            do {
                _ = try eval(src)
                return "no error"
            } catch { return "\(error)" }
        }
        XCTAssertTrue(message("f + 1").contains("one value per layer of 'enc'"), message("f + 1"))
        XCTAssertTrue(message("b + 1").contains("unknown name 'b'"))
        XCTAssertTrue(message("(1 + 2").contains("expected ')'"))
        XCTAssertTrue(message("1 + + ").contains("expected a value"))
        XCTAssertTrue(message("loop").contains("refers to itself"))
        XCTAssertTrue(message("sum(dec, f)").contains("unknown layer group 'dec'"))
        XCTAssertTrue(message("op + 1").contains("needs a number"))
        XCTAssertTrue(message("1 / (a - 2)").contains("division by zero"))
        XCTAssertTrue(message("frobnicate(1)").contains("unknown function"))
        XCTAssertTrue(message("1 2").contains("after a complete expression"))
        XCTAssertTrue(message("\"open").contains("unterminated string"))
        XCTAssertTrue(message("mean(enc, f)").contains("no error"))
        XCTAssertTrue(message("mean(enc, f)").contains("no error"))
        do {
            _ = try eval("mean(enc, f)", layers: [])
            XCTFail("mean over nothing")
        } catch {}
    }

    /// 30,000 nested parentheses used to overflow the stack (exit 139); every kind of
    /// nesting now stops at the depth limit with an error saying so.
    func testDeepNestingIsAnErrorNotACrash() {
        let n = 30_000
        let sources = [
            String(repeating: "(", count: n) + "1" + String(repeating: ")", count: n),
            String(repeating: "-", count: n) + "1",
            String(repeating: "2^", count: n) + "2",
            String(repeating: "1+", count: n) + "1",
            String(repeating: "abs(", count: n) + "1" + String(repeating: ")", count: n),
        ]
        for src in sources {
            XCTAssertThrowsError(try CompiledExpression.compile(src, scope: scope())) { e in
                XCTAssertTrue("\(e)".contains("nests deeper than 256 levels"), "\(e)")
            }
        }
        let ok = String(repeating: "(", count: 200) + "1" + String(repeating: ")", count: 200)
        XCTAssertEqual(try eval(ok), .number(1))
        XCTAssertEqual(try eval(Array(repeating: "1", count: 250).joined(separator: " + ")), .number(250))
    }

    /// The deepest formulas the limits allow parse, compile and evaluate on a thread with a
    /// small stack (512 KB, as some thread pools give), in this unoptimised build.
    func testTheDeepestAllowedFormulasFitASmallStack() {
        let n = ExpressionParser.maxDepth - 2
        var s = scope()
        s.definitions = [
            "c0": try! ExpressionParser.parse(String(repeating: "(", count: n) + "a" + String(repeating: ")", count: n))
        ]
        for i in 1...3 {
            s.definitions["c\(i)"] = try! ExpressionParser.parse(String(repeating: "-", count: n - 5) + "c\(i - 1)")
        }
        let sources = [
            String(repeating: "(", count: n) + "1" + String(repeating: ")", count: n),
            String(repeating: "-", count: n) + "1",
            String(repeating: "abs(", count: n) + "1" + String(repeating: ")", count: n),
            Array(repeating: "1", count: n).joined(separator: " + "), "c3",
        ]
        nonisolated(unsafe) let scope = s
        let done = expectation(description: "evaluated")
        nonisolated(unsafe) var values: [Double] = []
        let t = Thread {
            for src in sources {
                values.append(
                    (try? CompiledExpression.compile(src, scope: scope).number(
                        Ctx(scalars: [.number(2), .string("x")]))) ?? .nan)
            }
            done.fulfill()
        }
        t.stackSize = 512 * 1024
        t.start()
        wait(for: [done], timeout: 30)
        XCTAssertEqual(values, [1, 1, 1, Double(n), -2])
    }

    /// Definitions are inlined: a chain of them may nest deeper, or grow larger, than any
    /// one formula (each using the previous twice doubles the size).
    func testDefinitionChainsAreBounded() {
        var s = scope()
        s.definitions = ["d0": try! ExpressionParser.parse("a")]
        for i in 1...40 { s.definitions["d\(i)"] = try! ExpressionParser.parse("d\(i - 1) + d\(i - 1)") }
        XCTAssertThrowsError(try CompiledExpression.compile("d40", scope: s)) { e in
            XCTAssertTrue("\(e)".contains("beyond 100000 terms"), "\(e)")
        }
        s.definitions = ["c0": try! ExpressionParser.parse("a")]
        for i in 1...2000 { s.definitions["c\(i)"] = try! ExpressionParser.parse("-c\(i - 1)") }
        XCTAssertThrowsError(try CompiledExpression.compile("c2000", scope: s)) { e in
            XCTAssertTrue("\(e)".contains("once its definitions are expanded"), "\(e)")
        }
        XCTAssertNoThrow(try CompiledExpression.compile("d10 + c50", scope: s.merging(["d10": "a"])))
    }

    /// inf and NaN used to pass as numbers and fail later in the store's JSON encoder.
    func testNonFiniteResultsAreErrors() throws {
        let ctx = Ctx(scalars: [.number(2), .string("x")], layers: [[.number(1)]], count: 1)
        for src in ["1e308 * 10", "-1e308 * 10", "sqrt(0 - a)", "log(0)"] {
            XCTAssertThrowsError(try CompiledExpression.compile(src, scope: scope()).number(ctx)) { e in
                XCTAssertTrue("\(e)".contains("not a finite number"), "\(src): \(e)")
            }
        }
        XCTAssertEqual(try CompiledExpression.compile("1 / (1 + exp(1000))", scope: scope()).number(ctx), 0)
    }

    /// Seeded garbage never crashes the parser: it either parses or throws an ExpressionError.
    func testParserSurvivesGarbage() {
        var rng = SeededGenerator(seed: 7)
        let alphabet = Array("abfkTq0123456789.e+-*/^()<>=!,\" _sumeanif")
        for _ in 0..<5000 {
            let n = rng.index(24)
            let src = String((0..<n).map { _ in alphabet[rng.index(alphabet.count)] })
            do { _ = try CompiledExpression.compile(src, scope: scope()) } catch is ExpressionError {} catch {
                XCTFail("unexpected error type for \(src): \(error)")
            }
        }
    }
}
