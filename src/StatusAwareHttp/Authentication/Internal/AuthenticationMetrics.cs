using System.Diagnostics.Metrics;
using StatusAwareHttp.Internal;

namespace StatusAwareHttp.Authentication.Internal;

/// <summary>Counters of the authentication handler on the <c>StatusAwareHttp</c> meter.</summary>
internal sealed class AuthenticationMetrics
{
    private readonly Counter<long> _answered;
    private readonly Counter<long> _refused;
    private readonly Counter<long> _refreshes;

    private KeyValuePair<string, object?> _client = MetricTags.Unbound;

    public AuthenticationMetrics(StatusAwareHttpMeter meter)
    {
        _answered = meter.Meter.CreateCounter<long>("statusawarehttp.auth.answered", "{challenge}", "401 challenges answered (the request sent again with credentials), by scheme.");
        _refused = meter.Meter.CreateCounter<long>("statusawarehttp.auth.refused", "{response}", "401 responses handed back unanswered, by reason.");
        _refreshes = meter.Meter.CreateCounter<long>("statusawarehttp.auth.token_refreshes", "{refresh}", "Bearer token refreshes (one per refused token, however many requests were refused with it).");
    }

    /// <summary>Gets a view of these instruments that tags every measurement with <paramref name="clientName"/>.</summary>
    public AuthenticationMetrics For(string clientName)
    {
        var bound = (AuthenticationMetrics)MemberwiseClone();
        bound._client = MetricTags.Client(clientName);
        return bound;
    }

    public void Answered(string scheme) => _answered.Add(1, _client, new KeyValuePair<string, object?>("scheme", scheme));

    public void Refused(string reason) => _refused.Add(1, _client, new KeyValuePair<string, object?>("reason", reason));

    public void TokenRefreshed() => _refreshes.Add(1, _client);
}
