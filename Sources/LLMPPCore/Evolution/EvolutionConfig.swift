/// HAT's evolutionary search settings; the defaults are the paper's.
public struct EvolutionConfig: Sendable, Codable, Equatable {
    public var iterations = 30
    public var population = 125
    public var parents = 25
    public var mutations = 50
    public var crossovers = 50
    public var mutationProbability = 0.3
    /// Rounds of redrawing infeasible candidates (constraint, bans) before giving up.
    public var maxResample = 2000

    public init(
        iterations: Int = 30, population: Int = 125, parents: Int = 25, mutations: Int = 50,
        crossovers: Int = 50, mutationProbability: Double = 0.3
    ) {
        self.iterations = iterations
        self.population = population
        self.parents = parents
        self.mutations = mutations
        self.crossovers = crossovers
        self.mutationProbability = mutationProbability
    }

    /// A population of `n` keeps HAT's proportions: 1/5 parents, 2/5 mutations, 2/5 crossovers.
    public static func scaled(population n: Int, iterations: Int = 30) -> EvolutionConfig {
        let p = max(1, n / 5)
        let m = max(0, (n - p) / 2)
        return EvolutionConfig(iterations: iterations, population: n, parents: p, mutations: m, crossovers: n - p - m)
    }

    public var problem: String? {
        if iterations < 1 { return "iterations must be at least 1" }
        if parents < 1 { return "parents must be at least 1" }
        if parents > population { return "parents (\(parents)) exceed the population (\(population))" }
        if parents + mutations + crossovers != population {
            return
                "parents + mutations + crossovers (\(parents + mutations + crossovers)) must equal the population (\(population))"
        }
        if !(0...1).contains(mutationProbability) { return "mutation probability must be in 0...1" }
        return nil
    }
}
