/// The space file (`SampleSpaces/<id>/space.json`) as decoded, before validation.
/// Field names follow the JSON; `SampleSpaces/README.md` documents each one.
struct SpaceFile: Decodable {
    var format: Int
    var id: String
    var title: String
    var task: TaskDescription
    var layer_groups: [LayerGroupFile]?
    var dimensions: [DimensionFile]
    var constants: [String: Double]?
    var definitions: [String: String]?
    var efficiency: EfficiencyFile
    var features: [String: [String]]?
    var tables: [String: TableFile]?
    var labelled: LabelledFile?
    var cheap_evaluation: String?
    var evaluation_cost: EvaluationCostFile?
    var pools: [String: String]?
    var latency: LatencyFile?
    var graph: ArchitectureGraphFile?

    /// What one expensive evaluation of an architecture costs, as recorded by the data.
    struct EvaluationCostFile: Decodable {
        var seconds: String
        var label: String
    }

    struct LayerGroupFile: Decodable {
        var name: String
        var count: String
        var max: Int
    }

    struct DimensionFile: Decodable {
        var name: String
        var alias: String?
        var choices: [ChoiceValue]
        var layers: String?
        var description: String?
    }

    struct EfficiencyFile: Decodable {
        var flops: String
        var params: String
        var embedding_params: String?
        var last_layer_flops: String?
    }

    struct TableFile: Decodable {
        var file: String
        /// "architectures": one column per dimension (alias or name), per-layer lists `;`-joined.
        var rows: String?
        /// Otherwise: the column holding the key and the template that renders an architecture's key.
        var key_column: String?
        var key: String?
    }

    struct LabelledFile: Decodable {
        var table: String
        var id_column: String?
        var truth: [String: String]
        var splits: [String: String]?
        var baselines: [BaselineFile]?
        var recorded: [String: String]?
    }

    struct BaselineFile: Decodable {
        var name: String
        var valid: String?
        var test: String?
    }

    struct LatencyFile: Decodable {
        var kind: String
        var default_hardware: String
        var features: String?
        var feature_columns: [String]?
        var hardware: [String: LatencyHardwareFile]
        /// Named quantities latency grows with (layer counts, MACs), as expressions over the
        /// feature columns: what the few-shot `terms-ridge` fits a device's latency on.
        var terms: [LatencyTermFile]?
    }

    struct LatencyTermFile: Decodable {
        var name: String
        var expression: String
    }

    /// A measured expression (`"cells.lat_raspi4"`) or a table to train a predictor on.
    enum LatencyHardwareFile: Decodable {
        case measured(String)
        case table(file: String, target: String)

        init(from decoder: Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let s = try? c.decode(String.self) {
                self = .measured(s)
                return
            }
            struct T: Decodable {
                var file: String
                var target: String
            }
            let t = try c.decode(T.self)
            self = .table(file: t.file, target: t.target)
        }
    }
}

/// What the space's models predict, as the prompts and reports name it.
public struct TaskDescription: Decodable, Sendable, Equatable {
    public var kind: String
    public var dataset: String
    public var metric: String
    public var metric_key: String
    public var unit: String?
    public var higher_is_better: Bool
    public var range: [Double]

    public init(
        kind: String, dataset: String, metric: String, metricKey: String, unit: String? = nil,
        higherIsBetter: Bool = true, range: [Double]
    ) {
        self.kind = kind
        self.dataset = dataset
        self.metric = metric
        self.metric_key = metricKey
        self.unit = unit
        self.higher_is_better = higherIsBetter
        self.range = range
    }
}
