using System.Buffers.Binary;
using System.Text;
using StatusAwareHttp.Caching.Distributed.Internal;

namespace StatusAwareHttp.Tests.Distributed;

public sealed class HttpCacheEntryFormatTests
{
    private static readonly DateTimeOffset s_requested = new(2026, 3, 1, 12, 0, 0, TimeSpan.FromHours(2));
    private static readonly DateTimeOffset s_received = s_requested.AddMilliseconds(37.5);

    private static HttpCacheEntry Entry(int status = 200, byte[]? body = null, string? varyValue = "gzip") => new(
        status,
        [
            new("Cache-Control", "max-age=60"),
            new("ETag", "W/\"v1\""),
            new("Set-Nothing", "caf\u00e9 \u00ff obs-text"), // Latin-1 decoded obs-text, as SocketsHttpHandler gives it
            new("X-Empty", string.Empty),
            new("Content-Type", "text/plain; charset=utf-8"),
        ],
        body ?? Encoding.UTF8.GetBytes("hello"),
        s_requested,
        s_received,
        [new("Accept-Encoding", varyValue), new("X-Absent", null)]);

    private static byte[] Valid() => HttpCacheEntryFormat.Write([Entry(), Entry(404, [], varyValue: null)]);

    [Fact]
    public void Variants_round_trip_field_for_field()
    {
        var written = new[] { Entry(), Entry(301, [], varyValue: null) };

        Assert.True(HttpCacheEntryFormat.TryRead(HttpCacheEntryFormat.Write(written), out var read, out var error), error);

        Assert.Equal(2, read!.Count);
        for (var i = 0; i < written.Length; i++)
        {
            Assert.Equal(written[i].StatusCode, read[i].StatusCode);
            Assert.Equal(written[i].Headers, read[i].Headers);
            Assert.Equal(written[i].VaryHeaders, read[i].VaryHeaders);
            Assert.Equal(written[i].Body.ToArray(), read[i].Body.ToArray());
            Assert.Equal(written[i].RequestTime, read[i].RequestTime);
            Assert.Equal(written[i].ResponseTime, read[i].ResponseTime);
            Assert.Equal(TimeSpan.Zero, read[i].ResponseTime.Offset); // times come back in UTC, the same instant
        }
    }

    [Fact]
    public void Starts_with_magic_version_and_exact_length()
    {
        var payload = Valid();

        Assert.Equal("SAHC"u8.ToArray(), payload[..4]);
        Assert.Equal(1, payload[4]);
        Assert.Equal((uint)(payload.Length - 9), BinaryPrimitives.ReadUInt32LittleEndian(payload.AsSpan(5)));
    }

