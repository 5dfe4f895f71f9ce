import Foundation

/// The architectures a search may visit in a space that scores only those its tables list: a
/// space made from a CSV of some of its grid reads FLOPs and parameters from that table, so an
/// architecture outside it has no efficiency, and searches stopped at the first one evolution
/// proposed. Such a space draws its random architectures from the listing, and the search
/// holds every candidate to it (`ConstraintViolation.unlisted`).
public struct SpaceListing: Sendable {
    public let architectures: [Architecture]
    public let ids: Set<String>
    /// The tables the efficiency formulas read, by name (what the listing comes from).
    public let tables: [String]

    public func contains(_ id: String) -> Bool { ids.contains(id) }

    /// One listed architecture, uniformly.
    public func random(using rng: inout SeededGenerator) -> Architecture {
        architectures[rng.index(architectures.count)]
    }

    /// nil where the efficiency formulas score every architecture of the space (they read no
    /// table, or their tables list the whole grid, as NAS-Bench-201's does): those spaces keep
    /// drawing from the grid, so that their seeded runs stay as they were.
    static func of(_ space: SearchSpace) -> SpaceListing? {
        let read = space.efficiency.flops.tablesRead.union(space.efficiency.params.tablesRead).sorted()
        guard let first = read.first else { return nil }
        var seen = Set<String>()
        let distinct = space.tables[first].architectures.filter { seen.insert(space.id($0)).inserted }
        // The whole grid listed: nothing to score (NAS-Bench-201's 15,625 cells).
        guard Double(distinct.count) < space.shape.size else { return nil }
        let listed = distinct.filter { (try? space.flops($0)) != nil && (try? space.params($0)) != nil }
        guard !listed.isEmpty else { return nil }
        return SpaceListing(
            architectures: listed, ids: Set(listed.map(space.id)), tables: read.map { space.tables[$0].name })
    }
}

/// A value computed at most once, on first use, by whichever thread asks first.
final class ComputedOnce<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value?

    func get(_ compute: () -> Value) -> Value {
        lock.lock()
        defer { lock.unlock() }
        if let value { return value }
        let v = compute()
        value = v
        return v
    }
}
