import Foundation
import LLMPPCore
import LLMPPEngine
import LLMPPLLM
import LLMPPTUI

// libFuzzer harnesses for what llmpp reads from outside: LLM answers, raw HTTP responses,
// space files and their formulas, theme files and the external evaluator's output. Each
// input must give a value or a clear error
// (a non-empty message naming the file where there is one), never a crash or a hang.
// Built and run by scripts/fuzz; the first argument picks the target, the rest go to libFuzzer.

let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path
let spaceFile = repo + "/Fuzz/Resources/space/space.json"
nonisolated(unsafe) let parser = ResponseParser(key: "bleu", metric: "BLEU", range: 0...100)

func check(_ ok: Bool, _ what: @autoclosure () -> String) {
    if !ok { fatalError("fuzz invariant broken: \(what())") }
}

func response(_ data: Data) {
    switch parser.parse(String(decoding: data, as: UTF8.self)) {
    case .value(let v, _): check(v.isFinite && (0...100).contains(v), "value \(v) outside the range")
    case .outOfRange(let v): check(!(0...100).contains(v), "in-range value \(v) reported out of range")
    case .missing(let why): check(!why.isEmpty, "missing without a reason")
    }
}

func space(_ data: Data) {
    do {
        let s = try SpaceLoader.load(data: data, file: spaceFile)
        // What loaded must be usable: sample, name and encode an architecture.
        var rng = SeededGenerator(seed: UInt64(data.count))
        let a = s.shape.random(using: &rng)
        _ = s.id(a)
        _ = s.canonicalText(a)
    } catch let e as SpaceError {
        check(e.file == spaceFile && !e.problem.isEmpty, "an error without its file or problem: \(e)")
    } catch {
        check(!"\(error)".isEmpty, "an empty error")
    }
}

func theme(_ data: Data) {
    do { _ = try Theme.parse(data, file: "fuzz.json") } catch {
        check("\(error)".contains("fuzz.json"), "a theme error that does not name its file: \(error)")
    }
}

func evaluator(_ data: Data) {
    do {
        for (_, v) in try ExternalEvaluator.parseAnswers(data, command: "fuzz") {
            check(v.score.isFinite, "a score of \(v.score) accepted")
            check(
                v.seconds.map { $0.isFinite && $0 >= 0 } ?? true,
                "a cost of \(String(describing: v.seconds)) s accepted")
        }
    } catch {
        check("\(error)".contains("fuzz"), "an evaluator error that does not name the command: \(error)")
    }
}

/// Raw bytes from a server, framed with a roomy and a tight body limit, as if the connection
/// were still open and as if it had closed after them.
func http(_ data: Data) {
    let bytes = [UInt8](data)
    for limit in [4096, 16] {
        var open: HTTPResponseFraming.Response?
        do { open = try HTTPResponseFraming.parse(bytes, closed: false, maxBodyBytes: limit) } catch {
            check(!"\(error)".isEmpty, "an empty error")
        }
        do {
            let r = try HTTPResponseFraming.parse(bytes, closed: true, maxBodyBytes: limit)
            check(r != nil, "no response and no error after the connection closed")
            if let r {
                check((100...599).contains(r.status), "status \(r.status) accepted")
                check(r.body.count <= limit, "a body of \(r.body.count) bytes over the limit of \(limit)")
            }
            // A frame complete before the close must read the same after it.
            if let open { check(open == r, "the close changed a complete response") }
        } catch let e as LLMError {
            check(!e.description.isEmpty, "an empty error")
            check(open == nil, "a complete response became an error once the connection closed: \(e)")
        } catch {
            check(false, "not an LLMError: \(error)")
        }
    }
}

/// Formulas as a space file writes them: parsed, compiled against a small scope and
/// evaluated; the same text nested past the depth limit must be refused, not overflow.
struct FormulaContext: ExpressionContext {
    func scalar(_ d: Int) -> ExpressionValue { d == 0 ? .number(2) : .string("nor_conv_3x3") }
    func layer(_ d: Int, _ l: Int) -> ExpressionValue { .number(Double(l + 1)) }
    func layerCount(_ g: Int) -> Int { 3 }
    func column(table: Int, column: Int) throws -> ExpressionValue { throw ExpressionError("no tables here") }
}

/// Built per input: a global holding it reads as a leak to LeakSanitizer.
func formulaScope() -> ExpressionScope {
    var s = ExpressionScope()
    s.constants = ["T": 30]
    s.scalars = ["a": 0, "op": 1]
    s.perLayer = ["f": (0, 0)]
    s.groups = ["enc": 0]
    s.definitions = ["k": try! ExpressionParser.parse("if(f == 1, 1, f + a)")]
    return s
}

func expression(_ data: Data) {
    let source = String(decoding: data, as: UTF8.self)
    let scope = formulaScope()
    do {
        let e = try CompiledExpression.compile(source, scope: scope)
        do { check(try e.number(FormulaContext()).isFinite, "a result that is not finite") } catch is ExpressionError {}
    } catch let e as ExpressionError {
        check(!e.message.isEmpty, "an empty error")
    } catch {
        check(false, "not an ExpressionError: \(error)")
    }
    // Text that parses, wrapped past the limit, must fail on its depth (text that does not
    // parse may fail on its own tokens first).
    guard (try? ExpressionParser.parse(source)) != nil else { return }
    let depth = ExpressionParser.maxDepth + 20
    for nested in [
        String(repeating: "(", count: depth) + source + String(repeating: ")", count: depth),
        String(repeating: "-", count: depth) + "(" + source + ")",
    ] {
        do {
            _ = try CompiledExpression.compile(nested, scope: scope)
            check(false, "\(depth) levels of nesting accepted")
        } catch {
            check(
                "\(error)".contains("nests deeper than"), "nesting past the limit refused for another reason: \(error)")
        }
    }
}

let targets: [String: @Sendable (Data) -> Void] = [
    "response": response, "space": space, "theme": theme, "evaluator": evaluator,
    "http": http, "expression": expression,
]
nonisolated(unsafe) var selected: @Sendable (Data) -> Void = response

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ cb: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

@_cdecl("LLMPPFuzz_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    guard argc >= 2, let name = argv[1].map({ String(cString: $0) }), let t = targets[name] else {
        FileHandle.standardError.write(
            Data(
                "usage: LLMPPFuzz \(targets.keys.sorted().joined(separator: "|")) [libFuzzer options] [corpus dirs]\n"
                    .utf8))
        return 2
    }
    selected = t
    // libFuzzer sees the program name followed by its own options.
    argv[1] = argv[0]
    var c = argc - 1
    var v: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argv + 1
    return LLVMFuzzerRunDriver(&c, &v) { data, count in
        selected(data.map { Data(bytes: $0, count: count) } ?? Data())
        return 0
    }
}
