using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StatusAwareHttp.Sample.Sections;

namespace StatusAwareHttp.Sample.Tour;

/// <summary>Starts the demo origin, builds the demo client, runs every stop and prints what happened.</summary>
internal static class TourRunner
{
    public const string DemoClient = "demo";

    /// <summary>
    /// The tour's sections, listed by hand: finding them by reflection would find none once NativeAOT has trimmed the
    /// types. A new section must be added here.
    /// </summary>
    public static IReadOnlyList<ITourSection> Sections() =>
        new ITourSection[]
        {
            new RedirectSection(),
            new CacheSection(),
            new CacheControlSection(),
            new PersistentCacheSection(),
            new RetrySection(),
            new ErrorsSection(),
            new DownloadSection(),
        }.OrderBy(s => s.Order).ToArray();

    public static async Task<int> RunAsync(TextWriter output, bool verbose, CancellationToken cancellationToken, string? redis = null)
    {
        var sections = Sections();
        await using var demo = await DemoOrigin.StartAsync(sections);

        var services = new ServiceCollection();
        services.AddLogging(l => l.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(verbose ? LogLevel.Debug : LogLevel.None));
        var client = services.AddHttpClient(DemoClient, c => c.BaseAddress = demo.Origin).AddStatusHandling();
        if (redis is not null)
        {
            // The shared cache: three lines, as in the README.
            services.AddStackExchangeRedisCache(o => o.Configuration = redis);
            client.UseDistributedHttpCache();
        }

        foreach (var section in sections)
        {
            section.ConfigureServices(services, client);
        }

        await using var provider = services.BuildServiceProvider();
        var context = new TourContext(
            provider.GetRequiredService<IHttpClientFactory>().CreateClient(DemoClient),
            provider,
            demo.Origin,
            demo.OtherOrigin,
            demo);

        output.WriteLine($"StatusAwareHttp tour: demo origin {demo.Origin} (and {demo.OtherOrigin} as a second origin)");
        if (redis is not null)
        {
            output.WriteLine($"The demo client's HTTP cache is shared through Redis at {redis} (if Redis does not answer, requests go on without it).");
        }
        var failures = 0;
        var count = 0;
        foreach (var section in sections)
        {
            output.WriteLine();
            output.WriteLine($"== {section.Title} ==");
            foreach (var stop in section.Stops)
            {
                count++;
                var watch = Stopwatch.StartNew();
                StopResult result;
                try
                {
                    result = await stop.RunAsync(context, cancellationToken);
                }
#pragma warning disable CA1031 // The tour reports any failure of a stop and goes on.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    result = new StopResult("-", $"threw {ex.GetType().Name}", ex.Message, AsDocumented: false);
                }

                if (!result.AsDocumented)
                {
                    failures++;
                }

                output.WriteLine();
                output.WriteLine($"{(result.AsDocumented ? "[ok]  " : "[FAIL]")} {stop.Name}  ({watch.ElapsedMilliseconds} ms)");
                Row(output, "sent", stop.Sent);
                Row(output, "server", result.ServerAnswered);
                Row(output, "library", result.LibraryDid);
                Row(output, "caller", result.CallerGot);
            }
        }

        output.WriteLine();
        if (count == 0)
        {
            output.WriteLine("No stop ran: the tour has no sections.");
            return 1;
        }

        output.WriteLine(failures == 0
            ? $"All {count} stops went as documented."
            : $"{failures} of {count} stops did NOT go as documented.");
        return failures == 0 ? 0 : 1;
    }

    private static void Row(TextWriter output, string label, string text) => output.WriteLine($"       {label,-8} {text}");
}
