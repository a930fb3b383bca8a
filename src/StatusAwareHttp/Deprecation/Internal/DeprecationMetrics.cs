using System.Diagnostics.Metrics;
using StatusAwareHttp.Internal;

namespace StatusAwareHttp.Deprecation.Internal;

/// <summary>Counters of the deprecation notices on the <c>StatusAwareHttp</c> meter.</summary>
internal sealed class DeprecationMetrics
{
    private readonly Counter<long> _responses;

    // Boxed once: a tag's value is an object.
    private static readonly object s_true = true;
    private static readonly object s_false = false;

    private KeyValuePair<string, object?> _client = MetricTags.Unbound;

    public DeprecationMetrics(StatusAwareHttpMeter meter)
    {
        _responses = meter.Meter.CreateCounter<long>(
            "statusawarehttp.deprecation.responses",
            "{response}",
            "Responses that carried a Deprecation or Sunset notice, by method and whether the sunset has passed.");
    }

    /// <summary>Gets a view of these instruments that tags every measurement with <paramref name="clientName"/>.</summary>
    public DeprecationMetrics For(string clientName)
    {
        var bound = (DeprecationMetrics)MemberwiseClone();
        bound._client = MetricTags.Client(clientName);
        return bound;
    }

    public void Seen(string method, bool sunsetPassed) => _responses.Add(
        1,
        _client,
        new KeyValuePair<string, object?>(StatusAwareTracing.Method, method),
        new KeyValuePair<string, object?>("statusawarehttp.sunset.passed", sunsetPassed ? s_true : s_false));
}
