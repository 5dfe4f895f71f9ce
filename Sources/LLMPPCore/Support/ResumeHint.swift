/// The command that continues a run, as a user pastes it into a shell: the folders named
/// where they were given (without them the hint pointed at the default database, or at the
/// sample spaces, where a space of the user's own is not), quoted only where the shell needs
/// it (the hint used to wrap the whole command in single quotes around an already quoted path).
public enum ResumeHint {
    /// The folders a command was given on its command line (nil: the default was used).
    public struct Folders: Sendable, Equatable {
        public var spaces: String?
        public var data: String?

        public init(spaces: String? = nil, data: String? = nil) {
            self.spaces = spaces
            self.data = data
        }

        /// " --spaces X --data-dir Y" for those named: what a printed command needs to find
        /// the same space and run.
        public var flags: String {
            (spaces.map { " --spaces \(shellWord($0))" } ?? "") + (data.map { " --data-dir \(shellWord($0))" } ?? "")
        }
    }

    public static func command(_ subcommand: String, runID: String, folders: Folders) -> String {
        "llmpp \(subcommand) --resume \(shellWord(runID))" + folders.flags
    }

    /// `s` as one shell word: as it is when it holds only characters no shell treats specially.
    public static func shellWord(_ s: String) -> String {
        let plain = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.,/:=+@%")
        if !s.isEmpty && s.allSatisfy(plain.contains) { return s }
        return "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
