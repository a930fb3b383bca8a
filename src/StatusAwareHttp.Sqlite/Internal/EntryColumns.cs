using System.Text;

namespace StatusAwareHttp.Sqlite.Internal;

/// <summary>
/// The header and Vary columns of a stored variant: a count, then length-prefixed UTF-8 strings (a Vary value also has
/// a flag for "the request had no such field"). Reading checks every length, so a damaged column is "unreadable",
/// never an exception past <see cref="TryReadHeaders"/> and <see cref="TryReadVary"/>.
/// </summary>
internal static class EntryColumns
{
    /// <summary>The first byte of both columns, so a later layout can be told apart.</summary>
    private const byte Version = 1;

    private static readonly UTF8Encoding s_utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static byte[] WriteHeaders(IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        using var stream = new MemoryStream(64 + (headers.Count * 48));
        using (var writer = new BinaryWriter(stream, s_utf8, leaveOpen: true))
        {
            writer.Write(Version);
            writer.Write7BitEncodedInt(headers.Count);
            foreach (var (name, value) in headers)
            {
                writer.Write(name);
                writer.Write(value);
            }
        }

        return stream.ToArray();
    }

    public static byte[] WriteVary(IReadOnlyList<KeyValuePair<string, string?>> vary)
    {
        using var stream = new MemoryStream(8 + (vary.Count * 32));
        using (var writer = new BinaryWriter(stream, s_utf8, leaveOpen: true))
        {
            writer.Write(Version);
            writer.Write7BitEncodedInt(vary.Count);
            foreach (var (name, value) in vary)
            {
                writer.Write(name);
                writer.Write(value is not null);
                if (value is not null)
                {
                    writer.Write(value);
                }
            }
        }

        return stream.ToArray();
    }

    public static bool TryReadHeaders(byte[] column, out KeyValuePair<string, string>[] headers)
    {
        headers = [];
        try
        {
            using var reader = Open(column, out var count);
            if (count is < 0 || count > column.Length)
            {
                return false;
            }

            var read = new KeyValuePair<string, string>[count];
            for (var i = 0; i < count; i++)
            {
                read[i] = new(reader.ReadString(), reader.ReadString());
            }

            headers = read;
            return reader.BaseStream.Position == column.Length;
        }
        catch (Exception ex) when (ex is IOException or FormatException or DecoderFallbackException or InvalidDataException)
        {
            return false;
        }
    }

    public static bool TryReadVary(byte[] column, out KeyValuePair<string, string?>[] vary)
    {
        vary = [];
        try
        {
            using var reader = Open(column, out var count);
            if (count is < 0 || count > column.Length)
            {
                return false;
            }

            var read = new KeyValuePair<string, string?>[count];
            for (var i = 0; i < count; i++)
            {
                var name = reader.ReadString();
                read[i] = new(name, reader.ReadBoolean() ? reader.ReadString() : null);
            }

            vary = read;
            return reader.BaseStream.Position == column.Length;
        }
        catch (Exception ex) when (ex is IOException or FormatException or DecoderFallbackException or InvalidDataException)
        {
            return false;
        }
    }

    private static BinaryReader Open(byte[] column, out int count)
    {
        var reader = new BinaryReader(new MemoryStream(column, writable: false), s_utf8);
        if (column.Length == 0 || reader.ReadByte() != Version)
        {
            reader.Dispose();
            throw new InvalidDataException("unknown column layout");
        }

        count = reader.Read7BitEncodedInt();
        return reader;
    }
}
