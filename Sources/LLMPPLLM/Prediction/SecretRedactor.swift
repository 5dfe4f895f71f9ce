import Foundation
import LLMPPStore

/// Removes API keys from text that came back from a server before it is stored or printed:
/// a server (or a proxy) that echoes the Authorization header back would otherwise put the
/// key in the transcript, its exports and the terminal.
public struct SecretRedactor: Sendable {
    /// Keys shorter than this are not searched for: they would match ordinary text.
    static let minimumLength = 8
    let secrets: [(name: String, value: String)]

    public init(secrets: [(name: String, value: String)]) {
        self.secrets = secrets.filter { $0.value.utf8.count >= Self.minimumLength }.sorted {
            $0.value.count > $1.value.count
        }
    }

    /// The provider's own key plus every provider key in the environment.
    public init(provider: any LLMProvider, environment: [String: String] = ProcessInfo.processInfo.environment) {
        let fromEnvironment = ProviderFactory.secretVariables.compactMap { name in environment[name].map { (name, $0) }
        }
        self.init(secrets: provider.secrets.map { ("\(provider.name) API key", $0) } + fromEnvironment)
    }

    public func redact(_ text: String) -> String {
        // A raw JSON body may spell the key with escapes ("sk\u002dsecret"), which the plain
        // search missed: the raw response kept the key for exports to carry.
        // The unescaped text replaces the original only where it holds a key to redact.
        let t = text.contains("\\u") ? Self.unescapingKeyCharacters(text) : text
        guard secrets.contains(where: { t.contains($0.value) }) else { return text }
        return secrets.reduce(t) { t, s in
            t.contains(s.value) ? t.replacingOccurrences(of: s.value, with: "[redacted \(s.name)]") : t
        }
    }

    /// `\uXXXX` escapes of the characters keys are made of (letters, digits, `-`, `_`, `.`)
    /// as those characters; other escapes stay, so JSON text stays valid JSON.
    static func unescapingKeyCharacters(_ text: String) -> String {
        var out = ""
        var rest = Substring(text)
        while let r = rest.range(of: "\\u") {
            out += rest[..<r.lowerBound]
            let hex = rest[r.upperBound...].prefix(4)
            if hex.count == 4, let v = UInt32(hex, radix: 16), let u = Unicode.Scalar(v), u.isASCII,
                u.properties.isAlphabetic || ("0"..."9").contains(u) || "-_.".unicodeScalars.contains(u)
            {
                out.unicodeScalars.append(u)
                rest = rest[hex.endIndex...]
            } else {
                out += "\\u"
                rest = rest[r.upperBound...]
            }
        }
        return out + rest
    }

    /// Every field of a call that a server wrote.
    public func redact(_ r: CallRecord) -> CallRecord {
        var r = r
        r.error = r.error.map(redact)
        r.responseText = r.responseText.map(redact)
        r.rawResponse = r.rawResponse.map(redact)
        return r
    }
}
