// A second app instance for the Redis tests, started by them as "dotnet StatusAwareHttp.Tests.Peer.dll": a fresh
// process with UseDistributedHttpCache() and the default options, which makes one GET and prints what it got.
//
//   args: <redis configuration> <url>
//   stdout: "#status=<code>", "#cache-status=<Cache-Status>", "#body=<body>", then "#done" (among the logs)
//
// It then waits for a line on stdin (or its end) before it exits, so that the test can see the entry written to
// Redis first (the cache writes it once the body has been read).
//
// "lifecycle <store> <exit> <url|-> [redis configuration]" instead starts an app, sends at most one GET and ends it
// the way <exit> says (see Lifecycle.cs); the test asserts the exit code and that nothing reached stderr.
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StatusAwareHttp.Tests.Peer;

if (args.Length > 0 && args[0] == "lifecycle")
{
    return await Lifecycle.RunAsync(args[1..]);
}

if (args.Length != 2)
{
    await Console.Error.WriteLineAsync("usage: StatusAwareHttp.Tests.Peer <redis configuration> <url>");
    return 2;
}

var services = new ServiceCollection();
services.AddLogging(logging => logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Information));
services.AddStackExchangeRedisCache(o => o.Configuration = args[0]);
services.AddHttpClient("peer").UseDistributedHttpCache();

await using var provider = services.BuildServiceProvider();
var client = provider.GetRequiredService<IHttpClientFactory>().CreateClient("peer");
using var response = await client.GetAsync(new Uri(args[1]));
var body = await response.Content.ReadAsStringAsync();
var cacheStatus = response.Headers.TryGetValues("Cache-Status", out var values) ? string.Join(", ", values) : string.Empty;

// The console logger writes to stdout too: the answer lines start with "#".
Console.Out.WriteLine($"#status={(int)response.StatusCode}");
Console.Out.WriteLine($"#cache-status={cacheStatus}");
Console.Out.WriteLine($"#body={body}");
Console.Out.WriteLine("#done");
await Console.Out.FlushAsync();
await Console.In.ReadLineAsync();
return 0;
