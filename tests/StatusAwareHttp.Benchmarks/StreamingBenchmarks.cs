using BenchmarkDotNet.Attributes;

namespace StatusAwareHttp.Benchmarks;

/// <summary>An 8 MiB body streamed through (over the cache's entry limit): bytes allocated must stay far below its size.</summary>
[MemoryDiagnoser]
public class StreamingBenchmarks
{
    private BenchOrigin _origin = null!;
    private Clients _clients = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _origin = await BenchOrigin.StartAsync();
        _clients = new Clients(_origin.BaseAddress);
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _clients.DisposeAsync();
        await _origin.DisposeAsync();
    }

    [Benchmark(Baseline = true)]
    public Task<long> Bare8MiB() => StreamAsync(_clients.Bare);

    [Benchmark]
    public Task<long> Status8MiB() => StreamAsync(_clients.Status);

    private static async Task<long> StreamAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/big", HttpCompletionOption.ResponseHeadersRead);
        await using var body = await response.Content.ReadAsStreamAsync();
        var counter = new CountingStream();
        await body.CopyToAsync(counter, 81920);
        if (counter.Length != BenchOrigin.BigBodyBytes)
        {
            throw new InvalidOperationException($"got {counter.Length} bytes");
        }

        return counter.Length;
    }

    private sealed class CountingStream : Stream
    {
        private long _length;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => _length;

        public override long Position { get => _length; set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => _length += count;

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            _length += buffer.Length;
            return ValueTask.CompletedTask;
        }
    }
}
