import Foundation

/// A space file's dimensions and layer groups, and the names its expressions see.
extension SpaceLoader {
    /// The shape: layer groups, then dimensions (each with its genes' place), then each group's
    /// count dimension. Also returns which field first used each name (a dimension's name and
    /// alias), so that later names can be told apart from them, and the groups' indices by name.
    static func buildShape(_ raw: SpaceFile, _ fail: Fail) throws -> (
        SpaceShape, names: [String: String], groupIndex: [String: Int]
    ) {
        guard !raw.dimensions.isEmpty else { throw fail("dimensions", "a space needs at least one dimension") }
        let groupFiles = raw.layer_groups ?? []
        let groupIndex = try indexGroups(groupFiles, fail)
        var dims: [Dimension] = []
        var names: [String: String] = [:]
        var offset = 0
        for (i, d) in raw.dimensions.enumerated() {
            let dim = try dimension(
                d, at: i, offset: offset, groups: groupFiles, groupIndex: groupIndex, names: &names, fail)
            dims.append(dim)
            offset += dim.geneCount
        }
        let groups = try groupFiles.enumerated().map { i, g in try layerGroup(g, at: i, dimensions: dims, fail) }
        return (SpaceShape(dimensions: dims, groups: groups), names, groupIndex)
    }

    /// The layer groups' indices by name: each an identifier, once, with at least one layer.
    static func indexGroups(_ groupFiles: [SpaceFile.LayerGroupFile], _ fail: Fail) throws -> [String: Int] {
        var groupIndex: [String: Int] = [:]
        for (i, g) in groupFiles.enumerated() {
            guard isIdentifier(g.name) else {
                throw fail("layer_groups[\(i)].name", "'\(g.name)' must be an identifier (letters, digits, _)")
            }
            guard groupIndex[g.name] == nil else { throw fail("layer_groups[\(i)].name", "'\(g.name)' appears twice") }
            guard g.max >= 1 else { throw fail("layer_groups[\(i)].max", "must be at least 1") }
            groupIndex[g.name] = i
        }
        return groupIndex
    }

    /// Dimension `i`: a name and an alias expressions can use, neither taken, distinct choices,
    /// and a known layer group where it is per-layer (one gene per possible layer).
    static func dimension(
        _ d: SpaceFile.DimensionFile, at i: Int, offset: Int, groups groupFiles: [SpaceFile.LayerGroupFile],
        groupIndex: [String: Int], names: inout [String: String], _ fail: Fail
    ) throws -> Dimension {
        let f = "dimensions[\(i)]"
        let alias = d.alias ?? d.name
        guard !d.name.isEmpty else { throw fail("\(f).name", "empty") }
        guard isIdentifier(alias) else {
            throw fail(
                d.alias == nil ? "\(f).name" : "\(f).alias",
                "'\(alias)' is not an identifier expressions can use; give an alias of letters, digits and _")
        }
        for key in Set([d.name, alias]) {
            if let other = names[key] { throw fail(f, "'\(key)' is already used by \(other)") }
            names[key] = f
        }
        guard !d.choices.isEmpty else { throw fail("\(f).choices", "needs at least one choice") }
        guard Set(d.choices).count == d.choices.count else { throw fail("\(f).choices", "a choice appears twice") }
        var group: Int? = nil
        if let gname = d.layers {
            guard let g = groupIndex[gname] else {
                throw fail(
                    "\(f).layers",
                    "unknown layer group '\(gname)' (declared: \(groupIndex.keys.sorted().joined(separator: ", ")))")
            }
            group = g
        }
        return Dimension(
            name: d.name, alias: alias, choices: d.choices, group: group, description: d.description ?? "",
            geneOffset: offset, geneCount: group.map { groupFiles[$0].max } ?? 1)
    }

    /// Group `i` with its count dimension: a scalar one whose choices are integers in 0...max.
    static func layerGroup(
        _ g: SpaceFile.LayerGroupFile, at i: Int, dimensions dims: [Dimension], _ fail: Fail
    ) throws -> LayerGroup {
        let f = "layer_groups[\(i)].count"
        guard let c = dims.firstIndex(where: { $0.alias == g.count || $0.name == g.count }) else {
            throw fail(f, "no dimension named '\(g.count)'")
        }
        guard dims[c].group == nil else {
            throw fail(f, "'\(g.count)' is per-layer; a layer count must be a scalar dimension")
        }
        for choice in dims[c].choices {
            guard case .int(let n) = choice, (0...g.max).contains(n) else {
                throw fail(f, "'\(g.count)' has the choice \(choice); layer counts must be integers in 0...\(g.max)")
            }
        }
        return LayerGroup(name: g.name, countDimension: c, max: g.max)
    }

    /// The names expressions see: dimensions by alias (scalar or per layer), their choices' values,
    /// constants and definitions (none clashing with a dimension, definitions parsed).
    static func buildScope(
        _ raw: SpaceFile, shape: SpaceShape, names: [String: String], groupIndex: [String: Int], _ fail: Fail
    ) throws -> ExpressionScope {
        var scope = ExpressionScope()
        scope.groups = groupIndex
        for (i, d) in shape.dimensions.enumerated() {
            if let g = d.group { scope.perLayer[d.alias] = (i, g) } else { scope.scalars[d.alias] = i }
            scope.choices[i] = d.choices.map(\.expressionValue)
        }
        for (k, v) in raw.constants ?? [:] {
            guard isIdentifier(k) else { throw fail("constants.\(k)", "not an identifier") }
            guard names[k] == nil else { throw fail("constants.\(k)", "clashes with a dimension's alias") }
            scope.constants[k] = v
        }
        for (k, v) in raw.definitions ?? [:] {
            guard isIdentifier(k) else { throw fail("definitions.\(k)", "not an identifier") }
            guard names[k] == nil, scope.constants[k] == nil else {
                throw fail("definitions.\(k)", "clashes with a dimension or constant")
            }
            do { scope.definitions[k] = try ExpressionParser.parse(v) } catch let e as ExpressionError {
                throw fail("definitions.\(k)", "\(e) in \"\(v)\"")
            }
        }
        return scope
    }
}
