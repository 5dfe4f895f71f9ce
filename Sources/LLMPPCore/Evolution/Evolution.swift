/// The operators of HAT's evolution over a space, with a feasibility test (the latency or
/// GFLOPs constraint, bans) applied by resampling, as HAT does. Candidates are made and
/// tested in batches: a latency predictor scores a batch far faster than one at a time.
public struct Evolution {
    public let shape: SpaceShape
    public let config: EvolutionConfig
    public let areFeasible: ([Architecture]) -> [Bool]
    /// A random architecture: the grid's, or a listed one's where the space scores only those
    /// (`SearchSpace.randomArchitecture`).
    public let draw: (inout SeededGenerator) -> Architecture

    public init(
        shape: SpaceShape, config: EvolutionConfig, areFeasible: @escaping ([Architecture]) -> [Bool],
        draw: ((inout SeededGenerator) -> Architecture)? = nil
    ) {
        self.shape = shape
        self.config = config
        self.areFeasible = areFeasible
        self.draw = draw ?? { shape.random(using: &$0) }
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
        try fill(n, &rng, draw)
    }

    /// Parents are kept; mutations of a random parent and crossovers of two random parents fill the rest.
    public func nextPopulation(parents: [Architecture], using rng: inout SeededGenerator) throws -> [Architecture] {
        precondition(!parents.isEmpty, "evolution needs parents")
        let p = config.mutationProbability
        // Children that cannot be made feasible from these parents (a constraint tightened far
        // below them) are drawn at random instead, so the search can move.
        var patient = config
        patient.maxResample = max(1, config.maxResample / 10)
        let fromParents = Evolution(shape: shape, config: patient, areFeasible: areFeasible, draw: draw)
        func children(_ n: Int, _ make: (inout SeededGenerator) -> Architecture) throws -> [Architecture] {
            do { return try fromParents.fill(n, &rng, make) } catch is InfeasibleConstraint {
                return try fill(n, &rng, draw)
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
