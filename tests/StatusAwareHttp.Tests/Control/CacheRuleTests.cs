using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StatusAwareHttp.Caching.Internal;
using StatusAwareHttp.Tests.Caching;

namespace StatusAwareHttp.Tests.Control;

/// <summary>URL rules: which rule matches, the stored lines they give, and end to end: a lifetime for an API that sends none, no-store rules, no-store responses.</summary>
public sealed class CacheRuleTests
{
    [Theory]
    [InlineData("api.example.com", null, "https://api.example.com/v1/items", true)]
    [InlineData("API.example.com", null, "https://api.example.com/", true)] // hosts compare without case
    [InlineData("api.example.com", null, "https://www.example.com/", false)]
    [InlineData("*.example.com", null, "https://a.b.example.com/", true)]
    [InlineData("*.example.com", null, "https://example.com/", false)]
    [InlineData(null, "/v1/", "https://any.test/v1/items?x=1", true)]
    [InlineData(null, "/v1/", "https://any.test/V1/items", false)] // paths compare with case
    [InlineData("api.example.com", "/v1/", "https://api.example.com/v2/", false)] // every condition must hold
    [InlineData(null, null, "https://any.test/", false)] // a rule without conditions matches nothing
    public void Rules_match_by_host_and_path_prefix(string? host, string? prefix, string uri, bool expected)
    {
        var rule = new CacheRule { Host = host, PathPrefix = prefix, Lifetime = TimeSpan.FromMinutes(1) };
        Assert.Equal(expected, CacheRules.Matches(rule, new Uri(uri)));
    }

    [Fact]
    public void A_predicate_matches_and_one_that_throws_matches_nothing()
    {
        Assert.True(CacheRules.Matches(new CacheRule { Predicate = u => u.Query.Contains("cache", StringComparison.Ordinal) }, new Uri("https://a.test/?cache")));
        Assert.False(CacheRules.Matches(new CacheRule { Predicate = _ => throw new InvalidOperationException() }, new Uri("https://a.test/")));
        var rules = new CacheRules([new CacheRule { Host = "a.test", NoStore = true }, new CacheRule { Host = "a.test", Lifetime = TimeSpan.FromSeconds(5) }]);
        Assert.True(rules.Match(new Uri("https://a.test/"))!.NoStore); // the first that matches
        Assert.Null(rules.Match(new Uri("https://b.test/")));
    }

    [Theory]
    [InlineData("Cache-Control: max-age=0, must-revalidate|Expires: 0|Pragma: no-cache", "max-age=300, must-revalidate")]
    [InlineData("Cache-Control: no-cache=\"Set-Cookie, X-A\", private", "max-age=300, private")]
    [InlineData("Content-Type: text/plain", "max-age=300")]
    [InlineData("Cache-Control: s-maxage=5|Cache-Control: stale-if-error=60", "max-age=300, stale-if-error=60")]
    public void A_lifetime_replaces_the_origins_freshness_in_the_stored_lines(string lines, string expected)
    {
        var rewritten = CacheRules.WithLifetime(CacheStrategyTests.Lines(lines), TimeSpan.FromMinutes(5));
        Assert.Equal(expected, Assert.Single(rewritten, l => l.Key == "Cache-Control").Value);
        Assert.DoesNotContain(rewritten, l => l.Key is "Expires" or "Pragma");
    }

    [Fact]
    public async Task A_lifetime_rule_caches_an_API_that_sends_no_caching_headers()
    {
        var time = CacheTest.Time();
        await using var origin = await ControlTest.StartOriginAsync(time);
        await using var test = CacheTest.Client(time, o => o.Cache.Rules.Add(new CacheRule { Host = "127.0.0.1", PathPrefix = "/plain/", Lifetime = TimeSpan.FromMinutes(5) }));
        var uri = origin.Url("plain/a");

        var (stored, _) = await ControlTest.GetAsync(test.Client, uri);
        time.Advance(TimeSpan.FromMinutes(4));
        var (hit, body) = await ControlTest.GetAsync(test.Client, uri);
        time.Advance(TimeSpan.FromMinutes(2));
        var (_, after) = await ControlTest.GetAsync(test.Client, uri);

        Assert.Contains("ttl=300", CacheTest.Status(stored), StringComparison.Ordinal);
        Assert.Contains("detail=rule", CacheTest.Status(stored), StringComparison.Ordinal);
        Assert.Equal("n=1", body);
        Assert.Contains("hit", CacheTest.Status(hit), StringComparison.Ordinal);
        Assert.Contains("detail=rule", CacheTest.Status(hit), StringComparison.Ordinal);
        Assert.Equal("n=2", after); // past the rule's lifetime
    }

