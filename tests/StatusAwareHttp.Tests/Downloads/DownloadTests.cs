using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using StatusAwareHttp.Downloads.Internal;
using StatusAwareHttp.Tests.Infrastructure;
using static StatusAwareHttp.Tests.Downloads.DownloadTestData;

namespace StatusAwareHttp.Tests.Downloads;

/// <summary>Downloads over real sockets: Kestrel's own range support, and scripted origins for the bad cases.</summary>
public sealed class DownloadTests
{
    private const string V1 = "\"v1\"";

    [Fact]
    public async Task Downloads_a_file_whole_and_leaves_no_sidecar()
    {
        var content = Content(300_000);
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/file", () => KestrelFile(content)));
        using var dir = new TempDir();
        using var client = new HttpClient();
        var path = dir.File("file.bin");

        var result = await client.DownloadToFileAsync(server.Url("/file"), path);

        Assert.Equal(content, await File.ReadAllBytesAsync(path));
        Assert.False(File.Exists(path + ".download"));
        Assert.Equal(content.Length, result.Length);
        Assert.Equal(content.Length, result.BytesFetched);
        Assert.Equal(1, result.Requests);
        Assert.False(result.Resumed);
        Assert.False(result.Restarted);
        Assert.Equal(V1, result.ETag!.Tag);
        Assert.Equal(LastModified, result.LastModified);
        var request = Assert.Single(server.Requests);
        Assert.Equal("identity", request.Header("Accept-Encoding"));
        Assert.Null(request.Header("Range"));
    }

    [Fact]
    public async Task A_cut_connection_is_resumed_from_the_last_byte_written_with_If_Range()
    {
        var content = Content(400_000);
        var origin = new Origin();
        await using var server = await StartCutOnceAsync(content, 150_000, origin);
        using var dir = new TempDir();
        using var client = new HttpClient();
        var logger = new FakeLogger();
        using var meters = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meterFactory = meters.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();
        using var resumed = new MetricCollector<long>(meterFactory, "StatusAwareHttp", "statusawarehttp.download.resumed");
        var options = origin.Options();
        options.Logger = logger;
        options.MeterFactory = meterFactory;
        var path = dir.File("file.bin");

        var result = await client.DownloadToFileAsync(server.Url("/file"), path, options);

        Assert.Equal(content, await File.ReadAllBytesAsync(path));
        Assert.False(File.Exists(path + ".download"));
        Assert.Equal(1, result.Resumes);
        Assert.Equal(0, result.Restarts);
        Assert.Equal(2, result.Requests);
        Assert.Equal(content.Length, result.BytesFetched); // no byte fetched twice
        var resume = server.Requests[1];
        Assert.Equal("bytes=150000-", resume.Header("Range"));
        Assert.Equal(V1, resume.Header("If-Range"));
        Assert.Equal("identity", resume.Header("Accept-Encoding"));
        Assert.Contains(logger.Collector.GetSnapshot(), r => r.Id.Id == 503);
        Assert.Equal(1, Assert.Single(resumed.GetMeasurementSnapshot()).Value);
    }

    [Fact]
    public async Task Retries_wait_for_the_backoff_on_the_injected_clock()
    {
        var content = Content(100_000);
        var origin = new Origin();
        await using var server = await StartCutOnceAsync(content, 40_000, origin);
        using var dir = new TempDir();
        using var client = new HttpClient();
        var time = new FakeTimeProvider();
        var options = origin.Options(time: time);
        options.RetryDelay = TimeSpan.FromSeconds(10);
        options.MaxRetryDelay = TimeSpan.FromSeconds(30);

        var download = client.DownloadToFileAsync(server.Url("/file"), dir.File("file.bin"), options);

        // The connection drops, and with the clock standing still the next attempt never starts.
        await WaitUntil(() => origin.ClientHas(40_000) && server.Requests.Count == 1);
        await Task.Delay(300);
        Assert.Single(server.Requests);
        Assert.False(download.IsCompleted);

        // The longest delay passes: the attempt starts and resumes.
        while (!download.IsCompleted)
        {
            time.Advance(TimeSpan.FromSeconds(30));
            await Task.WhenAny(download, Task.Delay(20));
        }

        var result = await download;
        Assert.Equal(2, server.Requests.Count);
        Assert.Equal(1, result.Resumes);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_new_process_resumes_a_partial_file_with_its_sidecar(bool withETag)
    {
        var content = Content(400_000);
        var origin = new Origin();
        var eTag = withETag ? V1 : null;
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/file", async (HttpContext context) =>
        {
            if (Interlocked.Increment(ref origin.Calls) == 1)
            {
                await CutAsync(context, content, 123_456, origin.ClientHas, eTag, lastModified: LastModified);
                return;
            }

            await KestrelFile(content, eTag).ExecuteAsync(context);
        }));
        using var dir = new TempDir();
        var path = dir.File("file.bin");

