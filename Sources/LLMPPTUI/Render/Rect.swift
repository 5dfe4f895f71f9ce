/// A rectangle of the screen.
public struct Rect: Equatable, Sendable {
    public var x, y, width, height: Int
    public init(_ x: Int, _ y: Int, _ w: Int, _ h: Int) {
        self.x = x
        self.y = y
        width = max(0, w)
        height = max(0, h)
    }
    public var inner: Rect { Rect(x + 1, y + 1, width - 2, height - 2) }
    public func contains(_ px: Int, _ py: Int) -> Bool { px >= x && py >= y && px < x + width && py < y + height }
}
