// The second process of the SQLite store's tests: it opens the same cache file as the test process, through the
// public registration, and does one job named by its first argument. It prints one line per result on stdout, and
// "ready" once the file is open, so the test knows when to act (kill it, start its own writers).
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StatusAwareHttp.Sqlite.Peer;
using StatusAwareHttp;

if (args.Length < 2)
{
    Console.Error.WriteLine("usage: peer get|get-range|write|churn|lifetime|hold|dispose-held|post-churn <file> ...");
    return 2;
}

// The client name is the test client's: entries are kept per client name, and the test process uses "test".
const string Name = PeerClient.Name;
var (job, path) = (args[0], args[1]);
switch (job)
{
    case "lifetime":
        // lifetime <file> <base url> <mode>: 100 GETs, 20 at a time, then the app ends as <mode> says.
        return await LifetimeJobs.RunAsync(path, new Uri(args[2]), args[3]);
    case "hold":
        // hold <file>: holds the file's write lock (a write transaction) until a line on stdin.
        return LifetimeJobs.Hold(path);
    case "dispose-held":
        // dispose-held <file> <base url> <flush ms> <mode>: stores while another process holds the lock, then disposes.
        return await LifetimeJobs.DisposeWhileHeldAsync(path, new Uri(args[2]), int.Parse(args[3], CultureInfo.InvariantCulture), args[4]);
    case "post-churn":
        // post-churn <file> <base url> <seed> <urls> <operations> <tasks>: GETs and POSTs on one file, each printed with its time.
        return await PostChurnJob.RunAsync(path, new Uri(args[2]), args[3..]);
}

var services = new ServiceCollection();
services.AddLogging(logging => logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning).AddFilter("System.Net.Http", LogLevel.None));
services.AddHttpClient(Name).UseSqliteHttpCache(path, o => o.MemoryFrontLifetime = TimeSpan.Zero);
await using var provider = services.BuildServiceProvider();
var client = provider.GetRequiredService<IHttpClientFactory>().CreateClient(Name);
var store = provider.GetRequiredKeyedService<IHttpCacheStore>(Name);

switch (job)
{
    case "get":
        // get <file> <url>: one GET; prints status, Age, Cache-Status and the body.
        {
            using var response = await client.GetAsync(new Uri(args[2]));
            var age = response.Headers.Age is { } a ? ((long)a.TotalSeconds).ToString(CultureInfo.InvariantCulture) : "-";
            var status = response.Headers.TryGetValues("Cache-Status", out var values) ? string.Join(", ", values) : "-";
            Console.WriteLine($"{(int)response.StatusCode}|{age}|{status}|{await response.Content.ReadAsStringAsync()}");
            return 0;
        }

    case "get-range":
        // get-range <file> <url> <range>: one GET with that Range; prints status, Content-Range, Cache-Status and the
        // body's SHA-256.
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(args[2]));
            request.Headers.TryAddWithoutValidation("Range", args[3]);
            using var response = await client.SendAsync(request);
            var range = response.Content.Headers.TryGetValues("Content-Range", out var ranges) ? string.Join(", ", ranges) : "-";
            var status = response.Headers.TryGetValues("Cache-Status", out var values) ? string.Join(", ", values) : "-";
            var sha = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(await response.Content.ReadAsByteArrayAsync()));
            Console.WriteLine($"{(int)response.StatusCode}|{range}|{status}|{sha}");
            return 0;
        }

    case "write":
        // write <file> <base url> <prefix> <count> <writers>: <writers> tasks GET <base>n/<prefix>-<i> for i below
        // <count>, each a distinct key stored in the file; prints the number of failed requests.
        {
            var (prefix, count, writers) = (args[3], int.Parse(args[4], CultureInfo.InvariantCulture), int.Parse(args[5], CultureInfo.InvariantCulture));
            await (await ReadyAsync()).ConfigureAwait(false);
            var next = -1;
            var failed = 0;
            await Task.WhenAll(Enumerable.Range(0, writers).Select(_ => Task.Run(async () =>
            {
                for (var i = Interlocked.Increment(ref next); i < count; i = Interlocked.Increment(ref next))
                {
                    try
                    {
                        using var response = await client.GetAsync(new Uri(new Uri(args[2]), $"n/{prefix}-{i}"));
                        await response.Content.ReadAsByteArrayAsync();
                        if (!response.IsSuccessStatusCode)
                        {
                            Interlocked.Increment(ref failed);
                        }
                    }
                    catch (HttpRequestException)
                    {
                        Interlocked.Increment(ref failed);
                    }
                }
            })));
            Console.WriteLine($"failed={failed}");
            return 0;
        }

    case "churn":
        // churn <file> <bytes>: writes one key again and again, each time a body of <bytes> bytes all equal to a
        // generation number that its X-Fill header also carries, until killed. The background writer makes them one
        // after another (a newer generation replaces the queued one), so the kill lands inside a write.
        {
            var size = int.Parse(args[2], CultureInfo.InvariantCulture);
            for (var generation = 1; ; generation++)
            {
                var fill = (byte)(generation % 251);
                var body = new byte[size];
                Array.Fill(body, fill);
                var now = DateTimeOffset.UtcNow;
                var entry = new HttpCacheEntry(
                    200,
                    [new("Cache-Control", "max-age=3600"), new("X-Fill", fill.ToString(CultureInfo.InvariantCulture)), new("Date", now.ToString("R"))],
                    body,
                    now,
                    now,
                    []);
                await store.SetAsync("churn", [entry], TimeSpan.FromHours(1), CancellationToken.None);
                if (generation == 1)
                {
                    // The first generation is in the file (the writer made it) before the test starts its clock.
                    await store.FlushAsync(CancellationToken.None);
                    Console.WriteLine("ready");
                }
            }
        }

    default:
        Console.Error.WriteLine($"unknown job '{job}'");
        return 2;
}

async Task<Task> ReadyAsync()
{
    // Opens the file (a lookup of a key nobody stores), then says so and waits for the test's go on stdin.
    await store.GetAsync("peer-open", CancellationToken.None);
    Console.WriteLine("ready");
    return Task.Run(() => Console.In.ReadLine());
}
