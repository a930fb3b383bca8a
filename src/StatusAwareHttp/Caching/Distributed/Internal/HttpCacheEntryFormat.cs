using System.Buffers.Binary;
using System.Text;
using System.Text.Unicode;

namespace StatusAwareHttp.Caching.Distributed.Internal;

/// <summary>
/// The bytes of one cache key's variants in the distributed cache. Compact, versioned, and read with a bounds check
/// on every field: anything that is not exactly a payload of this version (wrong magic, unknown version, truncated,
/// trailing bytes, a count or length past the end, invalid UTF-8, a status or time out of range) is refused with a
/// reason, never an exception.
/// </summary>
/// <remarks>
/// <code>
/// magic     4 bytes   "SAHC"
/// version   1 byte    1
/// length    4 bytes   u32 LE: the bytes that follow, exactly
/// count     varint    variants, at least 1
/// variant:
///   status        u16 LE   100..999
///   request time  i64 LE   UTC ticks
///   response time i64 LE   UTC ticks
///   headers       varint count, then per line: name (str, not empty), value (str)
///   vary          varint count, then per field: name (str, not empty), value (nstr)
///   body          varint length, then the bytes
/// str  = varint byte length, then UTF-8
/// nstr = varint (byte length + 1) with 0 for null, then UTF-8
/// varint = unsigned LEB128, at most 5 bytes, at most int.MaxValue
/// </code>
/// A change of layout takes a new version byte; a reader refuses versions it does not know (a miss).
/// </remarks>
internal static class HttpCacheEntryFormat
{
    public const byte Version = 1;

    /// <summary>The magic, the version and the length.</summary>
    public const int PreambleBytes = 9;

    private const int MinVariantBytes = 2 + 8 + 8 + 1 + 1 + 1;

    public static ReadOnlySpan<byte> Magic => "SAHC"u8;

    /// <summary>Writes <paramref name="entries"/> into one array of exactly the right size.</summary>
    public static byte[] Write(IReadOnlyList<HttpCacheEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        long size = PreambleBytes + VarintSize(entries.Count);
        foreach (var entry in entries)
        {
            size += 2 + 8 + 8 + VarintSize(entry.Headers.Count) + VarintSize(entry.VaryHeaders.Count)
                + VarintSize(entry.Body.Length) + entry.Body.Length;
            foreach (var line in entry.Headers)
            {
                size += StringSize(line.Key) + StringSize(line.Value);
            }

            foreach (var vary in entry.VaryHeaders)
            {
                size += StringSize(vary.Key) + NullableStringSize(vary.Value);
            }
        }

        if (size > Array.MaxLength)
        {
            throw new ArgumentException($"The entries need {size} bytes, more than an array can hold.", nameof(entries));
        }

        var payload = new byte[size];
        var writer = new Writer(payload);
        writer.Bytes(Magic);
        writer.Byte(Version);
        writer.UInt32((uint)(size - PreambleBytes));
        writer.Varint(entries.Count);
        foreach (var entry in entries)
        {
            writer.UInt16((ushort)entry.StatusCode);
            writer.Int64(entry.RequestTime.UtcTicks);
            writer.Int64(entry.ResponseTime.UtcTicks);
            writer.Varint(entry.Headers.Count);
            foreach (var line in entry.Headers)
            {
                writer.String(line.Key);
                writer.String(line.Value);
            }

            writer.Varint(entry.VaryHeaders.Count);
            foreach (var vary in entry.VaryHeaders)
            {
                writer.String(vary.Key);
                writer.NullableString(vary.Value);
            }

            writer.Varint(entry.Body.Length);
            writer.Bytes(entry.Body.Span);
        }

        return payload;
    }

