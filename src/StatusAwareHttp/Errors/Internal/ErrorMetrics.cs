using System.Diagnostics.Metrics;
using StatusAwareHttp.Internal;

namespace StatusAwareHttp.Errors.Internal;

/// <summary>Counters of the typed errors and the 505 fallback on the <c>StatusAwareHttp</c> meter.</summary>
internal sealed class ErrorMetrics
{
    private readonly Counter<long> _thrown;
    private readonly Counter<long> _versionFallbacks;

    private KeyValuePair<string, object?> _client = MetricTags.Unbound;

    public ErrorMetrics(StatusAwareHttpMeter meter)
    {
        _thrown = meter.Meter.CreateCounter<long>("statusawarehttp.errors.thrown", "{exception}", "HttpStatusException thrown, by status.");
        _versionFallbacks = meter.Meter.CreateCounter<long>("statusawarehttp.errors.version_fallback", "{request}", "Requests answered 505 and sent again as HTTP/1.1, by outcome.");
    }

    /// <summary>Gets a view of these instruments that tags every measurement with <paramref name="clientName"/>.</summary>
    public ErrorMetrics For(string clientName)
    {
        var bound = (ErrorMetrics)MemberwiseClone();
        bound._client = MetricTags.Client(clientName);
        return bound;
    }

    public void Thrown(int status) => _thrown.Add(1, _client, new KeyValuePair<string, object?>("http.response.status_code", status));

    public void VersionFallback(string outcome) => _versionFallbacks.Add(1, _client, new KeyValuePair<string, object?>("outcome", outcome));
}
