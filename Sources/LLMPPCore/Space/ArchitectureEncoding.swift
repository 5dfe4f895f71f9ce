/// How an architecture is written into an LLM prompt.
public enum ArchitectureEncoding: String, Sendable, Codable, CaseIterable, Hashable {
    /// The paper's `name: value` lines, per-layer values as `[a, b, c]`.
    case lines
    /// One JSON object, the data's dimension names as keys (what `arch --json` writes).
    case json
    /// Nodes with their sizes and the edges between them (see `ArchitectureGraph`).
    case graph

    public func render(_ arch: Architecture, in space: SearchSpace) -> String {
        switch self {
        case .lines: return space.canonicalText(arch)
        case .json: return space.json(arch).rendered(pretty: false)
        case .graph: return GraphText(space: space, arch: arch).lines.joined(separator: "\n")
        }
    }
}

/// The graph form as text: one line per node, `name [attributes] <- inputs`.
struct GraphText {
    let space: SearchSpace
    let arch: Architecture

    var lines: [String] {
        let shape = space.shape
        var out: [String] = []
        // Scalar dimensions that are not layer counts or edge operations describe the whole model.
        let counts = Set(shape.groups.map(\.countDimension))
        let edgeOps = Set(space.graph?.edges.map(\.operation) ?? [])
        let globals = shape.dimensions.indices.filter {
            shape.dimensions[$0].group == nil && !counts.contains($0) && !edgeOps.contains($0)
        }
        if !globals.isEmpty {
            out.append("model [" + globals.map { attribute($0, layer: nil) }.joined(separator: ", ") + "]")
        }
        out += layerNodes()
        out += cellNodes()
        return out
    }

    func attribute(_ d: Int, layer: Int?) -> String {
        let values = space.shape.choices(arch, d)
        let v = layer.map { values[$0].description } ?? values[0].description
        return "\(space.shape.dimensions[d].alias) \(v)"
    }

    /// Each group's layers in a chain, the first fed by the previous group's last layer (or
    /// the input); a group that attends to another (a decoder) has its own input instead.
    func layerNodes() -> [String] {
        let shape = space.shape
        var out: [String] = []
        var previous = "input"
        for (g, group) in shape.groups.enumerated() {
            let dims = shape.dimensions.indices.filter { shape.dimensions[$0].group == g }
            let n = shape.layerCount(arch, group: g)
            let attends = space.graph?.attends.flatMap { $0.from == g ? $0 : nil }
            for l in 0..<n {
                let name = "\(group.name).\(l)"
                var line = "\(name) [" + dims.map { attribute($0, layer: l) }.joined(separator: ", ") + "] <- "
                line += l > 0 ? "\(group.name).\(l - 1)" : attends != nil ? "\(group.name) input" : previous
                if let a = attends {
                    let key = shape.choices(arch, a.dimension)[l].description
                    let targetCount = shape.layerCount(arch, group: a.to)
                    let last = min(a.lastLayers[key] ?? 1, targetCount)
                    let names = (targetCount - last..<targetCount).map { "\(shape.groups[a.to].name).\($0)" }
                    line += "; attends " + names.joined(separator: ", ")
                }
                out.append(line)
            }
            if n > 0 { previous = "\(group.name).\(n - 1)" }
        }
        return out
    }

    /// A cell's nodes, each with its incoming edges and their operations.
    func cellNodes() -> [String] {
        guard let edges = space.graph?.edges, !edges.isEmpty else { return [] }
        var order: [String] = []
        for e in edges {
            for n in [e.from, e.to] where !order.contains(n) { order.append(n) }
        }
        return order.compactMap { node in
            let incoming = edges.filter { $0.to == node }
            guard !incoming.isEmpty else { return "\(node) (input)" }
            let ops = incoming.map { "\($0.from) \(space.shape.choices(arch, $0.operation)[0].description)" }
            return "\(node) <- " + ops.joined(separator: ", ")
        }
    }
}
