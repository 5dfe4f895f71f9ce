import LLMPPCore
import LLMPPLLM

/// What `predict` resolved from its flags before asking anything: the space's labelled set,
/// the prompt, the splits, the metric the predictions are scored against and the truth the
/// demonstrations show.
struct PredictionJob {
    let space: SearchSpace
    let labelled: LabelledSet
    let template: PromptTemplate
    let options: PromptOptions
    let splits: [Split]
    let metric: String
    let demoTruth: CompiledExpression

    var table: SpaceTable { space.tables[labelled.table] }

    /// A labelled row's truth under metric `m` (which `resolveJob` checked exists, or one of
    /// the labelled set's own metrics).
    func truth(_ m: String, _ row: Int) throws -> Double {
        try space.evaluate(labelled.truth[m]!, table.architectures[row], row: (labelled.table, row))
    }
}
