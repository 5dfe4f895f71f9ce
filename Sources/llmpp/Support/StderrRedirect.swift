import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// While the explorer's screen is up, nothing but the renderer may write to the terminal: a
/// child's or a library's stderr line ("starting the local llama-server...") used to land on
/// the ncurses screen and shift it a row. Standard error goes to a log file meanwhile.
struct StderrRedirect {
    private let saved: Int32
    let path: String

    /// Sends fd 2 to `path` (appending); nil if it cannot (stderr is then left alone).
    init?(to path: String) {
        try? FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return nil }
        let saved = dup(STDERR_FILENO)
        guard saved >= 0, dup2(fd, STDERR_FILENO) >= 0 else {
            close(fd)
            if saved >= 0 { close(saved) }
            return nil
        }
        close(fd)
        self.saved = saved
        self.path = path
    }

    /// Puts the terminal back as standard error.
    func restore() {
        dup2(saved, STDERR_FILENO)
        close(saved)
    }
}
