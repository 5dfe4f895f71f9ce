import Foundation
import LLMPPCore
import Synchronization

/// Where a provider reports its activity: a new activity, or nil when it is idle again.
public typealias ActivityHandler = @Sendable (Activity?) -> Void

/// A provider's handler, set by its watcher after the provider exists.
final class ActivityReporter: Sendable {
    private let handler = Mutex<ActivityHandler?>(nil)
    func set(_ h: @escaping ActivityHandler) { handler.withLock { $0 = h } }
    /// Tells the watcher; false when there is none (the caller may say it another way).
    @discardableResult
    func report(_ a: Activity?) -> Bool {
        guard let h = handler.withLock({ $0 }) else { return false }
        h(a)
        return true
    }
}

/// The newest activity a provider reported, for a watcher that reads it later.
public final class LatestActivity: Sendable {
    private let value = Mutex<Activity?>(nil)
    public init() {}
    public func set(_ a: Activity?) { value.withLock { $0 = a } }
    public var current: Activity? { value.withLock { $0 } }
}
