using StatusAwareHttp.Sample.Tour;

// dotnet run --project samples/StatusAwareHttp.Sample [-- --url <URL>] [--redis <connection>] [--verbose]
using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(5));
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

var verbose = args.Contains("--verbose");
var urlIndex = Array.IndexOf(args, "--url");
if (urlIndex >= 0)
{
    if (urlIndex + 1 >= args.Length || !Uri.TryCreate(args[urlIndex + 1], UriKind.Absolute, out var url)
        || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
    {
        Console.Error.WriteLine("--url needs an absolute http or https URL, such as --url https://example.org/");
        return 2;
    }

    return await UrlProbe.RunAsync(url, Console.Out, verbose, cancel.Token);
}

// --redis localhost:6379: the demo client keeps its HTTP cache in Redis (UseDistributedHttpCache), shared by every
// process started with the same connection.
var redisIndex = Array.IndexOf(args, "--redis");
string? redis = null;
if (redisIndex >= 0)
{
    if (redisIndex + 1 >= args.Length || args[redisIndex + 1].StartsWith("--", StringComparison.Ordinal))
    {
        Console.Error.WriteLine("--redis needs a StackExchange.Redis connection string, such as --redis localhost:6379");
        return 2;
    }

    redis = args[redisIndex + 1];
}

return await TourRunner.RunAsync(Console.Out, verbose, cancel.Token, redis);
