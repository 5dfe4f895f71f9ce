import Foundation
import LLMPPCore
import LLMPPLLM
import LLMPPStore

/// What a run's configuration fixes before its first unit, computed from the space alone
/// (pure): the split's demonstrations with their scores, its test rows, and the architectures
/// the LLM labels.
struct RunPlan {
    let demonstrations: [(Architecture, Double)]
    let testRows: [Int]
    let labelTargets: [Architecture]

    /// `demonstrationMetric`: the truth the prompts show (nil when the run asks no LLM).
    init(space: SearchSpace, config: RunConfig, demonstrationMetric: String?) throws {
        var demos: [(Architecture, Double)] = []
        var tests: [Int] = []
        if let l = space.labelled {
            let table = space.tables[l.table]
            if let sp = l.resolveSplit(config.splitSeed, rowCount: table.architectures.count) {
                if let m = demonstrationMetric, let truth = l.truth[m] {
                    demos = try space.demonstrations(sp, truth: truth)
                }
                tests = sp.test
            }
        }
        demonstrations = demos
        testRows = tests
        let testIDs = Set(tests.map { space.id(space.tables[space.labelled!.table].architectures[$0]) })
        labelTargets = Self.labelTargets(space: space, config: config, exclude: testIDs)
    }

    /// The architectures to label: a seeded shuffle of the pool (or fresh samples), minus the test split.
    static func labelTargets(space: SearchSpace, config: RunConfig, exclude: Set<String>) -> [Architecture] {
        guard config.labels > 0 else { return [] }
        var rng = SeededGenerator(seed: (config.labelSeed ?? config.seed) &+ 0x1AB)
        let poolName = config.labelPool ?? space.pools.keys.sorted().first
        if let name = poolName, var pool = space.pool(name) {
            pool.shuffle(using: &rng)
            return Array(pool.filter { !exclude.contains(space.id($0)) }.prefix(config.labels))
        }
        var seen = exclude
        var out: [Architecture] = []
        var tries = 0
        while out.count < config.labels && tries < config.labels * 20 {
            tries += 1
            let a = space.randomArchitecture(using: &rng)
            if seen.insert(space.id(a)).inserted { out.append(a) }
        }
        return out
    }
}
