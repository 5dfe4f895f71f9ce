import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Waits in poll() for a descriptor to become ready, until a deadline: what the plain HTTP
/// client and the external evaluator block in instead of a read, write or connect that the
/// kernel could hold for minutes.
public enum DescriptorWait {
    public enum Outcome: Equatable {
        case ready
        case deadlinePassed
        /// poll() failed with this errno (EINTR is retried).
        case failed(Int32)
    }

    /// Polls in slices of at most a second, so the deadline is checked even when nothing happens.
    public static func wait(_ fd: Int32, for events: Int16, until deadline: Date) -> Outcome {
        var pfd = pollfd(fd: fd, events: events, revents: 0)
        while true {
            let left = deadline.timeIntervalSinceNow
            if left <= 0 { return .deadlinePassed }
            // + 1 ms: under a millisecond left must not turn into a loop of zero-timeout polls.
            let r = poll(&pfd, 1, Int32(min(left, 1) * 1000) + 1)
            if r > 0 { return .ready }
            if r < 0 && errno != EINTR { return .failed(errno) }
        }
    }
}
