import CBLAS
import Foundation

/// Which OpenBLAS kernels the MLP and the latency predictors run on. OpenBLAS picks them once,
/// when it is loaded, from the CPU's family and model, or from `OPENBLAS_CORETYPE`. Debian 12's
/// OpenBLAS (0.3.21) does not know a CPU whose CPUID hides its model, as this project's VMs
/// do ("Intel(R) Xeon(R) Processor"), and falls back to its Prescott (SSE3) kernels: HS-NAS's
/// search ran 1.8x slower than on the AVX-512 kernels the CPU has, and NumPy's newer OpenBLAS
/// picks those on the same machine, so the training benchmark compared unlike kernels.
public enum BLASCore {
    /// The variable OpenBLAS reads its core from.
    public static let environmentVariable = "OPENBLAS_CORETYPE"

    /// The core OpenBLAS chose in this process ("Prescott", "SkylakeX", ...).
    public static var current: String { openblas_get_corename().map { String(cString: $0) } ?? "unknown" }

    /// The core to ask for instead of `current`, or nil to keep it: only where OpenBLAS fell back
    /// to Prescott (its choice for a CPU it cannot name) and the CPU's flags offer AVX-512 or
    /// AVX2 with FMA. A CPU OpenBLAS does name keeps OpenBLAS's choice.
    public static func replacement(for current: String, cpuFlags: Set<String>) -> String? {
        guard isFallback(current) else { return nil }
        if cpuFlags.isSuperset(of: ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"]) { return "SkylakeX" }
        if cpuFlags.isSuperset(of: ["avx2", "fma"]) { return "Haswell" }
        return nil
    }

    /// Whether `core` is OpenBLAS's choice for a CPU it cannot name (checked before the CPU's
    /// flags are read, so that a known CPU's start reads no /proc/cpuinfo).
    public static func isFallback(_ core: String) -> Bool { core.lowercased() == "prescott" }

    /// The flags of the first processor in Linux's `/proc/cpuinfo` text.
    public static func cpuFlags(cpuinfo: String) -> Set<String> {
        for line in cpuinfo.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == "flags" else { continue }
            return Set(parts[1].split(separator: " ").map(String.init))
        }
        return []
    }
}
