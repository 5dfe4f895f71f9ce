import Foundation

/// Dollar prices per million tokens, from an editable, dated JSON file. A model without a
/// price gets tokens only (cost nil); the local model costs nothing.
public struct Pricing: Sendable, Equatable {
    public struct Price: Sendable, Equatable, Codable {
        public var input_per_mtok: Double
        public var output_per_mtok: Double
    }
    public var date: String
    public var models: [String: Price]

    public init(date: String, models: [String: Price]) {
        self.date = date
        self.models = models
    }

    /// No prices: costs are reported in tokens only.
    public static let none = Pricing(date: "", models: [:])

    /// Shipped defaults, written to `<data-dir>/prices.json` on first use for the user to edit.
    public static let defaultFile = """
        {
          "date": "2026-11-01",
          "currency": "USD",
          "note": "Dollars per million tokens. Keys: '<provider>/<model>' or '<model>'. Edit freely; unknown models are reported in tokens only.",
          "models": {
            "openai/gpt-4o-mini": {"input_per_mtok": 0.15, "output_per_mtok": 0.60},
            "openai/gpt-4o": {"input_per_mtok": 2.50, "output_per_mtok": 10.00},
            "openai/gpt-4.1-mini": {"input_per_mtok": 0.40, "output_per_mtok": 1.60},
            "anthropic/claude-3-5-haiku-latest": {"input_per_mtok": 0.80, "output_per_mtok": 4.00},
            "anthropic/claude-sonnet-4-5": {"input_per_mtok": 3.00, "output_per_mtok": 15.00}
          }
        }
        """

    public static func load(dataDirectory: String) throws -> Pricing {
        let path = (dataDirectory as NSString).appendingPathComponent("prices.json")
        if !FileManager.default.fileExists(atPath: path) {
            try? FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
            try? defaultFile.write(toFile: path, atomically: true, encoding: .utf8)
        }
        let data = FileManager.default.contents(atPath: path) ?? Data(defaultFile.utf8)
        return try parse(data, file: path)
    }

    public static func parse(_ data: Data, file: String) throws -> Pricing {
        struct File: Decodable {
            var date: String
            var models: [String: Price]
        }
        do {
            let f = try JSONDecoder().decode(File.self, from: data)
            return Pricing(date: f.date, models: f.models)
        } catch {
            throw LLMError.unavailable("\(file): not a valid price file (\(error))")
        }
    }

    public func cost(provider: String, model: String, tokensIn: Int?, tokensOut: Int?) -> Double? {
        if provider == "local" { return 0 }
        guard let p = models["\(provider)/\(model)"] ?? models[model], let i = tokensIn, let o = tokensOut else {
            return nil
        }
        return (Double(i) * p.input_per_mtok + Double(o) * p.output_per_mtok) / 1e6
    }
}
