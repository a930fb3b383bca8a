using System.Diagnostics;

namespace StatusAwareHttp.Benchmarks;

/// <summary>
/// One hot path in a loop for a CPU profile (not a BenchmarkDotNet job): run under
/// <c>dotnet-trace collect --profile dotnet-sampled-thread-time -- dotnet StatusAwareHttp.Benchmarks.dll --profile hit 20 1</c>.
/// Arguments: the row (<c>nostore</c>, <c>factory-nostore</c>, <c>hit</c>, <c>trivial-hit</c>, <c>revalidate</c>,
/// <c>trivial-revalidate</c>, <c>miss</c>, <c>factory-miss</c>; the SQLite store's, front off: <c>file-hit</c>,
/// <c>file-wide</c> (10,000 keys in turn) and <c>file-wide-hot</c> (one of them), <c>file-304</c> and <c>memory-304</c> (64 KiB, 1 KiB of fields),
/// <c>file-miss</c>), seconds (default 20), callers (default 1). Prints the GETs per second, the process CPU time and
/// the bytes per GET at the end, so a profile has its throughput beside it.
/// </summary>
public static class ProfileLoop
{
    private static Task<int> Get(HttpClient client, string path) =>
        path == SqliteBench.Large ? SqliteBench.GetLargeAsync(client) : RequestBenchmarks.GetAsync(client, path);

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Contains("--sizes"))
        {
            // The size of each async state machine and struct of the library, as boxed on the heap when it awaits.
            foreach (var type in typeof(StatusHandlingOptions).Assembly.GetTypes()
                .Where(t => t.IsValueType && !t.IsGenericTypeDefinition && !t.IsEnum)
                .Select(t => (t, System.Runtime.CompilerServices.RuntimeHelpers.SizeOf(t.TypeHandle)))
                .OrderByDescending(p => p.Item2).Take(40))
            {
                Console.WriteLine($"// {type.Item2,5} B  {type.t.FullName}");
            }

            return 0;
        }

        var at = Array.IndexOf(args, "--profile");
        var row = args.Length > at + 1 ? args[at + 1] : "hit";
        var seconds = args.Length > at + 2 ? int.Parse(args[at + 2], System.Globalization.CultureInfo.InvariantCulture) : 20;
        var callers = args.Length > at + 3 ? int.Parse(args[at + 3], System.Globalization.CultureInfo.InvariantCulture) : 1;

        await using var origin = await BenchOrigin.StartAsync();
        await using var clients = new Clients(origin.BaseAddress);
        await using var sqlite = row.StartsWith("file-", StringComparison.Ordinal) || row == "memory-304"
            ? await SqliteBench.StartAsync(row.StartsWith("file-wide", StringComparison.Ordinal) ? SqliteStoreBenchmarks.WideKeys : 0)
            : null;
        long unique = 0;
        (HttpClient Client, Func<string> Path) pick = row switch
        {
            "nostore" => (clients.Status, () => "/nostore"),
            "factory-nostore" => (clients.Factory, () => "/nostore"),
            "hit" => (clients.Status, () => "/fresh"),
            "trivial-hit" => (clients.TrivialCache, () => "/fresh"),
            "revalidate" => (clients.Status, () => "/revalidate"),
            "trivial-revalidate" => (clients.TrivialRevalidator, () => "/revalidate"),
            "miss" => (clients.Status, () => "/fresh?p=" + Interlocked.Increment(ref unique)),
            "factory-miss" => (clients.Factory, () => "/fresh?p=" + Interlocked.Increment(ref unique)),
            "file-hit" => (sqlite!.File, () => "/fresh"),
            "file-wide-hot" => (sqlite!.Wide, () => SqliteBench.WidePath(0)),
            "file-wide" => (sqlite!.Wide, () => SqliteBench.WidePath((int)(Interlocked.Increment(ref unique) % SqliteStoreBenchmarks.WideKeys))),
            "file-304" => (sqlite!.File, () => SqliteBench.Large),
            "memory-304" => (sqlite!.Memory, () => SqliteBench.Large),
            "file-miss" => (sqlite!.Storing, () => "/fresh?p=" + Interlocked.Increment(ref unique)),
            _ => throw new ArgumentException("unknown row " + row),
        };

        for (var i = 0; i < 500; i++)
        {
            await Get(pick.Client, pick.Path());
        }

        if (args.Contains("--show"))
        {
            using var shown = await pick.Client.GetAsync(pick.Path());
            Console.WriteLine($"// {(int)shown.StatusCode}: {shown.Headers.NonValidated.Count} response fields, {shown.Content.Headers.NonValidated.Count} content fields");
            foreach (var field in shown.Headers.NonValidated.Concat(shown.Content.Headers.NonValidated))
            {
                Console.WriteLine($"//   {field.Key}: {field.Value}");
            }
        }

        using var types = args.Contains("--types") ? new AllocationTypes() : null;
        long count = 0;
        var bytesBefore = GC.GetTotalAllocatedBytes(precise: true);
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var end = TimeSpan.FromSeconds(seconds);
        var tasks = new Task[callers];
        for (var c = 0; c < callers; c++)
        {
            tasks[c] = Task.Run(async () =>
            {
                while (clock.Elapsed < end)
                {
                    await Get(pick.Client, pick.Path());
                    Interlocked.Increment(ref count);
                }
            });
        }

        await Task.WhenAll(tasks);
        var bytes = (GC.GetTotalAllocatedBytes(precise: true) - bytesBefore) / (double)count;
        var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMicroseconds / count;
        Console.WriteLine($"// {row}, {callers} caller(s): {count / clock.Elapsed.TotalSeconds:N0} GET/s, {cpu:N1} us CPU per GET, {bytes:N0} B per GET (process-wide)");
        types?.Print(count);
        return 0;
    }
}

/// <summary>
/// The runtime's allocation samples (GCAllocationTick, one per ~100 KB allocated) summed by type: with <c>--types</c>,
/// the bytes per GET each type accounts for, estimated from the samples.
/// </summary>
internal sealed class AllocationTypes : System.Diagnostics.Tracing.EventListener
{
    private readonly Dictionary<string, long> _bytes = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public void Print(long requests)
    {
        Dispose();
        lock (_lock)
        {
            foreach (var (type, bytes) in _bytes.OrderByDescending(p => p.Value).Take(40))
            {
                Console.WriteLine($"//   {bytes / (double)requests,8:N1} B  {type}");
            }
        }
    }

    protected override void OnEventSourceCreated(System.Diagnostics.Tracing.EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, System.Diagnostics.Tracing.EventLevel.Verbose, (System.Diagnostics.Tracing.EventKeywords)0x1);
        }
    }

    protected override void OnEventWritten(System.Diagnostics.Tracing.EventWrittenEventArgs eventData)
    {
        if (eventData.EventName is not { } name || !name.StartsWith("GCAllocationTick", StringComparison.Ordinal) || eventData.Payload is null)
        {
            return;
        }

        var type = eventData.PayloadNames!.IndexOf("TypeName") is var t and >= 0 ? eventData.Payload[t] as string ?? "?" : "?";
        var amount = eventData.PayloadNames.IndexOf("AllocationAmount64") is var a and >= 0 ? Convert.ToInt64(eventData.Payload[a], System.Globalization.CultureInfo.InvariantCulture) : 0;
        lock (_lock)
        {
            _bytes[type] = _bytes.GetValueOrDefault(type) + amount;
        }
    }
}
