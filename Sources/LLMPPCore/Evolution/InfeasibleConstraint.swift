/// Resampling gave up: the constraint (or the bans) leave no architecture the search can draw.
public struct InfeasibleConstraint: Error, CustomStringConvertible {
    public let tries: Int
    public var description: String { "no architecture meets the constraint after \(tries) samples: loosen it" }
}