    /// <summary>
    /// Reads the variants in <paramref name="payload"/>. The bodies are slices of <paramref name="payload"/>, not
    /// copies: the caller hands the array over and must not change it.
    /// </summary>
    /// <returns><see langword="true"/> with the variants; <see langword="false"/> with why the bytes cannot be read.</returns>
    public static bool TryRead(byte[] payload, out IReadOnlyList<HttpCacheEntry>? entries, out string? error)
    {
        ArgumentNullException.ThrowIfNull(payload);
        entries = null;
        error = Read(payload, out var read);
        if (error is not null)
        {
            return false;
        }

        entries = read;
        return true;
    }

    private static string? Read(byte[] payload, out HttpCacheEntry[]? entries)
    {
        entries = null;
        if (payload.Length < PreambleBytes)
        {
            return $"truncated: {payload.Length} bytes, shorter than the preamble";
        }

        if (!payload.AsSpan().StartsWith(Magic))
        {
            return "not an entry of this library (wrong magic)";
        }

        var version = payload[Magic.Length];
        if (version != Version)
        {
            return $"unknown format version {version} (this reader knows {Version})";
        }

        var length = BinaryPrimitives.ReadUInt32LittleEndian(payload.AsSpan(Magic.Length + 1));
        if (length != (uint)(payload.Length - PreambleBytes))
        {
            return length > (uint)(payload.Length - PreambleBytes)
                ? $"truncated: {payload.Length - PreambleBytes} of {length} bytes"
                : $"{payload.Length - PreambleBytes - length} bytes past the stated length";
        }

        var reader = new Reader(payload, PreambleBytes);
        if (!reader.Varint(out var count) || count < 1 || count > reader.Remaining / MinVariantBytes)
        {
            return "bad variant count";
        }

        var result = new HttpCacheEntry[count];
        for (var i = 0; i < count; i++)
        {
            if (!reader.UInt16(out var status) || status is < 100 or > 999)
            {
                return $"variant {i}: bad status";
            }

            if (!reader.Ticks(out var requestTime) || !reader.Ticks(out var responseTime))
            {
                return $"variant {i}: bad time";
            }

            if (!reader.Varint(out var headerCount) || headerCount > reader.Remaining / 2)
            {
                return $"variant {i}: bad header count";
            }

            var headers = new KeyValuePair<string, string>[headerCount];
            for (var h = 0; h < headerCount; h++)
            {
                if (!reader.String(out var name) || name.Length == 0 || !reader.String(out var value))
                {
                    return $"variant {i}: bad header line {h}";
                }

                headers[h] = new(name, value);
            }

            if (!reader.Varint(out var varyCount) || varyCount > reader.Remaining / 2)
            {
                return $"variant {i}: bad vary count";
            }

            var vary = new KeyValuePair<string, string?>[varyCount];
            for (var v = 0; v < varyCount; v++)
            {
                if (!reader.String(out var name) || name.Length == 0 || !reader.NullableString(out var value))
                {
                    return $"variant {i}: bad vary field {v}";
                }

                vary[v] = new(name, value);
            }

            if (!reader.Varint(out var bodyLength) || !reader.Slice(bodyLength, out var body))
            {
                return $"variant {i}: bad body length";
            }

            result[i] = new HttpCacheEntry(status, headers, body, requestTime, responseTime, vary);
        }

        if (reader.Remaining != 0)
        {
            return $"{reader.Remaining} bytes after the last variant";
        }

        entries = result;
        return null;
    }

    private static int VarintSize(int value)
    {
        var size = 1;
        for (var v = (uint)value; v >= 0x80; v >>= 7)
        {
            size++;
        }

        return size;
    }

    private static long StringSize(string? value)
    {
        var bytes = value is null ? 0 : Encoding.UTF8.GetByteCount(value);
        return VarintSize(bytes) + bytes;
    }

    private static long NullableStringSize(string? value)
    {
        if (value is null)
        {
            return 1;
        }

        var bytes = Encoding.UTF8.GetByteCount(value);
        return VarintSize(bytes + 1) + bytes;
    }

