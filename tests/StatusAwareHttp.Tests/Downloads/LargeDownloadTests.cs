using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using StatusAwareHttp.Tests.Infrastructure;
using Xunit.Abstractions;

namespace StatusAwareHttp.Tests.Downloads;

/// <summary>Runs alone, so the process-wide allocation and working-set numbers are this download's.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LargeDownloadsDefinition
{
    public const string Name = "Large downloads";
}

/// <summary>
/// A 1 GiB body generated on the fly by the loopback server (byte i is i mod 251), cut once at 512 MiB and resumed,
/// streamed to a temporary file. Filter it out with <c>--filter "Category!=Large"</c>.
/// </summary>
[Collection(LargeDownloadsDefinition.Name)]
[Trait("Category", "Large")]
public sealed class LargeDownloadTests
{
    private const long Size = 1L << 30;
    private const long Cut = 1L << 29;
    private const int Chunk = 64 * 1024;
    private const long MiB = 1 << 20;

    private static readonly byte[] s_pattern = CreatePattern();

    private readonly ITestOutputHelper _output;

    public LargeDownloadTests(ITestOutputHelper output)
    {
        _output = output;
    }

    [Fact]
    public async Task A_1_GiB_download_with_a_cut_keeps_memory_flat()
    {
        var calls = 0;
        var progress = new LatestProgress();
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/big", async (HttpContext context) =>
        {
            var first = Interlocked.Increment(ref calls) == 1;
            var range = context.Request.Headers.Range.ToString();
            long from = 0;
            if (range.StartsWith("bytes=", StringComparison.Ordinal) && context.Request.Headers.IfRange == "\"big\"")
            {
                from = long.Parse(range.AsSpan(6, range.Length - 7), System.Globalization.CultureInfo.InvariantCulture);
                context.Response.StatusCode = 206;
                context.Response.Headers.ContentRange = $"bytes {from}-{Size - 1}/{Size}";
            }

            context.Response.Headers.ETag = "\"big\"";
            context.Response.ContentLength = Size - from;
            var end = first ? Cut : Size;
            for (var position = from; position < end; position += Chunk)
            {
                var count = (int)Math.Min(Chunk, end - position);
                await context.Response.Body.WriteAsync(s_pattern.AsMemory((int)(position % 251), count), context.RequestAborted);
            }

            if (first)
            {
                await context.Response.Body.FlushAsync();
                var waited = Stopwatch.StartNew();
                while (progress.Bytes < Cut && waited.Elapsed < TimeSpan.FromSeconds(30))
                {
                    await Task.Delay(5);
                }

                context.Abort();
            }
        }));
        using var dir = new TempDir();
        using var client = new HttpClient();
        var path = dir.File("big.bin");
        var options = new DownloadOptions { Progress = progress, ProgressInterval = TimeSpan.Zero, RetryDelay = TimeSpan.Zero, MaxRetryDelay = TimeSpan.Zero };

        GC.Collect();
        GC.WaitForPendingFinalizers();
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        var peakBefore = process.PeakWorkingSet64;
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();

        var result = await client.DownloadToFileAsync(server.Url("/big"), path, options);

        clock.Stop();
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        process.Refresh();
        var peakAfter = process.PeakWorkingSet64;
        _output.WriteLine(
            $"1 GiB download (cut at 512 MiB, resumed): {clock.Elapsed.TotalSeconds:F1} s; GC allocated {allocated / (double)MiB:F1} MiB " +
            $"(client and Kestrel server, same process); peak working set {peakBefore / MiB} MiB before, {peakAfter / MiB} MiB after; " +
            $"working set now {process.WorkingSet64 / MiB} MiB.");

        Assert.Equal(Size, result.Length);
        Assert.Equal(1, result.Resumes);
        Assert.Equal(Size, result.BytesFetched);
        Assert.Equal(Size, new FileInfo(path).Length);
        Assert.True(allocated < 64 * MiB, $"Allocated {allocated / MiB} MiB for a 1 GiB body.");
        Assert.True(peakAfter - peakBefore < 256 * MiB, $"The peak working set grew by {(peakAfter - peakBefore) / MiB} MiB.");

        // The bytes are the pattern everywhere, across the cut too.
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 0, FileOptions.SequentialScan);
        var buffer = new byte[4 * MiB];
        long offset = 0;
        int read;
        while ((read = await file.ReadAsync(buffer)) > 0)
        {
            for (var i = 0; i < read; i += Chunk)
            {
                var n = Math.Min(Chunk, read - i);
                Assert.True(buffer.AsSpan(i, n).SequenceEqual(s_pattern.AsSpan((int)((offset + i) % 251), n)), $"Pattern broken near byte {offset + i}.");
            }

            offset += read;
        }

        Assert.Equal(Size, offset);
    }

    private static byte[] CreatePattern()
    {
        var pattern = new byte[Chunk + 251];
        for (var i = 0; i < pattern.Length; i++)
        {
            pattern[i] = (byte)(i % 251);
        }

        return pattern;
    }

    private sealed class LatestProgress : IProgress<DownloadProgress>
    {
        private long _bytes;

        public long Bytes => Volatile.Read(ref _bytes);

        public void Report(DownloadProgress value) => Volatile.Write(ref _bytes, value.BytesDownloaded);
    }
}
