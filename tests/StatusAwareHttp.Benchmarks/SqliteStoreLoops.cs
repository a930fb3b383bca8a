using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.DependencyInjection;

namespace StatusAwareHttp.Benchmarks;

/// <summary>
/// The SQLite store's rows that are not a BenchmarkDotNet job: the bytes a 304 writes to the file
/// (<c>--store-writes</c>), and the cold start (<c>--cold-start</c>): process start to the first response, each mode in
/// its own new process, in turn.
/// </summary>
public static class SqliteStoreLoops
{
    /// <summary>
    /// <c>--store-writes [count]</c>: 304s of the 64 KiB entry with 1 KiB of fields through the file, each flushed: the
    /// bytes SQLite appended to the WAL per 304, and (when the store counts them) the pages its writer wrote.
    /// </summary>
    public static async Task<int> StoreWritesAsync(string[] args)
    {
        var count = Argument(args, "--store-writes", 50);
        await using var bench = await SqliteBench.StartAsync(0);
        var cache = bench.Cache("file");
        await SqliteBench.GetLargeAsync(bench.File);
        await cache.FlushAsync();
        var wal = bench.FilePath("file") + "-wal";
        var walBefore = new FileInfo(wal).Length;
        var pagesBefore = Pages(bench);
        var originBefore = bench.Origin.Requests;
        for (var i = 0; i < count; i++)
        {
            await SqliteBench.GetLargeAsync(bench.File);
            await cache.FlushAsync();
        }

        var walBytes = (new FileInfo(wal).Length - walBefore) / (double)count;
        var pages = Pages(bench) is { } after ? ((after - pagesBefore!.Value) / (double)count).ToString("N1", CultureInfo.InvariantCulture) : "n/a";
        Console.WriteLine($"// 304 through the file (64 KiB body, 1 KiB of fields), {count} times, {bench.Origin.Requests - originBefore} at the origin: "
            + $"{walBytes:N0} B appended to the WAL per 304 ({walBytes / (4096 + 24):N1} frames); SQLite's pages written per 304: {pages}");
        return 0;
    }

    /// <summary>
    /// <c>--cold-start [rounds]</c>: a new process per first response, in turn: a plain <c>HttpClient</c>, a factory
    /// client, a factory client with <c>AddStatusHandling()</c> (the memory store; the response from the origin), and
    /// one with the SQLite store serving it from an existing file. Prints each mode's median
    /// and range of process start to first response, and the ratios to the plain client's of each round.
    /// </summary>
    public static async Task<int> ColdStartAsync(string[] args)
    {
        var rounds = Argument(args, "--cold-start", 9);
        await using var origin = await BenchOrigin.StartAsync();
        var folder = Path.Combine(Path.GetTempPath(), "sah-bench-cold-" + Guid.NewGuid().ToString("N"));
        var path = Path.Combine(folder, "cold.db");
        var url = new Uri(origin.BaseAddress, "/fresh").ToString();
        try
        {
            // The file holds the response before any timed run.
            await RunChildAsync("sqlite", url, path);
            string[] modes = ["plain", "factory", "status", "sqlite"];
            var times = modes.ToDictionary(m => m, _ => new List<double>());
            for (var round = 0; round < rounds; round++)
            {
                foreach (var mode in modes)
                {
                    var before = origin.Requests;
                    times[mode].Add(await RunChildAsync(mode, url, path));
                    if (mode == "sqlite" && origin.Requests != before)
                    {
                        throw new InvalidOperationException("the cold start's response did not come from the file");
                    }
                }
            }

            foreach (var mode in modes)
            {
                var ratios = times[mode].Zip(times["plain"], (t, p) => t / p).Order().ToList();
                var sorted = times[mode].Order().ToList();
                var made = s_inside[mode].Select(p => p.Made).Order().ToList();
                var first = s_inside[mode].Select(p => p.First).Order().ToList();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"// cold start {mode,-8}: median {sorted[sorted.Count / 2]:N1} ms ({sorted[0]:N1}-{sorted[^1]:N1}); ratio to plain median {ratios[ratios.Count / 2]:N2}x ({ratios[0]:N2}-{ratios[^1]:N2}); inside: client made in {made[made.Count / 2]:N1} ms, first response {first[first.Count / 2]:N1} ms later"));
            }

            return 0;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>The child: one first response in this new process; prints a line as soon as its body is read.</summary>
    public static async Task<int> ColdChildAsync(string[] args)
    {
        var at = Array.IndexOf(args, "--cold-child");
        var (mode, url) = (args[at + 1], args[at + 2]);
        var clock = Stopwatch.StartNew();
        HttpClient client;
        ServiceProvider? services = null;
        if (mode == "plain")
        {
            client = new HttpClient();
        }
        else
        {
            var collection = new ServiceCollection();
            var builder = collection.AddHttpClient("cold");
            if (mode == "sqlite")
            {
                builder.UseSqliteHttpCache(args[at + 3]);
            }
            else if (mode == "status")
            {
                builder.AddStatusHandling();
            }

            services = collection.BuildServiceProvider();
            client = services.GetRequiredService<IHttpClientFactory>().CreateClient("cold");
        }

        var made = clock.Elapsed.TotalMilliseconds;
        using (var response = await client.GetAsync(new Uri(url)))
        {
            await response.Content.ReadAsByteArrayAsync();
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"first-response {(int)response.StatusCode} {made:F1} {clock.Elapsed.TotalMilliseconds - made:F1}"));
            Console.Out.Flush();
        }

        if (services is not null)
        {
            await services.DisposeAsync();
        }

        return 0;
    }

    private static readonly Dictionary<string, List<(double Made, double First)>> s_inside = [];

    private static async Task<double> RunChildAsync(string mode, string url, string path)
    {
        var info = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, UseShellExecute = false };
        if (!Environment.ProcessPath!.EndsWith("StatusAwareHttp.Benchmarks", StringComparison.Ordinal))
        {
            info.ArgumentList.Add(typeof(SqliteStoreLoops).Assembly.Location);
        }

        foreach (var argument in (string[])["--cold-child", mode, url, path])
        {
            info.ArgumentList.Add(argument);
        }

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(info)!;
        string? line;
        while ((line = await process.StandardOutput.ReadLineAsync()) is not null && !line.StartsWith("first-response", StringComparison.Ordinal))
        {
        }

        var elapsed = clock.Elapsed.TotalMilliseconds;
        if (line?.Split(' ') is { Length: 4 } parts)
        {
            (s_inside.TryGetValue(mode, out var list) ? list : s_inside[mode] = []).Add(
                (double.Parse(parts[2], CultureInfo.InvariantCulture), double.Parse(parts[3], CultureInfo.InvariantCulture)));
        }

        await process.WaitForExitAsync();
        if (line is null || process.ExitCode != 0)
        {
            throw new InvalidOperationException($"the {mode} child failed (exit code {process.ExitCode})");
        }

        return elapsed;
    }

    private static long? Pages(SqliteBench bench)
    {
        var store = bench.Services.GetRequiredKeyedService<IHttpCacheStore>("file");
        return store.GetType().GetProperty("PagesWritten", BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public)?.GetValue(store) as long?;
    }

    private static int Argument(string[] args, string name, int fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && args.Length > at + 1 && int.TryParse(args[at + 1], CultureInfo.InvariantCulture, out var value) ? value : fallback;
    }
}
