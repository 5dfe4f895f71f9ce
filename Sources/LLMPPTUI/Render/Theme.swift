import Foundation

/// Colours per role, from a file in `Themes/` (JSON): 256-colour indices with an 8-colour
/// fallback. `NO_COLOR` turns colour off (attributes stay).
public struct Theme: Sendable, Equatable {
    public struct Colors: Sendable, Equatable {
        /// 0-255, or -1 for the terminal's default.
        public var fg: Int, bg: Int
        /// 0-7 (black red green yellow blue magenta cyan white), or -1.
        public var fg8: Int, bg8: Int
        public var bold: Bool
    }
    public var name: String
    public var roles: [Role: Colors]

    static let colorNames = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"]

    public static func load(path: String) throws -> Theme {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ThemeError(file: path, key: nil, problem: "cannot read the theme file")
        }
        return try parse(data, file: path)
    }

    public static func parse(_ data: Data, file: String) throws -> Theme {
        guard let obj = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw ThemeError(file: file, key: nil, problem: "not a JSON object")
        }
        guard let name = obj["name"] as? String else {
            throw ThemeError(file: file, key: "name", problem: "missing or not a string")
        }
        guard let roles = obj["roles"] as? [String: Any] else {
            throw ThemeError(file: file, key: "roles", problem: "missing or not an object")
        }
        var out: [Role: Colors] = [:]
        for (k, v) in roles {
            guard let role = Role(rawValue: k) else {
                throw ThemeError(
                    file: file, key: "roles.\(k)",
                    problem: "unknown role (known: \(Role.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            guard let spec = v as? [String: Any] else {
                throw ThemeError(file: file, key: "roles.\(k)", problem: "must be an object")
            }
            func c256(_ key: String) throws -> Int {
                guard let raw = spec[key] else { return -1 }
                guard let n = raw as? Int, (-1...255).contains(n) else {
                    throw ThemeError(file: file, key: "roles.\(k).\(key)", problem: "must be an integer in -1...255")
                }
                return n
            }
            func c8(_ key: String) throws -> Int {
                guard let raw = spec[key] else { return -1 }
                guard let s = raw as? String, let i = colorNames.firstIndex(of: s) else {
                    throw ThemeError(
                        file: file, key: "roles.\(k).\(key)",
                        problem: "must be one of \(colorNames.joined(separator: ", "))")
                }
                return i
            }
            if let b = spec["bold"], !(b is Bool) {
                throw ThemeError(file: file, key: "roles.\(k).bold", problem: "must be true or false")
            }
            out[role] = Colors(
                fg: try c256("fg"), bg: try c256("bg"), fg8: try c8("fg8"), bg8: try c8("bg8"),
                bold: spec["bold"] as? Bool ?? false)
        }
        for r in Role.allCases where out[r] == nil {
            throw ThemeError(file: file, key: "roles.\(r.rawValue)", problem: "missing")
        }
        return Theme(name: name, roles: out)
    }

    /// The themes shipped in a folder, by name (file name without .json).
    public static func available(in directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".json") }.map {
            String($0.dropLast(5))
        }.sorted()
    }

    /// `Themes/` beside SampleSpaces (same search as the spaces: env, cwd, the checkout).
    /// `$LLMPP_THEMES`, else the Themes folder beside the spaces folder, else beside the
    /// built-in one (`--spaces DIR` of one's own left the explorer with no theme at all).
    public static func locateDirectory(spacesDirectory: String, builtInSpacesDirectory: String? = nil) -> String {
        if let env = ProcessInfo.processInfo.environment["LLMPP_THEMES"], !env.isEmpty { return env }
        let candidates = [spacesDirectory, builtInSpacesDirectory].compactMap { $0 }.map {
            (($0 as NSString).deletingLastPathComponent as NSString).appendingPathComponent("Themes")
        }
        return candidates.first { dir in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: dir, isDirectory: &isDirectory) && isDirectory.boolValue
        } ?? candidates[0]
    }
}

public struct ThemeError: Error, CustomStringConvertible, Equatable {
    public let file: String, key: String?, problem: String
    public var description: String { key.map { "\(file): \($0): \(problem)" } ?? "\(file): \(problem)" }
}
