import Foundation
import LLMPPCore

/// Restarts the process once with `OPENBLAS_CORETYPE` set where OpenBLAS fell back to kernels
/// slower than the CPU runs (`BLASCore.replacement`). OpenBLAS reads the variable only when it
/// is loaded, before any of our code runs, so setting it needs a fresh image: `execv` keeps
/// the pid, the arguments, the environment and the open files. A user's own
/// `OPENBLAS_CORETYPE` is kept as it is; a failed exec only keeps the slower kernels.
enum BLASCoreChoice {
    /// Set beside `OPENBLAS_CORETYPE` for the restart: the core OpenBLAS had picked itself.
    static let fallbackVariable = "LLMPP_OPENBLAS_FALLBACK"

    /// The core OpenBLAS picked before the restart replaced it; nil where nothing was replaced.
    /// Written once, at the start of `main`, before any other thread exists.
    nonisolated(unsafe) private(set) static var replacedFallback: String?

    static func restartWithTheCPUsKernelsIfNeeded() {
        if let fallback = getenv(fallbackVariable) {
            // The restarted image: OpenBLAS has read the variable. Children (NumPy in `bench`,
            // an external evaluator) choose their own kernels, as they would for the user.
            replacedFallback = String(cString: fallback)
            unsetenv(fallbackVariable)
            unsetenv(BLASCore.environmentVariable)
            return
        }
        guard getenv(BLASCore.environmentVariable) == nil else { return }
        let picked = BLASCore.current
        guard BLASCore.isFallback(picked),
            let cpuinfo = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
            let core = BLASCore.replacement(for: picked, cpuFlags: BLASCore.cpuFlags(cpuinfo: cpuinfo))
        else { return }
        // The binary's own path, not /proc/self/exe: the process would be named "exe" in ps,
        // top and pkill.
        guard let binary = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") else { return }
        setenv(BLASCore.environmentVariable, core, 1)
        setenv(fallbackVariable, picked, 1)
        execv(binary, CommandLine.unsafeArgv)
        unsetenv(BLASCore.environmentVariable)
        unsetenv(fallbackVariable)
    }

    /// The kernels in use, in words, for benchmark reports.
    static var description: String {
        let core = BLASCore.current
        if let fallback = replacedFallback {
            return
                "OpenBLAS kernels: \(core) (OpenBLAS picked \(fallback) for this CPU, whose model it does not know; llmpp asked for \(core), which the CPU's flags support; \(BLASCore.environmentVariable) overrides)"
        }
        let chosen =
            getenv(BLASCore.environmentVariable) != nil
            ? "as \(BLASCore.environmentVariable) asks" : "OpenBLAS's choice"
        return "OpenBLAS kernels: \(core) (\(chosen))"
    }
}
