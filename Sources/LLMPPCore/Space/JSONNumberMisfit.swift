import Foundation

/// Numbers in valid JSON that may not fit the field that holds them: beyond 64 bits, or
/// fractional where a whole number (a count, `format`) is expected. Foundation's decoder reports
/// such a value as "not valid JSON" with no field, which sent users looking for a syntax error
/// that is not there.
enum JSONNumberMisfit {
    /// Why a file that failed to decode as "not valid JSON" is valid JSON after all, naming the
    /// numbers that may be at fault (the largest first); nil when `data` is not JSON.
    static func problem(in data: Data) -> String? {
        guard let root = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else {
            return nil
        }
        var suspects: [(path: String, value: NSNumber)] = []
        collect(root, path: "", into: &suspects)
        // Beyond 64 bits fits no whole-number field; a fraction is legitimate in many fields.
        let ranked = suspects.sorted { abs($0.value.doubleValue) > abs($1.value.doubleValue) }
        let named = ranked.prefix(3).map { "\($0.path.isEmpty ? "the file" : $0.path) = \($0.value)" }
        return
            "valid JSON, but a number does not fit its field (counts and format take whole numbers of at most 64 bits)"
            + (named.isEmpty ? "" : "; the numbers that may not: " + named.joined(separator: ", "))
    }

    private static func collect(_ value: Any, path: String, into suspects: inout [(path: String, value: NSNumber)]) {
        switch value {
        case let object as [String: Any]:
            for key in object.keys.sorted() {
                collect(object[key]!, path: path.isEmpty ? key : "\(path).\(key)", into: &suspects)
            }
        case let array as [Any]:
            for (i, element) in array.enumerated() { collect(element, path: "\(path)[\(i)]", into: &suspects) }
        case let number as NSNumber where !(value is Bool):
            let v = number.doubleValue
            if v.rounded() != v || abs(v) >= 9.2e18 { suspects.append((path, number)) }
        default:
            break
        }
    }
}