    [Fact]
    public async Task A_lifetime_rule_outlasts_a_304_that_says_max_age_0()
    {
        var time = CacheTest.Time();
        await using var origin = await ControlTest.StartOriginAsync(time, "max-age=0");
        await using var test = CacheTest.Client(time, o => o.Cache.Rules.Add(new CacheRule { PathPrefix = "/v/", Lifetime = TimeSpan.FromMinutes(1) }));
        var uri = origin.Url("v/revalidated");
        await ControlTest.GetAsync(test.Client, uri);
        time.Advance(TimeSpan.FromMinutes(2));
        await ControlTest.GetAsync(test.Client, uri); // stale: validated, 304 with max-age=0

        var (hit, body) = await ControlTest.GetAsync(test.Client, uri);

        Assert.Equal("n=1", body);
        Assert.Equal(2, origin.Requests.Count);
        Assert.Contains("hit", CacheTest.Status(hit), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_no_store_rule_forbids_storing()
    {
        var time = CacheTest.Time();
        await using var origin = await ControlTest.StartOriginAsync(time);
        await using var test = CacheTest.Client(time, o => o.Cache.Rules.Add(new CacheRule { PathPrefix = "/v/private", NoStore = true }));
        var uri = origin.Url("v/private-data");

        var (first, _) = await ControlTest.GetAsync(test.Client, uri);
        var (_, body) = await ControlTest.GetAsync(test.Client, uri);

        Assert.Equal("n=2", body);
        Assert.Contains("detail=rule", CacheTest.Status(first), StringComparison.Ordinal);
        Assert.Contains(test.Logs.GetSnapshot(), r => r.Id.Id == 206 && r.Message.Contains("cache rule", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_rule_leaves_no_store_responses_alone_unless_it_says_so()
    {
        var time = CacheTest.Time();
        await using var origin = await ControlTest.StartOriginAsync(time);
        await using var plain = CacheTest.Client(time, o => o.Cache.Rules.Add(new CacheRule { PathPrefix = "/nostore/", Lifetime = TimeSpan.FromMinutes(5) }));
        await ControlTest.GetAsync(plain.Client, origin.Url("nostore/a"));
        var (_, notStored) = await ControlTest.GetAsync(plain.Client, origin.Url("nostore/a"));

        await using var explicitly = CacheTest.Client(time, o => o.Cache.Rules.Add(new CacheRule { PathPrefix = "/nostore/", Lifetime = TimeSpan.FromMinutes(5), ApplyToNoStoreResponses = true }));
        await ControlTest.GetAsync(explicitly.Client, origin.Url("nostore/b"));
        var (_, stored) = await ControlTest.GetAsync(explicitly.Client, origin.Url("nostore/b"));

        Assert.Equal("n=2", notStored);
        Assert.Equal("n=3", stored);
        Assert.Equal(3, origin.Requests.Count);
    }

    [Theory]
    [InlineData("matches nothing", null, null, 60, false)]
    [InlineData("exactly one of Lifetime and NoStore", "a.test", null, null, false)]
    [InlineData("exactly one of Lifetime and NoStore", "a.test", null, 60, true)]
    [InlineData("must start with '/'", null, "v1", 60, false)]
    [InlineData("not a host name", "https://a.test", null, 60, false)]
    [InlineData("at most 365 days", "a.test", null, 400 * 86400, false)]
    public void Rules_are_checked_at_start_up(string message, string? host, string? prefix, int? seconds, bool noStore)
    {
        var services = new ServiceCollection();
        services.AddHttpClient("rules").AddStatusHandling(o => o.Cache.Rules.Add(new CacheRule
        {
            Host = host,
            PathPrefix = prefix,
            Lifetime = seconds is { } s ? TimeSpan.FromSeconds(s) : null,
            NoStore = noStore,
        }));
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptionsMonitor<StatusHandlingOptions>>().Get("rules"));
        Assert.Contains(ex.Failures, f => f.Contains(message, StringComparison.Ordinal) && f.Contains("Cache.Rules[0]", StringComparison.Ordinal));
    }

    [Fact]
    public void Rules_ignored_parameters_and_sensitive_headers_bind_from_configuration()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["StatusHandling:Cache:Rules:0:Host"] = "api.example.com",
            ["StatusHandling:Cache:Rules:0:PathPrefix"] = "/v1/",
            ["StatusHandling:Cache:Rules:0:Lifetime"] = "00:05:00",
            ["StatusHandling:Cache:Rules:1:Host"] = "*.internal.test",
            ["StatusHandling:Cache:Rules:1:NoStore"] = "true",
            ["StatusHandling:Cache:IgnoredQueryParameters:0"] = "utm_source",
            ["StatusHandling:Cache:ServeStaleWhenUnreachable"] = "true",
            ["StatusHandling:SensitiveHeaders:0"] = "X-Tenant-Key",
        }).Build();
        var services = new ServiceCollection();
        services.AddHttpClient("bound").AddStatusHandling(configuration.GetSection("StatusHandling"));
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptionsMonitor<StatusHandlingOptions>>().Get("bound");

        Assert.Equal(2, options.Cache.Rules.Count);
        Assert.Equal(("api.example.com", "/v1/", TimeSpan.FromMinutes(5)), (options.Cache.Rules[0].Host, options.Cache.Rules[0].PathPrefix, options.Cache.Rules[0].Lifetime!.Value));
        Assert.True(options.Cache.Rules[1].NoStore);
        Assert.Null(options.Cache.Rules[1].Predicate);
        Assert.Contains("utm_source", options.Cache.IgnoredQueryParameters);
        Assert.True(options.Cache.ServeStaleWhenUnreachable);
        Assert.Contains("X-Tenant-Key", options.SensitiveHeaders);
        Assert.Contains("X-Api-Key", options.SensitiveHeaders); // added to the defaults
    }
}
