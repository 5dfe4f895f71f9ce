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

public struct InfeasibleConstraint: Error, CustomStringConvertible {
    public let tries: Int
    public var description: String { "no architecture meets the constraint after \(tries) samples: loosen it" }
}

/// The operators of HAT's evolution over a space, with a feasibility test (the latency or
/// GFLOPs constraint, bans) applied by resampling, as HAT does. Candidates are made and
/// tested in batches: a latency predictor scores a batch far faster than one at a time.
public struct Evolution {
    public let shape: SpaceShape
    public let config: EvolutionConfig
    public let areFeasible: ([Architecture]) -> [Bool]

    public init(shape: SpaceShape, config: EvolutionConfig, areFeasible: @escaping ([Architecture]) -> [Bool]) {
        self.shape = shape
        self.config = config
        self.areFeasible = areFeasible
    }

    public init(shape: SpaceShape, config: EvolutionConfig, isFeasible: @escaping (Architecture) -> Bool) {
        self.init(shape: shape, config: config, areFeasible: { $0.map(isFeasible) })
    }

    /// `n` feasible candidates from `make`, redrawing the infeasible ones round after round.
    func fill(_ n: Int, _ rng: inout SeededGenerator, _ make: (inout SeededGenerator) -> Architecture) throws
        -> [Architecture]
    {
        var out: [Architecture] = []
        var rounds = 0
        while out.count < n {
            guard rounds < config.maxResample else { throw InfeasibleConstraint(tries: config.maxResample) }
            rounds += 1
            let batch = (0..<(n - out.count)).map { _ in make(&rng) }
            for (a, ok) in zip(batch, areFeasible(batch)) where ok { out.append(a) }
        }
        return out
    }

    public func randomPopulation(_ n: Int, using rng: inout SeededGenerator) throws -> [Architecture] {
        try fill(n, &rng) { shape.random(using: &$0) }
    }

    /// Parents are kept; mutations of a random parent and crossovers of two random parents fill the rest.
    public func nextPopulation(parents: [Architecture], using rng: inout SeededGenerator) throws -> [Architecture] {
        precondition(!parents.isEmpty, "evolution needs parents")
        let p = config.mutationProbability
        // Children that cannot be made feasible from these parents (a constraint tightened far
        // below them) are drawn at random instead, so the search can move.
        var patient = config
        patient.maxResample = max(1, config.maxResample / 10)
        let fromParents = Evolution(shape: shape, config: patient, areFeasible: areFeasible)
        func children(_ n: Int, _ make: (inout SeededGenerator) -> Architecture) throws -> [Architecture] {
            do { return try fromParents.fill(n, &rng, make) } catch is InfeasibleConstraint {
                return try fill(n, &rng) { shape.random(using: &$0) }
            }
        }
        let mutated = try children(config.mutations) { r in
            shape.mutate(parents[r.index(parents.count)], probability: p, using: &r)
        }
        let crossed = try children(config.crossovers) { r in
            shape.crossover(parents[r.index(parents.count)], parents[r.index(parents.count)], using: &r)
        }
        return parents + mutated + crossed
    }
}

/// The non-dominated points for (maximise score, minimise latency), sorted by latency.
public func paretoFront<T>(_ items: [T], score: (T) -> Double, latency: (T) -> Double) -> [T] {
    let sorted = items.sorted { latency($0) < latency($1) || (latency($0) == latency($1) && score($0) > score($1)) }
    var front: [T] = []
    var best = -Double.infinity
    for x in sorted where score(x) > best {
        front.append(x)
        best = score(x)
    }
    return front
}
