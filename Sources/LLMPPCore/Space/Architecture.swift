/// One architecture of a space as its gene: one choice index per gene slot. Per-layer
/// dimensions take `max` slots each, active or not, as HAT's evolution does, so that a
/// mutation of a layer count can wake up layers that carry earlier values.
/// Identity (`SearchSpace.id`) depends only on the active part.
public struct Architecture: Hashable, Sendable, Codable {
    public var genes: [Int]
    public init(genes: [Int]) { self.genes = genes }
}

/// A dimension of a space: its choices and, for per-layer dimensions, its layer group.
public struct Dimension: Sendable, Equatable {
    public let name: String
    public let alias: String
    public let choices: [ChoiceValue]
    public let group: Int?
    public let description: String
    /// First gene slot and number of slots (1, or the group's maximum layer count).
    public let geneOffset: Int
    public let geneCount: Int
}

/// Layers whose number is itself a dimension (the "count" dimension).
public struct LayerGroup: Sendable, Equatable {
    public let name: String
    public let countDimension: Int
    public let max: Int
}
