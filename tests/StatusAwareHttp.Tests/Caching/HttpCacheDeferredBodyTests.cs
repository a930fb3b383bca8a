using System.Runtime.InteropServices;

namespace StatusAwareHttp.Tests.Caching;

/// <summary>
/// <see cref="HttpCacheDeferredBody"/>, the contract a store implements to have a range read only its bytes: its
/// memory is made without reading, a range reads only that range, the whole body is read once, and a body that cannot
/// be read is <see langword="false"/> from the Try methods and an <see cref="IOException"/> from its span.
/// </summary>
public sealed class HttpCacheDeferredBodyTests
{
    private static readonly byte[] s_bytes = Enumerable.Range(0, 1000).Select(i => (byte)i).ToArray();

    [Fact]
    public void A_range_reads_only_its_bytes_and_the_whole_body_is_read_once()
    {
        using var body = new Counting(s_bytes);
        var memory = body.Memory;
        Assert.Equal(1000, memory.Length);
        Assert.Empty(body.Reads);

        var part = new byte[100];
        Assert.True(body.TryRead(300, part));
        Assert.Equal(s_bytes[300..400], part);
        Assert.Equal([(300, 100)], body.Reads);
        Assert.True(MemoryMarshal.TryGetMemoryManager<byte, HttpCacheDeferredBody>(memory.Slice(300, 100), out var found, out var start, out var length));
        Assert.Same(body, found);
        Assert.Equal((300, 100), (start, length));

        Assert.True(body.TryLoad());
        Assert.True(body.TryLoad());
        Assert.Equal(s_bytes, memory.ToArray());
        using (memory.Pin())
        {
        }

        Assert.Equal([(300, 100), (0, 1000)], body.Reads);
        Assert.True(body.TryRead(10, part.AsMemory(0, 5)));
        Assert.Equal(2, body.Reads.Count); // from memory once loaded
    }

    [Fact]
    public void A_body_that_cannot_be_read_is_false_and_its_span_an_IOException()
    {
        using var body = new Counting(s_bytes) { Fails = true };
        Assert.False(body.TryRead(0, new byte[10]));
        Assert.False(body.TryLoad());
        Assert.False(body.IsLoaded);
        Assert.Throws<IOException>(() => body.Memory.Span.Length);
        Assert.Throws<ArgumentOutOfRangeException>(() => body.TryRead(995, new byte[10]));
    }

    private sealed class Counting(byte[] bytes) : HttpCacheDeferredBody(bytes.Length)
    {
        public List<(int Offset, int Count)> Reads { get; } = [];

        public bool Fails { get; init; }

        protected override bool ReadStored(int offset, Memory<byte> destination)
        {
            Reads.Add((offset, destination.Length));
            bytes.AsSpan(offset, destination.Length).CopyTo(destination.Span);
            return !Fails;
        }
    }
}
