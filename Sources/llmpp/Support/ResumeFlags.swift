import ArgumentParser
import Foundation
import LLMPPEngine

/// What `--resume RUN` does with the run options given beside it: limits and pace are
/// accepted and saved with the run; everything else is part of the run as it was created and
/// is refused by name (it used to be ignored without a word).
enum ResumeFlags {
    /// Options a resume may change (`RunAmendments`).
    static let changeable = [
        "max-calls", "max-tokens", "max-cost", "llm-timeout", "concurrency", "evaluator-timeout", "evaluator-cmd",
        "pace", "pause-at-switch",
    ]

    /// Every option that makes up a run, read from the option groups' own help so that a new
    /// option is covered without a second list to keep in step.
    static var runOptionNames: Set<String> {
        let help = [
            RunOptions.helpMessage(includeHidden: true, columns: 1000),
            ProviderOptions.helpMessage(includeHidden: true, columns: 1000),
            PromptFlags.helpMessage(includeHidden: true, columns: 1000),
        ].joined(separator: "\n")
        var names = Set<String>()
        for line in help.split(separator: "\n") {
            // An option's line starts with its name; names quoted in help texts do not count.
            let t = line.drop { $0 == " " }
            guard t.hasPrefix("--") else { continue }
            names.insert(String(t.dropFirst(2).prefix { $0.isLetter || $0.isNumber || $0 == "-" }))
        }
        return names
    }

    /// The `--name`s in `arguments`, in order, up to a `--` terminator.
    static func given(in arguments: [String]) -> [String] {
        var out: [String] = []
        for a in arguments {
            if a == "--" { break }
            guard a.hasPrefix("--"), a.count > 2 else { continue }
            out.append(String(a.dropFirst(2).prefix { $0 != "=" }))
        }
        return out
    }

    /// The identifying options whose given value is the saved run's.
    static func sameAsSaved(_ saved: RunConfig, run: RunOptions, llm: ProviderOptions) -> Set<String> {
        var same = Set<String>()
        if run.space == saved.space { same.insert("space") }
        if llm.provider == saved.provider { same.insert("provider") }
        if let m = llm.model, m == saved.model { same.insert("model") }
        return same
    }

    /// Refuses the fixed run options among `arguments`; returns the changes to apply.
    static func amendments(
        runID: String, arguments: [String], run: RunOptions, llm: ProviderOptions, saved: RunConfig? = nil
    ) throws -> RunAmendments {
        let given = Self.given(in: arguments)
        let fixed = runOptionNames.subtracting(changeable)
        // The run's own space, provider and model may be said again (a command line repeated
        // with --resume added was told they "cannot change").
        let repeated = saved.map { sameAsSaved($0, run: run, llm: llm) } ?? []
        let refused = given.filter { fixed.contains($0) && !repeated.contains($0) }
        if !refused.isEmpty {
            let list = refused.map { "--\($0)" }.joined(separator: ", ")
            throw CLIError(
                """
                \(list) cannot change when resuming run \(runID): \(refused.count == 1 ? "it is" : "they are") part of the run as it was created. \
                With --resume only \(changeable.map { "--\($0)" }.joined(separator: ", ")) may be given; start a new run for other settings.
                """)
        }
        let set = Set(given)
        var a = RunAmendments()
        if set.contains("max-calls") { a.maxCalls = llm.maxCalls }
        if set.contains("max-tokens") { a.maxTokens = llm.maxTokens }
        if set.contains("max-cost") { a.maxCostUSD = llm.maxCost }
        if set.contains("llm-timeout") { a.llmTimeout = llm.llmTimeout }
        if set.contains("concurrency") { a.concurrency = llm.concurrency }
        if set.contains("evaluator-timeout") { a.evaluatorTimeout = run.evaluatorTimeout }
        if set.contains("evaluator-cmd") { a.evaluatorCommand = run.evaluatorCmd }
        if set.contains("pace"), let p = run.pace { a.pace = .some(try RunOptions.parsePace(p)) }
        if set.contains("pause-at-switch") { a.pauseAtSwitch = true }
        return a
    }
}
