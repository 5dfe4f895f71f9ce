import ArgumentParser
import LLMPPCore
import LLMPPLLM

/// The LLM-PP prompt's efficiency lines and demonstration order; each defaults to what the
/// space's prompt.json says.
struct PromptFlags: ParsableArguments {
    @Option(
        help:
            "Efficiency lines per architecture: gflops (the paper), params, or gflops,params (default: prompt.json's).")
    var efficiency: String?
    @Option(
        name: .customLong("demo-order"),
        help:
            "Demonstration order: data (the paper), efficiency (ascending), efficiency-descending, nearest-last (default: prompt.json's)."
    )
    var demoOrder: DemoOrder?
    @Option(help: "Architecture encoding: lines (the paper's name: value), json, graph (default: prompt.json's).")
    var encoding: ArchitectureEncoding?

    func validate() throws {
        if let e = efficiency { do { _ = try EfficiencyLine.parse(e) } catch { throw ValidationError("\(error)") } }
    }

    /// `parts` with the efficiency lines and order from the flags, else from the template.
    func resolve(parts: PromptOptions, template: PromptTemplate) throws -> PromptOptions {
        var o = parts
        let defaults = template.defaultOptions
        o.efficiency = try efficiency.map(EfficiencyLine.parse) ?? defaults.efficiency
        o.demoOrder = demoOrder ?? defaults.demoOrder
        o.encoding = encoding ?? defaults.encoding
        return o
    }
}

extension DemoOrder: ExpressibleByArgument {}
extension ArchitectureEncoding: ExpressibleByArgument {}