        // First process: no retries, so the cut ends the call with a partial file and its sidecar.
        using (var first = new HttpClient())
        {
            await Assert.ThrowsAnyAsync<IOException>(() => first.DownloadToFileAsync(server.Url("/file"), path, origin.Options(maxRetries: 0)));
        }

        Assert.Equal(123_456, new FileInfo(path).Length);
        var sidecar = await File.ReadAllTextAsync(path + ".download");
        Assert.Contains(withETag ? "etag: \"v1\"" : "last-modified: Tue, 02 Jan 2024 03:04:05 GMT", sidecar, StringComparison.Ordinal);
        Assert.Contains("length: 400000", sidecar, StringComparison.Ordinal);

        // Second process: a new client, the same file.
        using var second = new HttpClient();
        var result = await second.DownloadToFileAsync(server.Url("/file"), path);

        Assert.Equal(content, await File.ReadAllBytesAsync(path));
        Assert.False(File.Exists(path + ".download"));
        Assert.Equal(123_456, result.StartOffset);
        Assert.Equal(1, result.Resumes);
        Assert.Equal(1, result.Requests);
        Assert.Equal(content.Length - 123_456, result.BytesFetched);
        var resume = server.Requests[1];
        Assert.Equal("bytes=123456-", resume.Header("Range"));
        Assert.Equal(withETag ? V1 : "Tue, 02 Jan 2024 03:04:05 GMT", resume.Header("If-Range"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_file_that_changed_between_attempts_restarts_from_zero_and_is_truncated(bool newProcess)
    {
        var v1 = Content(400_000, seed: 1);
        var v2 = Content(100_000, seed: 2);
        var origin = new Origin();
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/file", async (HttpContext context) =>
        {
            if (Interlocked.Increment(ref origin.Calls) == 1)
            {
                await CutAsync(context, v1, 250_000, origin.ClientHas, V1);
                return;
            }

            // Kestrel sees If-Range "v1" against "v2" and answers 200 with the new file.
            await KestrelFile(v2, "\"v2\"").ExecuteAsync(context);
        }));
        using var dir = new TempDir();
        using var client = new HttpClient();
        var path = dir.File("file.bin");
        if (newProcess)
        {
            await Assert.ThrowsAnyAsync<IOException>(() => client.DownloadToFileAsync(server.Url("/file"), path, origin.Options(maxRetries: 0)));
        }

        var result = await client.DownloadToFileAsync(server.Url("/file"), path, origin.Options());

        Assert.Equal(v2, await File.ReadAllBytesAsync(path));
        Assert.False(File.Exists(path + ".download"));
        Assert.Equal(1, result.Restarts);
        Assert.Equal(0, result.Resumes);
        Assert.Equal(0, result.StartOffset); // the earlier run's 250,000 bytes were discarded: nothing of them is kept
        Assert.Equal(newProcess ? v2.Length : 250_000 + v2.Length, result.BytesFetched); // this call's bytes, discarded ones too
        Assert.Equal("\"v2\"", result.ETag!.Tag);
        var second = server.Requests[1];
        Assert.Equal("bytes=250000-", second.Header("Range"));
        Assert.Equal(V1, second.Header("If-Range"));
        Assert.Equal(2, server.Requests.Count);
    }

