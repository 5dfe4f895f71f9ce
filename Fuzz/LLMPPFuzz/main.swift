import Foundation
import LLMPPCore
import LLMPPEngine
import LLMPPLLM
import LLMPPTUI

// libFuzzer harnesses for what llmpp reads from outside: LLM answers, space files, theme
// files and the external evaluator's output. Each input must give a value or a clear error
// (a non-empty message naming the file where there is one), never a crash or a hang.
// Built and run by scripts/fuzz; the first argument picks the target, the rest go to libFuzzer.

let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
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
        for (_, v) in try ExternalEvaluator.parseScores(data, command: "fuzz") { check(v.isFinite, "a score of \(v) accepted") }
    } catch {
        check("\(error)".contains("fuzz"), "an evaluator error that does not name the command: \(error)")
    }
}

let targets: [String: @Sendable (Data) -> Void] = ["response": response, "space": space, "theme": theme, "evaluator": evaluator]
nonisolated(unsafe) var selected: @Sendable (Data) -> Void = response

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                         _ cb: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

@_cdecl("LLMPPFuzz_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    guard argc >= 2, let name = argv[1].map({ String(cString: $0) }), let t = targets[name] else {
        FileHandle.standardError.write(Data("usage: LLMPPFuzz \(targets.keys.sorted().joined(separator: "|")) [libFuzzer options] [corpus dirs]\n".utf8))
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
