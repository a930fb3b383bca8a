using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StatusAwareHttp.Tests.Infrastructure;

namespace StatusAwareHttp.Tests.Retries;

public sealed class RetryConfigurationTests
{
    private static IConfigurationSection Section(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>("StatusHandling:" + v.Key, v.Value)))
            .Build()
            .GetSection("StatusHandling");

    private static ServiceProvider Provider(Action<IHttpClientBuilder> add)
    {
        var services = new ServiceCollection();
        add(services.AddHttpClient(TestClient.Name));
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    private static StatusHandlingOptions Options(ServiceProvider provider) =>
        provider.GetRequiredService<IOptionsMonitor<StatusHandlingOptions>>().Get(TestClient.Name);

    [Fact]
    public void AddStatusHandling_with_null_compiles_and_means_the_defaults()
    {
        using var provider = Provider(b => b.AddStatusHandling(null));

        Assert.Equal([408, 429, 502, 503, 504], Options(provider).Retries.StatusCodes.Order());
    }

    [Fact]
    public void A_configured_status_list_replaces_the_default()
    {
        using var provider = Provider(b => b.AddStatusHandling(Section(("Retries:StatusCodes:0", "503"), ("Retries:MaxRetries", "2"))));

        var options = Options(provider);

        Assert.Equal([503], options.Retries.StatusCodes.Order());
        Assert.Equal(2, options.Retries.MaxRetries);
    }

    [Fact]
    public void Without_a_configured_list_the_default_statuses_stay()
    {
        using var provider = Provider(b => b.AddStatusHandling(Section(("Retries:MaxRetries", "1"), ("Redirects:MaxRedirects", "3"))));

        var options = Options(provider);

        Assert.Equal([408, 429, 502, 503, 504], options.Retries.StatusCodes.Order());
        Assert.Equal(3, options.Redirects.MaxRedirects);
    }

    [Fact]
    public void The_configure_overload_runs_after_the_binding()
    {
        using var provider = Provider(b => b.AddStatusHandling(
            Section(("Retries:StatusCodes:0", "503"), ("Authentication:MaxChallengeResponses", "2")),
            o => o.Retries.StatusCodes.Add(429)));

        var options = Options(provider);

        Assert.Equal([429, 503], options.Retries.StatusCodes.Order());
        Assert.Equal(2, options.Authentication.MaxChallengeResponses);
    }

    [Fact]
    public void A_configured_status_that_is_not_an_error_fails_at_start_up()
    {
        using var provider = Provider(b => b.AddStatusHandling(Section(("Retries:StatusCodes:0", "200"))));

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("Retries.StatusCodes holds 200", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_configured_value_that_does_not_convert_fails_at_start_up_naming_the_setting()
    {
        using var provider = Provider(b => b.AddStatusHandling(Section(("Retries:StatusCodes:0", "Service Unavailable"))));

        var error = Assert.ThrowsAny<InvalidOperationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("StatusHandling:Retries:StatusCodes:0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_configured_value_out_of_range_fails_at_start_up()
    {
        using var provider = Provider(b => b.AddStatusHandling(Section(("Retries:MaxRetries", "11"))));

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("MaxRetries", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_client_configured_from_a_section_retries_503_but_not_502()
    {
        await using var server = await LoopbackServer.StartAsync(app =>
        {
            RetryEndToEndTests.MapFlaky(app, "/503", 1, 503);
            RetryEndToEndTests.MapFlaky(app, "/502", 1, 502);
        });
        using var provider = Provider(b => b.AddStatusHandling(Section(("Retries:StatusCodes:0", "503"), ("Retries:BaseDelay", "00:00:00"))));
        provider.GetRequiredService<IStartupValidator>().Validate();
        using var client = provider.GetRequiredService<IHttpClientFactory>().CreateClient(TestClient.Name);

        using (var retried = await client.GetAsync(server.Url("/503")))
        {
            Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
            Assert.Equal(2, server.CountFor("/503"));
        }

        using var notRetried = await client.GetAsync(server.Url("/502"));
        Assert.Equal(HttpStatusCode.BadGateway, notRetried.StatusCode);
        Assert.Equal(1, server.CountFor("/502"));
    }
}
