/// FNV-1a hashes: the same on every run, process and machine (Swift's `Hasher` is seeded
/// per process), for ids and cache keys that persist.
public enum StableHash {
    public static func fnv1a64(_ text: String, offset: UInt64 = 0xcbf2_9ce4_8422_2325) -> UInt64 {
        var h = offset
        for b in text.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return h
    }

    static func hex(_ v: UInt64) -> String {
        let s = String(v, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }

    /// 12 hex digits: architecture ids.
    public static func short(_ text: String) -> String { String(hex(fnv1a64(text)).prefix(12)) }

    /// 32 hex digits from two independent 64-bit hashes: cache keys.
    public static func long(_ text: String) -> String {
        hex(fnv1a64(text)) + hex(fnv1a64(text, offset: 0x8422_2325_cbf2_9ce4))
    }
}
