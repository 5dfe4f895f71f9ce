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
    /// The first choice each text and each number denotes: parsing a row looked through every
    /// choice, so a column of 200,000 distinct values took minutes to load.
    private let byText: [String: Int]
    private let byNumber: [Double: Int]

    init(
        name: String, alias: String, choices: [ChoiceValue], group: Int?, description: String, geneOffset: Int,
        geneCount: Int
    ) {
        (self.name, self.alias, self.choices, self.group) = (name, alias, choices, group)
        (self.description, self.geneOffset, self.geneCount) = (description, geneOffset, geneCount)
        var byText: [String: Int] = [:]
        var byNumber: [Double: Int] = [:]
        for (i, c) in choices.enumerated().reversed() {
            byText[c.description] = i
            if let n = c.number { byNumber[n] = i }
        }
        (self.byText, self.byNumber) = (byText, byNumber)
    }

    /// The first choice `text` denotes (`ChoiceValue.matches`), or nil.
    public func choiceIndex(of text: String) -> Int? {
        let candidates = [byText[text], Double(text).flatMap { byNumber[$0] }].compactMap { $0 }
        return candidates.min()
    }
}

/// Layers whose number is itself a dimension (the "count" dimension).
public struct LayerGroup: Sendable, Equatable {
    public let name: String
    public let countDimension: Int
    public let max: Int
}
