using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace StatusAwareHttp.Sample.Tour;

/// <summary><c>--url</c>: one GET through the full pipeline against a real server, and what happened.</summary>
internal static class UrlProbe
{
    public static async Task<int> RunAsync(Uri url, TextWriter output, bool verbose, CancellationToken cancellationToken)
    {
        var services = new ServiceCollection();
        services.AddLogging(l => l.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(verbose ? LogLevel.Debug : LogLevel.Warning));
        services.AddHttpClient("probe").AddStatusHandling();
        await using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<IHttpClientFactory>().CreateClient("probe");

        for (var round = 1; round <= 2; round++)
        {
            var watch = Stopwatch.StartNew();
            try
            {
                using var response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
                var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
                output.WriteLine($"GET #{round} {url}");
                output.WriteLine($"       status   {(int)response.StatusCode} {response.ReasonPhrase}, {body.Length} bytes, {watch.ElapsedMilliseconds} ms");
                output.WriteLine($"       final    {response.RequestMessage?.RequestUri}");
                foreach (var hop in response.GetRedirectHops())
                {
                    output.WriteLine($"       hop      {(int)hop.StatusCode} {hop.Method} {hop.Uri} -> {hop.Location}");
                }

                foreach (var name in new[] { "Cache-Status", "Age", "ETag", "Last-Modified", "Cache-Control" })
                {
                    if (response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values))
                    {
                        output.WriteLine($"       {name,-8} {string.Join(", ", values)}");
                    }
                }
            }
            catch (HttpRequestException ex)
            {
                output.WriteLine($"GET #{round} {url} failed: {ex.GetType().Name}: {ex.Message}");
                return 1;
            }
        }

        return 0;
    }
}
