using System.Diagnostics.Metrics;
using StatusAwareHttp.Internal;

namespace StatusAwareHttp.Redirects.Internal;

/// <summary>Counters of the redirect handler on the <c>StatusAwareHttp</c> meter.</summary>
internal sealed class RedirectMetrics
{
    private readonly Counter<long> _followed;
    private readonly Counter<long> _refused;

    private KeyValuePair<string, object?> _client = MetricTags.Unbound;

    public RedirectMetrics(StatusAwareHttpMeter meter)
    {
        _followed = meter.Meter.CreateCounter<long>("statusawarehttp.redirect.followed", "{hop}", "Redirect hops followed, by status.");
        _refused = meter.Meter.CreateCounter<long>("statusawarehttp.redirect.refused", "{response}", "Redirects handed back or stopped, by reason.");
    }

    /// <summary>Gets a view of these instruments that tags every measurement with <paramref name="clientName"/>.</summary>
    public RedirectMetrics For(string clientName)
    {
        var bound = (RedirectMetrics)MemberwiseClone();
        bound._client = MetricTags.Client(clientName);
        return bound;
    }

    public void Followed(int status) => _followed.Add(1, _client, new KeyValuePair<string, object?>("http.response.status_code", status));

    public void Refused(RedirectRefusal reason) => _refused.Add(1, _client, new KeyValuePair<string, object?>("reason", ReasonName(reason)));

    public static string ReasonName(RedirectRefusal reason) => reason switch
    {
        RedirectRefusal.NoUsableLocation => "no_location",
        RedirectRefusal.HttpsToHttp => "https_to_http",
        RedirectRefusal.BodyNotResendable => "body_not_resendable",
        RedirectRefusal.Vetoed => "vetoed",
        RedirectRefusal.Limit => "limit",
        RedirectRefusal.Loop => "loop",
        _ => "other",
    };
}