    private ref struct Writer(Span<byte> destination)
    {
        private readonly Span<byte> _destination = destination;
        private int _position;

        public void Byte(byte value) => _destination[_position++] = value;

        public void Bytes(ReadOnlySpan<byte> value)
        {
            value.CopyTo(_destination[_position..]);
            _position += value.Length;
        }

        public void UInt16(ushort value)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(_destination[_position..], value);
            _position += 2;
        }

        public void UInt32(uint value)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(_destination[_position..], value);
            _position += 4;
        }

        public void Int64(long value)
        {
            BinaryPrimitives.WriteInt64LittleEndian(_destination[_position..], value);
            _position += 8;
        }

        public void Varint(int value)
        {
            var v = (uint)value;
            while (v >= 0x80)
            {
                _destination[_position++] = (byte)(v | 0x80);
                v >>= 7;
            }

            _destination[_position++] = (byte)v;
        }

        public void String(string? value)
        {
            if (string.IsNullOrEmpty(value))
            {
                Varint(0);
                return;
            }

            var bytes = Encoding.UTF8.GetByteCount(value);
            Varint(bytes);
            _position += Encoding.UTF8.GetBytes(value, _destination[_position..]);
        }

        public void NullableString(string? value)
        {
            if (value is null)
            {
                Varint(0);
                return;
            }

            var bytes = Encoding.UTF8.GetByteCount(value);
            Varint(bytes + 1);
            _position += Encoding.UTF8.GetBytes(value, _destination[_position..]);
        }
    }

    /// <summary>Reads forward through the payload; every method checks the bounds and returns false past them.</summary>
    private struct Reader(byte[] payload, int position)
    {
        private readonly byte[] _payload = payload;
        private int _position = position;

        public readonly int Remaining => _payload.Length - _position;

        public bool UInt16(out int value)
        {
            value = 0;
            if (Remaining < 2)
            {
                return false;
            }

            value = BinaryPrimitives.ReadUInt16LittleEndian(_payload.AsSpan(_position));
            _position += 2;
            return true;
        }

        public bool Ticks(out DateTimeOffset value)
        {
            value = default;
            if (Remaining < 8)
            {
                return false;
            }

            var ticks = BinaryPrimitives.ReadInt64LittleEndian(_payload.AsSpan(_position));
            _position += 8;
            if (ticks < DateTimeOffset.MinValue.UtcTicks || ticks > DateTimeOffset.MaxValue.UtcTicks)
            {
                return false;
            }

            value = new DateTimeOffset(ticks, TimeSpan.Zero);
            return true;
        }

        public bool Varint(out int value)
        {
            value = 0;
            uint result = 0;
            for (var shift = 0; shift < 35; shift += 7)
            {
                if (Remaining < 1)
                {
                    return false;
                }

                var b = _payload[_position++];
                if (shift == 28 && b > 0x07)
                {
                    // More than 31 bits: past int.MaxValue.
                    return false;
                }

                result |= (uint)(b & 0x7F) << shift;
                if (b < 0x80)
                {
                    value = (int)result;
                    return true;
                }
            }

            return false;
        }

        public bool Slice(int length, out ReadOnlyMemory<byte> value)
        {
            value = default;
            if (length < 0 || length > Remaining)
            {
                return false;
            }

            value = new ReadOnlyMemory<byte>(_payload, _position, length);
            _position += length;
            return true;
        }

        public bool String(out string value)
        {
            value = string.Empty;
            return Varint(out var length) && Text(length, out value);
        }

        public bool NullableString(out string? value)
        {
            value = null;
            if (!Varint(out var length))
            {
                return false;
            }

            if (length == 0)
            {
                return true;
            }

            var ok = Text(length - 1, out var text);
            value = text;
            return ok;
        }

        private bool Text(int length, out string value)
        {
            value = string.Empty;
            if (length > Remaining)
            {
                return false;
            }

            var bytes = _payload.AsSpan(_position, length);
            if (!Utf8.IsValid(bytes))
            {
                return false;
            }

            value = length == 0 ? string.Empty : Encoding.UTF8.GetString(bytes);
            _position += length;
            return true;
        }
    }
}
