/// The command that continues a run, as a user pastes it into a shell: the data directory
/// named where one was given (without it the hint pointed at the default database), quoted
/// only where the shell needs it (the hint used to wrap the whole command in single quotes
/// around an already quoted path).
public enum ResumeHint {
    public static func command(_ subcommand: String, runID: String, dataDirectory: String?) -> String {
        "llmpp \(subcommand) --resume \(shellWord(runID))"
            + (dataDirectory.map { " --data-dir \(shellWord($0))" } ?? "")
    }

    /// `s` as one shell word: as it is when it holds only characters no shell treats specially.
    public static func shellWord(_ s: String) -> String {
        let plain = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.,/:=+@%")
        if !s.isEmpty && s.allSatisfy(plain.contains) { return s }
        return "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
