using BenchmarkDotNet.Running;

// Full run (by hand, Release):  dotnet run -c Release --project tests/StatusAwareHttp.Benchmarks -- --filter '*'
// CI's short mode:              dotnet run -c Release --project tests/StatusAwareHttp.Benchmarks -- --filter '*' --job dry --inProcess
// Memory per stored entry (not a BenchmarkDotNet job): dotnet run -c Release --project tests/StatusAwareHttp.Benchmarks -- --entry-memory
if (args.Contains("--entry-memory"))
{
    return await StatusAwareHttp.Benchmarks.EntryMemory.RunAsync();
}

// Bytes per GET by path, the cache on and off: dotnet run -c Release --project tests/StatusAwareHttp.Benchmarks -- --alloc-probe
if (args.Contains("--alloc-probe"))
{
    return await StatusAwareHttp.Benchmarks.AllocationProbe.RunAsync();
}

// The SQLite store: bytes a 304 writes to the file; process start to first response (each in a new process)
if (args.Contains("--store-writes"))
{
    return await StatusAwareHttp.Benchmarks.SqliteStoreLoops.StoreWritesAsync(args);
}

if (args.Contains("--cold-start"))
{
    return await StatusAwareHttp.Benchmarks.SqliteStoreLoops.ColdStartAsync(args);
}

if (args.Contains("--cold-child"))
{
    return await StatusAwareHttp.Benchmarks.SqliteStoreLoops.ColdChildAsync(args);
}

// One path in a loop, for a CPU profile: dotnet run -c Release --project tests/StatusAwareHttp.Benchmarks -- --profile hit 20 1
if (args.Contains("--profile"))
{
    return await StatusAwareHttp.Benchmarks.ProfileLoop.RunAsync(args);
}

var types = typeof(StatusAwareHttp.Benchmarks.BenchOrigin).Assembly.GetExportedTypes()
    .Where(t => t.GetMethods().Any(m => m.IsDefined(typeof(BenchmarkDotNet.Attributes.BenchmarkAttribute), false)))
    .ToList();
if (!StatusAwareHttp.Tests.Infrastructure.RedisServer.IsInstalled)
{
    // The shared-cache benchmarks start their own redis-server; without one they are left out, saying so.
    Console.WriteLine($"// {StatusAwareHttp.Tests.Infrastructure.RedisServer.Binary} is not installed: DistributedCacheBenchmarks skipped");
    types.Remove(typeof(StatusAwareHttp.Benchmarks.DistributedCacheBenchmarks));
}

var summaries = BenchmarkSwitcher.FromTypes([.. types]).Run(args).ToArray();

// A benchmark that threw or could not run fails the command, so CI notices.
var failed = summaries.Where(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)).Select(s => s.Title).ToArray();
if (failed.Length > 0)
{
    Console.Error.WriteLine("Benchmarks failed: " + string.Join(", ", failed));
    return 1;
}

return 0;
