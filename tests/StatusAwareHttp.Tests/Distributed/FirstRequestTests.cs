using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.Options;
using StatusAwareHttp.Caching.Distributed.Internal;
using StatusAwareHttp.Caching.Internal;
using StatusAwareHttp.Tests.Infrastructure;

namespace StatusAwareHttp.Tests.Distributed;

/// <summary>
/// Two processes and a real redis-server: what one process stored is served to a freshly started one from its very
/// first request, with the default options (a 250 ms operation timeout, which a new process's first Redis call, with
/// its connection set-up, takes longer than), so the origin sees one request in all.
/// </summary>
public sealed class FirstRequestTests
{
    [RedisFact]
    public async Task A_fresh_process_serves_what_another_process_stored_from_its_first_request()
    {
        await using var redis = await RedisServer.StartAsync();
        var hits = 0;
        await using var origin = await LoopbackServer.StartAsync(app => app.MapGet("/shared", (HttpContext c) =>
        {
            Interlocked.Increment(ref hits);
            c.Response.Headers.CacheControl = "max-age=600";
            return Results.Text("from the origin");
        }));
        var url = origin.Url("/shared");

        // The first process stores it (the test waits until Redis holds it before letting that process go).
        await using (var storer = Peer.Start(redis, url))
        {
            var first = await storer.AnswerAsync();
            Assert.Equal("from the origin", first["body"]);
            await WaitStoredAsync(redis, url);
        }

        // A second, fresh process: its first request is a hit from Redis.
        await using var server = Peer.Start(redis, url);
        var answer = await server.AnswerAsync();

        Assert.Equal("200", answer["status"]);
        Assert.Equal("from the origin", answer["body"]);
        Assert.Contains("hit", answer["cache-status"], StringComparison.Ordinal);
        Assert.Equal(1, Volatile.Read(ref hits));
    }

    private static async Task WaitStoredAsync(RedisServer redis, Uri url)
    {
        using var cache = new RedisCache(Options.Create(new RedisCacheOptions { Configuration = redis.ConnectionString }));
        using var message = new HttpRequestMessage(HttpMethod.Get, url);
        var key = DistributedCacheKeys.For("StatusAwareHttp:", "peer", CacheKeys.ForGet(url, message.Headers));
        var watch = Stopwatch.StartNew();
        while (await cache.GetAsync(key) is null)
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), "the first process did not store the entry in Redis");
            await Task.Delay(50);
        }
    }

    /// <summary>The peer process (tests/StatusAwareHttp.Tests.Peer), run with <c>dotnet</c>.</summary>
    private sealed class Peer : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly List<string> _output = [];

        private Peer(Process process) => _process = process;

        public static Peer Start(RedisServer redis, Uri url)
        {
            var info = new ProcessStartInfo("dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = true,
                UseShellExecute = false,
            };
            info.ArgumentList.Add(PeerRun.DllPath());
            info.ArgumentList.Add(redis.ConnectionString);
            info.ArgumentList.Add(url.AbsoluteUri);
            var process = Process.Start(info) ?? throw new InvalidOperationException("the peer did not start");
            var peer = new Peer(process);
            process.ErrorDataReceived += (_, e) => peer.Add(e.Data);
            process.BeginErrorReadLine();
            return peer;
        }

        /// <summary>Reads the peer's answer lines (#name=value) up to #done, within 60 s.</summary>
        public async Task<Dictionary<string, string>> AnswerAsync()
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var answer = new Dictionary<string, string>(StringComparer.Ordinal);
            while (true)
            {
                var line = await _process.StandardOutput.ReadLineAsync(timeout.Token)
                    ?? throw new InvalidOperationException("the peer exited early: " + string.Join("\n", Snapshot()));
                Add(line);
                if (line == "#done")
                {
                    return answer;
                }

                if (line.StartsWith('#') && line.IndexOf('=', StringComparison.Ordinal) is var eq and > 0)
                {
                    answer[line[1..eq]] = line[(eq + 1)..];
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                _process.StandardInput.Close(); // the peer exits on the end of its input
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                await _process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }

            _process.Dispose();
        }

        private void Add(string? line)
        {
            if (line is not null)
            {
                lock (_output)
                {
                    _output.Add(line);
                }
            }
        }

        private string[] Snapshot()
        {
            lock (_output)
            {
                return [.. _output];
            }
        }
    }
}