    [Theory]
    [InlineData("start")]
    [InlineData("total")]
    [InlineData("missing")]
    [InlineData("etag")]
    public async Task A_206_with_a_wrong_Content_Range_is_discarded_and_the_download_restarts(string wrong)
    {
        var content = Content(200_000);
        const int Cut = 80_000;
        var origin = new Origin();
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/file", async (HttpContext context) =>
        {
            switch (Interlocked.Increment(ref origin.Calls))
            {
                case 1:
                    await CutAsync(context, content, Cut, origin.ClientHas);
                    return;
                case 2:
                    // A 206 that breaks §14.4 (or, for "etag", ignores the If-Range it was sent).
                    context.Response.StatusCode = 206;
                    context.Response.Headers.ETag = wrong == "etag" ? "\"v2\"" : V1;
                    var body = wrong == "start" ? content : content.AsMemory(Cut);
                    if (wrong == "start")
                    {
                        context.Response.Headers.ContentRange = $"bytes 0-{content.Length - 1}/{content.Length}";
                    }
                    else if (wrong == "total")
                    {
                        context.Response.Headers.ContentRange = $"bytes {Cut}-{content.Length - 1}/{content.Length + 10}";
                    }
                    else if (wrong == "etag")
                    {
                        context.Response.Headers.ContentRange = $"bytes {Cut}-{content.Length - 1}/{content.Length}";
                    }

                    context.Response.ContentLength = body.Length;
                    await context.Response.Body.WriteAsync(body);
                    return;
                default:
                    await KestrelFile(content).ExecuteAsync(context);
                    return;
            }
        }));
        using var dir = new TempDir();
        using var client = new HttpClient();
        var path = dir.File("file.bin");

        var result = await client.DownloadToFileAsync(server.Url("/file"), path, origin.Options());

        Assert.Equal(content, await File.ReadAllBytesAsync(path));
        Assert.Equal(1, result.Restarts);
        Assert.Equal(0, result.Resumes);
        Assert.Equal(3, result.Requests);
        Assert.Equal($"bytes={Cut}-", server.Requests[1].Header("Range"));
        Assert.Null(server.Requests[2].Header("Range"));
        Assert.Null(server.Requests[2].Header("If-Range"));
    }

    [Fact]
    public async Task A_206_carrying_less_than_asked_is_appended_and_the_rest_asked_for()
    {
        var content = Content(200_000);
        var origin = new Origin();
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/file", async (HttpContext context) =>
        {
            if (Interlocked.Increment(ref origin.Calls) == 1)
            {
                await CutAsync(context, content, 30_000, origin.ClientHas);
                return;
            }

            // A server that sends at most 50 000 bytes per range.
            var from = int.Parse(context.Request.Headers.Range.ToString()[6..^1], System.Globalization.CultureInfo.InvariantCulture);
            var to = Math.Min(from + 49_999, content.Length - 1);
            context.Response.StatusCode = 206;
            context.Response.Headers.ETag = V1;
            context.Response.Headers.ContentRange = $"bytes {from}-{to}/{content.Length}";
            context.Response.ContentLength = to - from + 1;
            await context.Response.Body.WriteAsync(content.AsMemory(from, to - from + 1));
        }));
        using var dir = new TempDir();
        using var client = new HttpClient();
        var path = dir.File("file.bin");

        var result = await client.DownloadToFileAsync(server.Url("/file"), path, origin.Options());

        Assert.Equal(content, await File.ReadAllBytesAsync(path));
        Assert.Equal(4, result.Resumes);
        Assert.Equal(0, result.Restarts);
        Assert.Equal(["", "bytes=30000-", "bytes=80000-", "bytes=130000-", "bytes=180000-"], server.Requests.Select(r => r.Header("Range") ?? ""));
    }

    [Fact]
    public async Task A_416_with_the_complete_length_of_the_partial_file_means_it_is_whole()
    {
        var content = Content(50_000);
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/file", () => KestrelFile(content)));
        using var dir = new TempDir();
        using var client = new HttpClient();
        var path = dir.File("file.bin");
        var uri = server.Url("/file");

        // A run that wrote every byte but stopped before removing its sidecar.
        await File.WriteAllBytesAsync(path, content);
        await Sidecar.For(uri, new ResumeValidator(new("\"v1\""), null), content.Length).WriteAsync(path + ".download", uri, CancellationToken.None);

        var result = await client.DownloadToFileAsync(uri, path);

        Assert.True(result.AlreadyComplete);
        Assert.Equal(0, result.BytesFetched);
        Assert.Equal(content.Length, result.Length);
        Assert.Equal(content, await File.ReadAllBytesAsync(path));
        Assert.False(File.Exists(path + ".download"));
        Assert.Equal("bytes=50000-", Assert.Single(server.Requests).Header("Range"));
    }

    [Fact]
    public async Task A_416_with_another_complete_length_restarts_from_zero()
    {
        var content = Content(50_000);
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/file", () => KestrelFile(content)));
        using var dir = new TempDir();
        using var client = new HttpClient();
        var path = dir.File("file.bin");
        var uri = server.Url("/file");

        // A partial file longer than the resource is now: Kestrel answers 416 bytes */50000.
        await File.WriteAllBytesAsync(path, Content(60_000, seed: 9));
        await Sidecar.For(uri, new ResumeValidator(new("\"v1\""), null), null).WriteAsync(path + ".download", uri, CancellationToken.None);

        var result = await client.DownloadToFileAsync(uri, path);

        Assert.False(result.AlreadyComplete);
        Assert.Equal(1, result.Restarts);
        Assert.Equal(content, await File.ReadAllBytesAsync(path));
        Assert.Equal(2, server.Requests.Count);
        Assert.Equal("bytes=60000-", server.Requests[0].Header("Range"));
        Assert.Null(server.Requests[1].Header("Range"));
    }

    [Fact]
    public async Task A_server_that_ignores_Range_gets_the_download_restarted_from_zero()
    {
        var content = Content(200_000);
        var origin = new Origin();
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/file", async (HttpContext context) =>
        {
            if (Interlocked.Increment(ref origin.Calls) == 1)
            {
                await CutAsync(context, content, 90_000, origin.ClientHas);
                return;
            }

            // No range support: every answer is the whole file.
            context.Response.Headers.ETag = V1;
            context.Response.ContentLength = content.Length;
            await context.Response.Body.WriteAsync(content);
        }));
        using var dir = new TempDir();
        using var client = new HttpClient();
        var path = dir.File("file.bin");

        var result = await client.DownloadToFileAsync(server.Url("/file"), path, origin.Options());

        Assert.Equal(content, await File.ReadAllBytesAsync(path));
        Assert.Equal(1, result.Restarts);
        Assert.Equal(0, result.Resumes);
        Assert.Equal("bytes=90000-", server.Requests[1].Header("Range"));
    }

    [Theory]
    [InlineData("W/\"v1\"", false)]
    [InlineData(null, false)]
    [InlineData(V1, true)]
    public async Task Without_a_strong_validator_or_with_Accept_Ranges_none_a_cut_download_restarts_without_Range(string? eTag, bool rangesNone)
    {
        var content = Content(200_000);
        var origin = new Origin();
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/file", async (HttpContext context) =>
        {
            if (Interlocked.Increment(ref origin.Calls) == 1)
            {
                await CutAsync(context, content, 90_000, origin.ClientHas, eTag, rangesNone);
                return;
            }

            await KestrelFile(content).ExecuteAsync(context);
        }));
        using var dir = new TempDir();
        using var client = new HttpClient();
        var path = dir.File("file.bin");

        var result = await client.DownloadToFileAsync(server.Url("/file"), path, origin.Options());

        Assert.Equal(content, await File.ReadAllBytesAsync(path));
        Assert.Equal(1, result.Restarts);
        Assert.Null(server.Requests[1].Header("Range"));
        Assert.Null(server.Requests[1].Header("If-Range"));
    }

    [Fact]
    public async Task A_partial_file_without_a_usable_sidecar_is_not_resumed()
    {
        var content = Content(100_000);
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/file", () => KestrelFile(content)));
        using var dir = new TempDir();
        using var client = new HttpClient();
        var other = server.Url("/other");

        // No sidecar.
        var bare = dir.File("bare.bin");
        await File.WriteAllBytesAsync(bare, Content(30_000, seed: 5));

        // A sidecar for another URI.
        var foreign = dir.File("foreign.bin");
        await File.WriteAllBytesAsync(foreign, Content(30_000, seed: 5));
        await Sidecar.For(other, new ResumeValidator(new("\"v1\""), null), content.Length).WriteAsync(foreign + ".download", other, CancellationToken.None);

        // A damaged sidecar.
        var damaged = dir.File("damaged.bin");
        await File.WriteAllBytesAsync(damaged, Content(30_000, seed: 5));
        await File.WriteAllTextAsync(damaged + ".download", "StatusAwareHttp download v1\nuri-sha256: 00\netag: W/\"v1\"\n");

        foreach (var path in new[] { bare, foreign, damaged })
        {
            server.ClearRequests();
            var result = await client.DownloadToFileAsync(server.Url("/file"), path);

            Assert.Equal(content, await File.ReadAllBytesAsync(path));
            Assert.False(File.Exists(path + ".download"));
            Assert.Equal(1, result.Restarts);
            Assert.Equal(0, result.StartOffset);
            Assert.Null(Assert.Single(server.Requests).Header("Range"));
        }
    }

    [Fact]
    public async Task Cancellation_leaves_a_partial_file_that_the_next_call_resumes()
    {
        var content = Content(300_000);
        var origin = new Origin();
        using var cts = new CancellationTokenSource();
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/file", async (HttpContext context) =>
        {
            if (Interlocked.Increment(ref origin.Calls) == 1)
            {
                context.Response.ContentLength = content.Length;
                context.Response.Headers.ETag = V1;
                await context.Response.Body.WriteAsync(content.AsMemory(0, 100_000));
                await context.Response.Body.FlushAsync();
                try
                {
                    await Task.Delay(Timeout.Infinite, context.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                }

                return;
            }

            await KestrelFile(content).ExecuteAsync(context);
        }));
        using var dir = new TempDir();
        using var client = new HttpClient();
        var path = dir.File("file.bin");
        var options = origin.Options();
        options.Progress = new InlineProgress(p =>
        {
            if (p.BytesDownloaded >= 100_000)
            {
                cts.Cancel();
            }
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.DownloadToFileAsync(server.Url("/file"), path, options, cts.Token));

        Assert.Equal(100_000, new FileInfo(path).Length);
        Assert.True(File.Exists(path + ".download"));
        Assert.Single(server.Requests);

        var result = await client.DownloadToFileAsync(server.Url("/file"), path);

        Assert.Equal(content, await File.ReadAllBytesAsync(path));
        Assert.Equal(100_000, result.StartOffset);
        Assert.Equal("bytes=100000-", server.Requests[1].Header("Range"));
    }

    [Fact]
    public async Task A_multipart_byteranges_answer_is_refused_and_the_partial_file_kept()
    {
        var content = Content(100_000);
        var origin = new Origin();
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/file", async (HttpContext context) =>
        {
            if (Interlocked.Increment(ref origin.Calls) == 1)
            {
                await CutAsync(context, content, 40_000, origin.ClientHas);
                return;
            }

            context.Response.StatusCode = 206;
            context.Response.ContentType = "multipart/byteranges; boundary=XYZ";
            await context.Response.WriteAsync(
                "--XYZ\r\nContent-Type: application/octet-stream\r\nContent-Range: bytes 40000-40009/100000\r\n\r\n0123456789\r\n--XYZ--\r\n");
        }));
        using var dir = new TempDir();
        using var client = new HttpClient();
        var path = dir.File("file.bin");

        var error = await Assert.ThrowsAsync<DownloadException>(() => client.DownloadToFileAsync(server.Url("/file"), path, origin.Options()));

        Assert.Equal(DownloadFailureReason.MultipartByteRanges, error.Reason);
        Assert.Equal(HttpStatusCode.PartialContent, error.StatusCode);
        Assert.Contains("multipart/byteranges", error.Message, StringComparison.Ordinal);
        Assert.Equal(40_000, new FileInfo(path).Length);
        Assert.True(File.Exists(path + ".download"));
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task Dropped_connections_are_retried_a_bounded_number_of_times()
    {
        var content = Content(100_000);
        var origin = new Origin();
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/file", async (HttpContext context) =>
        {
            // Every answer is cut: 10 000 bytes of the range asked, then the connection drops.
            var from = context.Request.Headers.Range.Count > 0 ? int.Parse(context.Request.Headers.Range.ToString()[6..^1], System.Globalization.CultureInfo.InvariantCulture) : 0;
            context.Response.Headers.ETag = V1;
            if (from > 0)
            {
                context.Response.StatusCode = 206;
                context.Response.Headers.ContentRange = $"bytes {from}-{content.Length - 1}/{content.Length}";
            }

            context.Response.ContentLength = content.Length - from;
            await context.Response.Body.WriteAsync(content.AsMemory(from, 10_000));
            await context.Response.Body.FlushAsync();
            await WaitUntil(() => origin.ClientHas(from + 10_000));
            context.Abort();
        }));
        using var dir = new TempDir();
        using var client = new HttpClient();
        var path = dir.File("file.bin");

        await Assert.ThrowsAnyAsync<IOException>(() => client.DownloadToFileAsync(server.Url("/file"), path, origin.Options(maxRetries: 2)));

        Assert.Equal(3, server.Requests.Count);
        Assert.Equal(["", "bytes=10000-", "bytes=20000-"], server.Requests.Select(r => r.Header("Range") ?? ""));
        Assert.Equal(content.AsSpan(0, 30_000).ToArray(), await File.ReadAllBytesAsync(path));
        Assert.True(File.Exists(path + ".download"));
    }

    [Fact]
    public async Task An_error_status_stops_the_download_and_creates_no_file()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/file", () => Results.NotFound()));
        using var dir = new TempDir();
        using var client = new HttpClient();
        var path = dir.File("file.bin");

        var error = await Assert.ThrowsAsync<DownloadException>(() => client.DownloadToFileAsync(server.Url("/file"), path));

        Assert.Equal(DownloadFailureReason.UnexpectedStatus, error.Reason);
        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
        Assert.False(File.Exists(path));
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task Works_through_AddStatusHandling_whose_redirects_carry_Range_and_If_Range_to_the_file()
    {
        var content = Content(200_000);
        var origin = new Origin();
        await using var server = await LoopbackServer.StartAsync(app =>
        {
            app.MapGet("/latest", () => Results.Redirect("/files/v1.bin"));
            app.MapGet("/files/v1.bin", async (HttpContext context) =>
            {
                if (Interlocked.Increment(ref origin.Calls) == 1)
                {
                    await CutAsync(context, content, 70_000, origin.ClientHas);
                    return;
                }

                await KestrelFile(content).ExecuteAsync(context);
            });
        });
        await using var test = TestClient.Create();
        using var dir = new TempDir();
        var path = dir.File("file.bin");

        var result = await test.Client.DownloadToFileAsync(server.Url("/latest"), path, origin.Options());

        Assert.Equal(content, await File.ReadAllBytesAsync(path));
        Assert.Equal(1, result.Resumes);
        Assert.Equal(server.Url("/latest"), result.Uri);
        Assert.Equal(["/latest", "/files/v1.bin", "/latest", "/files/v1.bin"], server.Requests.Select(r => r.PathAndQuery));
        var resumed = server.Requests[3];
        Assert.Equal("bytes=70000-", resumed.Header("Range"));
        Assert.Equal(V1, resumed.Header("If-Range"));
    }

    [Fact]
    public async Task Progress_is_reported_at_a_bounded_rate_and_the_final_report_always_comes()
    {
        var content = Content(1_000_000);
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/file", () => KestrelFile(content)));
        using var dir = new TempDir();
        using var client = new HttpClient();

        // The clock stands still: no interval ever passes, so only the final report goes out.
        var still = new InlineProgress();
        await client.DownloadToFileAsync(server.Url("/file"), dir.File("a.bin"), new DownloadOptions
        {
            Progress = still,
            ProgressInterval = TimeSpan.FromSeconds(1),
            TimeProvider = new FakeTimeProvider(),
        });
        Assert.Equal([new DownloadProgress(content.Length, content.Length)], still.Reports);

        // No interval: a report per write, growing, each with the total, the last one complete.
        var every = new InlineProgress();
        await client.DownloadToFileAsync(server.Url("/file"), dir.File("b.bin"), new DownloadOptions { Progress = every, ProgressInterval = TimeSpan.Zero });
        Assert.True(every.Reports.Count > 2);
        Assert.All(every.Reports, p => Assert.Equal(content.Length, p.TotalBytes));
        Assert.Equal(every.Reports.OrderBy(p => p.BytesDownloaded), every.Reports);
        Assert.Equal(new DownloadProgress(content.Length, content.Length), every.Reports[^1]);
    }

    [Fact]
    public async Task The_stream_overload_resumes_within_the_call()
    {
        var content = Content(200_000);
        var origin = new Origin();
        await using var server = await StartCutOnceAsync(content, 60_000, origin);
        using var client = new HttpClient();
        using var destination = new MemoryStream();
        destination.Write(Content(500_000, seed: 3)); // emptied first

        var result = await client.DownloadToStreamAsync(server.Url("/file"), destination, origin.Options());

        Assert.Equal(content, destination.ToArray());
        Assert.Equal(1, result.Resumes);
        Assert.Equal("bytes=60000-", server.Requests[1].Header("Range"));
        await Assert.ThrowsAsync<ArgumentException>(() => client.DownloadToStreamAsync(server.Url("/file"), new NonSeekableStream()));
    }

    [Fact]
    public async Task Arguments_and_options_are_checked_before_anything_is_sent()
    {
        using var client = new HttpClient();
        using var dir = new TempDir();
        var uri = new Uri("http://127.0.0.1:9/file");
        var path = dir.File("file.bin");

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => client.DownloadToFileAsync(uri, path, new DownloadOptions { MaxRetries = -1 }));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => client.DownloadToFileAsync(uri, path, new DownloadOptions { MaxRetries = 101 }));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => client.DownloadToFileAsync(uri, path, new DownloadOptions { RetryDelay = TimeSpan.FromSeconds(-1) }));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => client.DownloadToFileAsync(uri, path, new DownloadOptions { RetryDelay = TimeSpan.FromMinutes(1), MaxRetryDelay = TimeSpan.FromSeconds(1) }));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => client.DownloadToFileAsync(uri, path, new DownloadOptions { ProgressInterval = TimeSpan.FromSeconds(-1) }));
        await Assert.ThrowsAsync<ArgumentException>(() => client.DownloadToFileAsync(new Uri("/file", UriKind.Relative), path));
        Assert.False(File.Exists(path));
    }

    [Fact]
    public async Task A_relative_uri_is_resolved_against_BaseAddress_and_the_sidecar_keyed_by_the_absolute_uri()
    {
        var content = Content(10_000);
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/file", () => KestrelFile(content)));
        using var client = new HttpClient { BaseAddress = server.BaseAddress };
        using var dir = new TempDir();

        var result = await client.DownloadToFileAsync(new Uri("/file", UriKind.Relative), dir.File("file.bin"));

        Assert.Equal(server.Url("/file"), result.Uri);
        Assert.Equal(content, await File.ReadAllBytesAsync(dir.File("file.bin")));
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            if (waited.Elapsed > TimeSpan.FromSeconds(10))
            {
                throw new TimeoutException("The condition did not hold within 10 seconds.");
            }

            await Task.Delay(5);
        }
    }

    /// <summary>The scripted origin's view of the client: how many calls it got, how many bytes the client has written.</summary>
    /// <summary>A server whose first answer is cut after <paramref name="cutAt"/> bytes; later ones use Kestrel's range support.</summary>
    private static Task<LoopbackServer> StartCutOnceAsync(byte[] content, int cutAt, Origin origin) =>
        LoopbackServer.StartAsync(app => app.MapGet("/file", async (HttpContext context) =>
        {
            if (Interlocked.Increment(ref origin.Calls) == 1)
            {
                await CutAsync(context, content, cutAt, origin.ClientHas);
                return;
            }

            await KestrelFile(content).ExecuteAsync(context);
        }));

    private sealed class Origin
    {
        public int Calls;
        private long _clientBytes;

        public bool ClientHas(long bytes) => Volatile.Read(ref _clientBytes) >= bytes;

        /// <summary>Options with no retry delay and a progress that tells the origin what the client holds.</summary>
        public DownloadOptions Options(int maxRetries = 5, TimeProvider? time = null) => new()
        {
            Progress = new InlineProgress(p => Volatile.Write(ref _clientBytes, p.BytesDownloaded)),
            ProgressInterval = TimeSpan.Zero,
            MaxRetries = maxRetries,
            RetryDelay = TimeSpan.Zero,
            MaxRetryDelay = TimeSpan.Zero,
            TimeProvider = time,
        };
    }

    private sealed class NonSeekableStream : MemoryStream
    {
        public override bool CanSeek => false;
    }
}
