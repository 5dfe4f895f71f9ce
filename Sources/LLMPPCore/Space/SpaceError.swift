/// A problem in a user-editable file (space, data table, theme, prompt): names the file,
/// the field and what is wrong, so the user can fix it without reading Swift.
public struct SpaceError: Error, CustomStringConvertible, Equatable, Sendable {
    public let file: String
    public let field: String?
    public let problem: String

    public init(file: String, field: String?, problem: String) {
        self.file = file
        self.field = field
        self.problem = problem
    }

    public var description: String {
        if let field { return "\(file): \(field): \(problem)" }
        return "\(file): \(problem)"
    }
}
