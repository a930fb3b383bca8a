using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using StatusAwareHttp.Tests.Infrastructure;
using StatusAwareHttp.Tests.Retries;

namespace StatusAwareHttp.Tests.Observability;

/// <summary>Every measurement of the <c>StatusAwareHttp</c> meter carries the client's name, seen by a <see cref="MeterListener"/>.</summary>
public sealed class MetricClientTagTests
{
    private sealed class Recorder : IDisposable
    {
        private readonly MeterListener _listener = new();

        public Recorder()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == "StatusAwareHttp")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((instrument, _, tags, _) =>
                Measurements.Enqueue((instrument.Name, tags.ToArray().ToDictionary(t => t.Key, t => t.Value))));
            _listener.Start();
        }

        public ConcurrentQueue<(string Instrument, Dictionary<string, object?> Tags)> Measurements { get; } = new();

        public List<string> InstrumentsOf(string client) =>
            Measurements.Where(m => m.Tags.TryGetValue("statusawarehttp.client", out var value) && Equals(value, client))
                .Select(m => m.Instrument).Distinct().Order(StringComparer.Ordinal).ToList();

        public void Dispose() => _listener.Dispose();
    }

    private static Task<LoopbackServer> StartOrigin() => LoopbackServer.StartAsync(app =>
    {
        app.MapGet("/from", () => Results.Redirect("/flaky"));
        RetryEndToEndTests.MapFlaky(app, "/flaky", 1, 503);
        app.MapGet("/cached", (HttpContext c) =>
        {
            c.Response.Headers.CacheControl = "max-age=600";
            return "cached";
        });
        app.MapGet("/missing", () => Results.NotFound());
    });

    private static async Task Exercise(HttpClient client, LoopbackServer server)
    {
        (await client.GetAsync(server.Url("/from"))).Dispose();
        (await client.GetAsync(server.Url("/cached"))).Dispose();
        (await client.GetAsync(server.Url("/cached"))).Dispose();
        await Assert.ThrowsAsync<HttpStatusException>(() => client.GetAsync(server.Url("/missing")));
    }

    private static readonly string[] s_expected =
    [
        "statusawarehttp.cache.lookups",
        "statusawarehttp.cache.stored_bytes",
        "statusawarehttp.errors.thrown",
        "statusawarehttp.redirect.followed",
        "statusawarehttp.retry.retried",
    ];

    private static void Configure(StatusHandlingOptions o)
    {
        o.Retries.BaseDelay = TimeSpan.Zero;
        o.Errors.ThrowOnErrorStatus = true;
    }

    [Fact]
    public async Task A_client_made_by_IHttpClientFactory_tags_every_instrument_with_its_name()
    {
        var name = "metrics-di-" + Guid.NewGuid().ToString("N");
        using var recorder = new Recorder();
        await using var server = await StartOrigin();
        var services = new ServiceCollection();
        services.AddHttpClient(name).AddStatusHandling(Configure);
        await using var provider = services.BuildServiceProvider();

        await Exercise(provider.GetRequiredService<IHttpClientFactory>().CreateClient(name), server);

        Assert.Equal(s_expected, recorder.InstrumentsOf(name));
    }

    [Fact]
    public async Task A_handler_made_without_DI_tags_every_instrument_with_its_name()
    {
        var name = "metrics-factory-" + Guid.NewGuid().ToString("N");
        using var recorder = new Recorder();
        await using var server = await StartOrigin();
        using var client = new HttpClient(StatusAwareHttpHandler.Create(new SocketsHttpHandler(), Configure, new StatusAwareHttpHandlerServices { ClientName = name }));

        await Exercise(client, server);

        Assert.Equal(s_expected, recorder.InstrumentsOf(name));
    }
}
