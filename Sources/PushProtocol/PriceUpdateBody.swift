import Buffers
import JSON

/// The part of a `price_update` that every recipient of the same stocks shares:
/// `,"snapshot":false,"count":N,"timestamp":"…","data":[…]}`.
///
/// It begins with the comma that follows the per-connection `seq` and ends with the
/// object's closing brace, so `PriceUpdateHead` + body is one complete JSON text. The
/// body is encoded once per distinct stock set per tick and queued by reference on
/// every connection; only the few head bytes differ.
public enum PriceUpdateBody {
    /// `fragments` go into `data` in the order given; `timestamp` is microseconds since
    /// the epoch, taken once per tick. `writer` is reset and reused.
    public static func encode(
        snapshot: Bool, timestamp: Int64, fragments: [QuoteFragment], writer: inout JSONWriter
    ) -> SharedBytes {
        write(snapshot: snapshot, timestamp: timestamp, fragments: fragments, writer: &writer)
        return SharedBytes(writer.buffer)
    }

    /// The body left in `writer.buffer` (reset first), for a message that goes to one
    /// client and is copied once, behind its head, into the buffer it is sent from.
    public static func write(snapshot: Bool, timestamp: Int64, fragments: [QuoteFragment], writer: inout JSONWriter) {
        writer.reset()
        // The writer is positioned inside the object the head opened: the leading comma
        // and the final brace are written by hand because the writer never saw `{`.
        writer.buffer.writeByte(UInt8(ascii: ","))
        writer.key("snapshot")
        writer.bool(snapshot)
        writer.key("count")
        writer.int(fragments.count)
        writer.key("timestamp")
        writer.timestamp(microseconds: timestamp)
        writer.key("data")
        writer.beginArray()
        for fragment in fragments { writer.raw(fragment.json.bytes) }
        writer.endArray()
        writer.buffer.writeByte(UInt8(ascii: "}"))
    }
}
