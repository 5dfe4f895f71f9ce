/// The non-dominated points for (maximise score, minimise latency), sorted by latency.
public func paretoFront<T>(_ items: [T], score: (T) -> Double, latency: (T) -> Double) -> [T] {
    let sorted = items.sorted { latency($0) < latency($1) || (latency($0) == latency($1) && score($0) > score($1)) }
    var front: [T] = []
    var best = -Double.infinity
    for x in sorted where score(x) > best {
        front.append(x)
        best = score(x)
    }
    return front
}
