using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace StatusAwareHttp.Tests.Downloads;

/// <summary>A temporary directory, removed with everything in it on dispose.</summary>
public sealed class TempDir : IDisposable
{
    public TempDir()
    {
        Path = Directory.CreateTempSubdirectory("statusawarehttp-downloads-").FullName;
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>An <see cref="IProgress{T}"/> that runs its callback inline, so a test sees reports in order and at once.</summary>
public sealed class InlineProgress : IProgress<DownloadProgress>
{
    private readonly Action<DownloadProgress>? _callback;

    public InlineProgress(Action<DownloadProgress>? callback = null)
    {
        _callback = callback;
    }

    public List<DownloadProgress> Reports { get; } = [];

    public void Report(DownloadProgress value)
    {
        lock (Reports)
        {
            Reports.Add(value);
        }

        _callback?.Invoke(value);
    }
}

public static class DownloadTestData
{
    public static readonly DateTimeOffset LastModified = new(2024, 1, 2, 3, 4, 5, TimeSpan.Zero);

    /// <summary>Bytes that differ per position and per <paramref name="seed"/>, so a splice of two versions shows.</summary>
    public static byte[] Content(int length, int seed = 1)
    {
        var bytes = new byte[length];
        var state = (uint)(seed * 2654435761u) | 1;
        for (var i = 0; i < bytes.Length; i++)
        {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            bytes[i] = (byte)state;
        }

        return bytes;
    }

    /// <summary>Kestrel's own range support: Range, If-Range, ETag, Last-Modified, 206 and 416 are its work, not ours.</summary>
    public static IResult KestrelFile(byte[] content, string? eTag = "\"v1\"", DateTimeOffset? lastModified = null) =>
        Results.File(content, "application/octet-stream", enableRangeProcessing: true, lastModified: lastModified ?? LastModified, entityTag: eTag is null ? null : new EntityTagHeaderValue(eTag));

    /// <summary>
    /// Sends a 200 with the full Content-Length and the first <paramref name="cut"/> bytes, waits until the client has
    /// them (<paramref name="clientHas"/>), then drops the connection mid-body.
    /// </summary>
    public static async Task CutAsync(HttpContext context, byte[] content, int cut, Func<long, bool> clientHas, string? eTag = "\"v1\"", bool rangesNone = false, DateTimeOffset? lastModified = null)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentLength = content.Length;
        context.Response.ContentType = "application/octet-stream";
        if (eTag is not null)
        {
            context.Response.Headers.ETag = eTag;
        }

        if (lastModified is { } modified)
        {
            context.Response.Headers.LastModified = modified.ToString("r", System.Globalization.CultureInfo.InvariantCulture);
        }

        if (rangesNone)
        {
            context.Response.Headers.AcceptRanges = "none";
        }

        await context.Response.Body.WriteAsync(content.AsMemory(0, cut));
        await context.Response.Body.FlushAsync();
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!clientHas(cut) && waited.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(5);
        }

        context.Abort();
    }
}