    [Fact]
    public void A_one_mebibyte_body_round_trips_without_a_copy()
    {
        var body = new byte[1024 * 1024];
        new Random(8).NextBytes(body);
        var payload = HttpCacheEntryFormat.Write([Entry(body: body)]);

        Assert.True(HttpCacheEntryFormat.TryRead(payload, out var read, out _));

        Assert.Equal(body, read![0].Body.ToArray());
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(read[0].Body, out var segment));
        Assert.Same(payload, segment.Array);
    }

    [Fact]
    public void Overhead_is_small()
    {
        // 9 preamble + 1 count + 2 status + 16 times + the text with one-byte lengths + the body.
        var entry = new HttpCacheEntry(200, [new("ETag", "\"a\"")], new byte[1024], s_requested, s_received, []);

        Assert.Equal(9 + 1 + 2 + 16 + 1 + (1 + 4 + 1 + 3) + 1 + 2 + 1024, HttpCacheEntryFormat.Write([entry]).Length);
    }

    public static TheoryData<string, Func<byte[], byte[]>, string> Corruptions => new()
    {
        { "empty", _ => [], "truncated" },
        { "shorter than the preamble", p => p[..8], "truncated" },
        { "wrong magic", p => Set(p, 0, (byte)'X'), "wrong magic" },
        { "JSON written by someone else", _ => "{\"status\":200}"u8.ToArray(), "wrong magic" },
        { "version 0", p => Set(p, 4, 0), "unknown format version 0" },
        { "version 2 (a newer writer)", p => Set(p, 4, 2), "unknown format version 2" },
        { "version 255", p => Set(p, 4, 255), "unknown format version 255" },
        { "cut one byte short", p => p[..^1], "truncated" },
        { "cut in half", p => p[..(p.Length / 2)], "truncated" },
        { "one byte past the stated length", p => [.. p, 0], "past the stated length" },
        { "stated length larger", p => SetLength(p, (uint)p.Length), "truncated" },
        { "no variants", p => Payload(0x00), "bad variant count" },
        { "more variants than bytes", p => Payload(0xFF, 0xFF, 0x03, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), "bad variant count" },
        { "status 99", p => Variant(99), "bad status" },
        { "status 1000", p => Variant(1000), "bad status" },
        { "time past DateTimeOffset.MaxValue", p => Variant(200, ticks: long.MaxValue), "bad time" },
        { "negative time", p => Variant(200, ticks: -1), "bad time" },
        { "header count past the end", p => Variant(200, rest: [0x7F, 0, 0]), "bad header count" },
        { "empty header name", p => Variant(200, rest: [0x01, 0x00, 0x00, 0x00, 0x00]), "bad header line 0" },
        { "header name not UTF-8", p => Variant(200, rest: [0x01, 0x02, 0xC3, 0x28, 0x00, 0x00, 0x00]), "bad header line 0" },
        { "header value past the end", p => Variant(200, rest: [0x01, 0x01, (byte)'a', 0x40, (byte)'b', 0, 0]), "bad header line 0" },
        { "varint longer than five bytes", p => Variant(200, rest: [0x80, 0x80, 0x80, 0x80, 0x80, 0x01, 0, 0]), "bad header count" },
        { "varint past int.MaxValue", p => Variant(200, rest: [0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0, 0]), "bad header count" },
        { "vary name empty", p => Variant(200, rest: [0x00, 0x01, 0x00, 0x00, 0x00]), "bad vary field 0" },
        { "body longer than what is left", p => Variant(200, rest: [0x00, 0x00, 0x05, (byte)'a']), "bad body length" },
        { "bytes after the last variant", p => Variant(200, rest: [0x00, 0x00, 0x00, 0xAA]), "bytes after the last variant" },
    };

    [Theory]
    [MemberData(nameof(Corruptions))]
    public void Corrupt_payloads_are_refused_with_a_reason_never_an_exception(string name, Func<byte[], byte[]> corrupt, string reason)
    {
        var payload = corrupt(Valid());

        var ok = HttpCacheEntryFormat.TryRead(payload, out var entries, out var error);

        Assert.False(ok, name);
        Assert.Null(entries);
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_truncation_is_refused()
    {
        var payload = Valid();
        for (var length = 0; length < payload.Length; length++)
        {
            Assert.False(HttpCacheEntryFormat.TryRead(payload[..length], out _, out var error), $"length {length}");
            Assert.NotNull(error);
        }
    }

    [Fact]
    public void Random_damage_never_throws()
    {
        var valid = Valid();
        var random = new Random(20260301);
        for (var i = 0; i < 5000; i++)
        {
            var payload = (byte[])valid.Clone();
            for (var flips = random.Next(1, 4); flips > 0; flips--)
            {
                payload[random.Next(payload.Length)] = (byte)random.Next(256);
            }

            // Damage past the preamble may still read (a changed body byte is still a body); it must never throw,
            // and what it reads must be an entry the cache can take.
            if (HttpCacheEntryFormat.TryRead(payload, out var entries, out _))
            {
                Assert.All(entries!, e => Assert.InRange(e.StatusCode, 100, 999));
            }
        }
    }

    private static byte[] Set(byte[] payload, int index, byte value)
    {
        payload[index] = value;
        return payload;
    }

    private static byte[] SetLength(byte[] payload, uint length)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(payload.AsSpan(5), length);
        return payload;
    }

    /// <summary>A preamble with the right length around <paramref name="body"/>.</summary>
    private static byte[] Payload(params byte[] body)
    {
        var payload = new byte[9 + body.Length];
        "SAHC"u8.CopyTo(payload);
        payload[4] = 1;
        BinaryPrimitives.WriteUInt32LittleEndian(payload.AsSpan(5), (uint)body.Length);
        body.CopyTo(payload, 9);
        return payload;
    }

    /// <summary>One variant with <paramref name="status"/> and <paramref name="ticks"/>, then <paramref name="rest"/>.</summary>
    private static byte[] Variant(int status, long ticks = 0, byte[]? rest = null)
    {
        var body = new byte[1 + 2 + 16 + (rest?.Length ?? 3)];
        body[0] = 1;
        BinaryPrimitives.WriteUInt16LittleEndian(body.AsSpan(1), (ushort)status);
        BinaryPrimitives.WriteInt64LittleEndian(body.AsSpan(3), ticks);
        BinaryPrimitives.WriteInt64LittleEndian(body.AsSpan(11), 0);
        (rest ?? [0, 0, 0]).CopyTo(body, 19);
        return Payload(body);
    }
}
