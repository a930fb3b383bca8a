using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Net.Http.Headers;
using StatusAwareHttp.Sample.Tour;

namespace StatusAwareHttp.Sample.Sections;

/// <summary>
/// The 206 stops: a download the demo origin cuts half-way and the library resumes (with a progress bar), a partial
/// file resumed by a second run, and a file that changed between runs (If-Range turns the answer into a 200).
/// </summary>
internal sealed class DownloadSection : ITourSection
{
    private const int Size = 4 * 1024 * 1024;
    private static readonly DateTimeOffset Modified = new(2024, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private readonly byte[] _v1 = Content(Size, 1);
    private readonly byte[] _v2 = Content(Size / 2, 2);

    // Per run (the ?run= query): how many requests the origin got, and how many bytes the client holds.
    private readonly ConcurrentDictionary<string, int> _calls = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _clientBytes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _versions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _lastAnswer = new(StringComparer.Ordinal);

    public int Order => 500;

    public string Title => "Resumable downloads (206 Partial Content, RFC 9110 §14)";

    public void MapRoutes(WebApplication origin)
    {
        // v1 is cut half-way on the first request of a run; later requests get Kestrel's own range support.
        origin.MapGet("/downloads/file", async (HttpContext context) =>
        {
            var run = context.Request.Query["run"].ToString();
            if (_calls.AddOrUpdate(run, 1, (_, n) => n + 1) == 1)
            {
                await CutAsync(context, run, _v1, Size / 2);
                return;
            }

            var v2 = _versions.TryGetValue(run, out var version) && version == 2;
            // Recorded as the headers go out, so the client never reads it before it is written.
            context.Response.OnStarting(() =>
            {
                _lastAnswer[run] = $"{context.Response.StatusCode} {context.Response.Headers.ContentRange}".TrimEnd()
                    + $" to Range: {context.Request.Headers.Range}, If-Range: {context.Request.Headers.IfRange}";
                return Task.CompletedTask;
            });
            await File(v2 ? _v2 : _v1, v2 ? "\"v2\"" : "\"v1\"").ExecuteAsync(context);
        });
    }

    public void ConfigureServices(IServiceCollection services, IHttpClientBuilder demoClient)
    {
    }

    public IReadOnlyList<TourStop> Stops =>
    [
        new("206: a download cut half-way, resumed", "GET /downloads/file (4 MiB) to a file, with a progress bar", ResumedAsync),
        new("206: a partial file resumed by the next run", "GET /downloads/file, cut; later a second run on the same file", NextRunAsync),
        new("200 to If-Range: the file changed between runs", "GET /downloads/file, cut; the origin then serves v2", ChangedAsync),
    ];

    private async Task<StopResult> ResumedAsync(TourContext ctx, CancellationToken ct)
    {
        using var dir = new TempDir();
        var run = Guid.NewGuid().ToString("N");
        var bars = new List<string>();
        var atCut = string.Empty;
        var options = Options(run, p =>
        {
            var bar = Bar(p);
            if (bars.Count == 0 || bars[^1] != bar)
            {
                bars.Add(bar);
            }

            if (p.BytesDownloaded == Size / 2)
            {
                atCut = bar;
            }
        });

        var result = await ctx.Client.DownloadToFileAsync(new Uri($"/downloads/file?run={run}", UriKind.Relative), dir.File, options, ct);

        var ok = result is { Resumes: 1, Restarts: 0, Requests: 2, BytesFetched: Size } && _lastAnswer[run].StartsWith("206 ", StringComparison.Ordinal) && (await System.IO.File.ReadAllBytesAsync(dir.File, ct)).AsSpan().SequenceEqual(_v1);
        return new StopResult(
            $"200 (ETag \"v1\", {Size} bytes), connection dropped after {Size / 2}; then {_lastAnswer[run]}",
            $"resumed after the drop, from the last byte written; progress {atCut} -> {bars[^1]}",
            $"{result.Length} bytes, {result.BytesFetched} fetched (none twice), {result.Requests} requests, resumed {result.Resumes}x",
            ok);
    }

    private async Task<StopResult> NextRunAsync(TourContext ctx, CancellationToken ct)
    {
        using var dir = new TempDir();
        var run = Guid.NewGuid().ToString("N");
        var uri = new Uri($"/downloads/file?run={run}", UriKind.Relative);
        var first = Options(run);
        first.MaxRetries = 0;
        string left;
        try
        {
            await ctx.Client.DownloadToFileAsync(uri, dir.File, first, ct);
            return new StopResult("200, not cut", "-", "the first run was not cut", false);
        }
        catch (IOException)
        {
            left = $"{new FileInfo(dir.File).Length} bytes + {Path.GetFileName(dir.File)}.download";
        }

        var result = await ctx.Client.DownloadToFileAsync(uri, dir.File, Options(run), ct);

        var ok = result is { StartOffset: Size / 2, Resumes: 1, Requests: 1 } && _lastAnswer[run].StartsWith("206 ", StringComparison.Ordinal) && !System.IO.File.Exists(dir.File + ".download")
            && (await System.IO.File.ReadAllBytesAsync(dir.File, ct)).AsSpan().SequenceEqual(_v1);
        return new StopResult(
            $"run 1: 200, dropped after {Size / 2} bytes; run 2: {_lastAnswer[run]}",
            $"run 1 left {left}; run 2 read the sidecar and resumed from byte {result.StartOffset}",
            $"{result.Length} bytes, {result.BytesFetched} fetched by run 2, sidecar removed",
            ok);
    }

    private async Task<StopResult> ChangedAsync(TourContext ctx, CancellationToken ct)
    {
        using var dir = new TempDir();
        var run = Guid.NewGuid().ToString("N");
        var first = Options(run);
        first.MaxRetries = 0;
        try
        {
            await ctx.Client.DownloadToFileAsync(new Uri($"/downloads/file?run={run}", UriKind.Relative), dir.File, first, ct);
        }
        catch (IOException)
        {
        }

        // The same URI now serves another version, with another ETag.
        _versions[run] = 2;
        var result = await ctx.Client.DownloadToFileAsync(new Uri($"/downloads/file?run={run}", UriKind.Relative), dir.File, Options(run), ct);

        var ok = result is { Restarts: 1, Resumes: 0 } && _lastAnswer[run].StartsWith("200 ", StringComparison.Ordinal) && result.ETag?.Tag == "\"v2\""
            && (await System.IO.File.ReadAllBytesAsync(dir.File, ct)).AsSpan().SequenceEqual(_v2);
        return new StopResult(
            $"run 1: v1 dropped after {Size / 2} bytes; run 2 (origin now has v2): {_lastAnswer[run]}",
            "restarted from zero, truncating the v1 bytes: no splice of two versions",
            $"{result.Length} bytes of v2 (ETag {result.ETag}), restarted {result.Restarts}x",
            ok);
    }

    private DownloadOptions Options(string run, Action<DownloadProgress>? onProgress = null) => new()
    {
        Progress = new Reporter(p =>
        {
            _clientBytes[run] = p.BytesDownloaded;
            onProgress?.Invoke(p);
        }),
        ProgressInterval = TimeSpan.Zero,
        RetryDelay = TimeSpan.FromMilliseconds(50),
        MaxRetryDelay = TimeSpan.FromMilliseconds(200),
    };

    private async Task CutAsync(HttpContext context, string run, byte[] content, int cut)
    {
        context.Response.ContentLength = content.Length;
        context.Response.Headers.ETag = "\"v1\"";
        await context.Response.Body.WriteAsync(content.AsMemory(0, cut), context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while ((_clientBytes.TryGetValue(run, out var held) ? held : 0) < cut && waited.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(5, context.RequestAborted);
        }

        context.Abort();
    }

    private static IResult File(byte[] content, string eTag) =>
        Results.File(content, "application/octet-stream", enableRangeProcessing: true, lastModified: Modified, entityTag: new EntityTagHeaderValue(eTag));

    private static string Bar(DownloadProgress progress)
    {
        var filled = (int)Math.Round((progress.Fraction ?? 0) * 20);
        return $"[{new string('#', filled)}{new string('.', 20 - filled)}] {progress.Fraction ?? 0:P0}";
    }

    private static byte[] Content(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private sealed class Reporter(Action<DownloadProgress> report) : IProgress<DownloadProgress>
    {
        public void Report(DownloadProgress value) => report(value);
    }

    private sealed class TempDir : IDisposable
    {
        private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("statusawarehttp-tour-");

        public string File => Path.Combine(_dir.FullName, "file.bin");

        public void Dispose() => _dir.Delete(recursive: true);
    }
}
