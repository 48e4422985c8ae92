import JSON

/// The histogram as JSON (`{"total","sum","min","max","buckets":[[index,count],…]}`,
/// non-empty buckets only), so a parent `stockpush bench --processes N` can merge its
/// children's exact distributions instead of averaging their percentiles.
extension LatencyHistogram {
    func write(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("total")
        writer.int(Int(total))
        writer.key("sum")
        writer.int(Int(sum))
        writer.key("min")
        writer.int(total == 0 ? 0 : Int(min))
        writer.key("max")
        writer.int(Int(max))
        writer.key("buckets")
        writer.beginArray()
        for index in counts.indices where counts[index] > 0 {
            writer.beginArray()
            writer.int(index)
            writer.int(Int(counts[index]))
            writer.endArray()
        }
        writer.endArray()
        writer.endObject()
    }

    init(json: JSONValue) throws(BenchReport.DecodingError) {
        self.init()
        guard let buckets = json["buckets"]?.arrayValue, let max = json["max"]?.intValue, let min = json["min"]?.intValue,
            let sum = json["sum"]?.intValue
        else { throw .missing("histogram") }
        for bucket in buckets {
            guard let pair = bucket.arrayValue, pair.count == 2, let index = pair[0].intValue, let count = pair[1].intValue,
                counts.indices.contains(index), count >= 0
            else { throw .invalid("histogram bucket") }
            counts[index] &+= UInt64(count)
            total &+= UInt64(count)
        }
        guard total == UInt64(json["total"]?.intValue ?? -1) else { throw .invalid("histogram total") }
        self.sum = UInt64(sum)
        self.max = UInt64(max)
        self.min = total == 0 ? .max : UInt64(min)
    }
}
