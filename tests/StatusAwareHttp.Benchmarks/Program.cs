using BenchmarkDotNet.Running;

// Full run (by hand, Release):  dotnet run -c Release --project tests/StatusAwareHttp.Benchmarks -- --filter '*'
// CI's short mode:              dotnet run -c Release --project tests/StatusAwareHttp.Benchmarks -- --filter '*' --job dry --inProcess
var summaries = BenchmarkSwitcher.FromAssembly(typeof(StatusAwareHttp.Benchmarks.BenchOrigin).Assembly).Run(args).ToArray();

// A benchmark that threw or could not run fails the command, so CI notices.
var failed = summaries.Where(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)).Select(s => s.Title).ToArray();
if (failed.Length > 0)
{
    Console.Error.WriteLine("Benchmarks failed: " + string.Join(", ", failed));
    return 1;
}

return 0;
