/// How a space's architectures read as a graph (`"graph"` in space.json): the layer groups
/// chain in order, each active layer a node carrying its per-layer values; a cell space
/// names its edges and the dimension choosing each edge's operation; an encoder-decoder
/// space says which encoder layers each decoder layer attends to.
public struct ArchitectureGraph: Sendable, Equatable {
    /// A cell edge whose operation is a dimension's choice (NAS-Bench-201: 6 edges).
    public struct Edge: Sendable, Equatable {
        public var from: String
        public var to: String
        public var operation: Int
    }

    /// Each layer of `from` attends to the last N layers of `to`, N looked up from the
    /// layer's value of `dimension` (HAT: arbitrary encoder-decoder attention -1, 1, 2 ->
    /// the last 1, 2, 3 encoder layers).
    public struct Attends: Sendable, Equatable {
        public var from: Int
        public var to: Int
        public var dimension: Int
        public var lastLayers: [String: Int]
    }

    public var edges: [Edge]
    public var attends: Attends?
}

struct ArchitectureGraphFile: Decodable {
    struct EdgeFile: Decodable {
        var from: String
        var to: String
        var operation: String
    }
    struct AttendsFile: Decodable {
        var from: String
        var to: String
        var dimension: String
        var last_layers: [String: Int]
    }
    var edges: [EdgeFile]?
    var attends: AttendsFile?

    func resolve(_ shape: SpaceShape, fail: (String, String) -> SpaceError) throws -> ArchitectureGraph {
        let edges = try (edges ?? []).enumerated().map { (i, e) -> ArchitectureGraph.Edge in
            guard let d = shape.dimensionIndex(e.operation) else {
                throw fail("graph.edges[\(i)].operation", "unknown dimension '\(e.operation)'")
            }
            return .init(from: e.from, to: e.to, operation: d)
        }
        let attends = try attends.map { a -> ArchitectureGraph.Attends in
            guard let from = shape.groups.firstIndex(where: { $0.name == a.from }) else {
                throw fail("graph.attends.from", "unknown layer group '\(a.from)'")
            }
            guard let to = shape.groups.firstIndex(where: { $0.name == a.to }) else {
                throw fail("graph.attends.to", "unknown layer group '\(a.to)'")
            }
            guard let d = shape.dimensionIndex(a.dimension), shape.dimensions[d].group == from else {
                throw fail("graph.attends.dimension", "'\(a.dimension)' is not a per-layer dimension of '\(a.from)'")
            }
            return .init(from: from, to: to, dimension: d, lastLayers: a.last_layers)
        }
        return ArchitectureGraph(edges: edges, attends: attends)
    }
}
