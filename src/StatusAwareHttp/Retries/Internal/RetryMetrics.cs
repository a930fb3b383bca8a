using System.Diagnostics.Metrics;
using StatusAwareHttp.Internal;

namespace StatusAwareHttp.Retries.Internal;

/// <summary>Counters of the retry handler on the <c>StatusAwareHttp</c> meter.</summary>
internal sealed class RetryMetrics
{
    private readonly Counter<long> _retried;
    private readonly Counter<long> _refused;
    private readonly Counter<long> _gate;
    private readonly Counter<long> _quota;

    private KeyValuePair<string, object?> _client = MetricTags.Unbound;

    public RetryMetrics(StatusAwareHttpMeter meter)
    {
        _retried = meter.Meter.CreateCounter<long>("statusawarehttp.retry.retried", "{retry}", "Retries made, by status and reason.");
        _refused = meter.Meter.CreateCounter<long>("statusawarehttp.retry.refused", "{response}", "Transient failures handed back or rethrown without a retry, by reason (budget refusals among them).");
        _gate = meter.Meter.CreateCounter<long>("statusawarehttp.retry.gate", "{request}", "Requests held back by their origin's gate, by outcome.");
        _quota = meter.Meter.CreateCounter<long>("statusawarehttp.retry.quota_wait", "{request}", "Requests held back by a quota their origin announced (RateLimit fields), by outcome.");
    }

    /// <summary>Gets a view of these instruments that tags every measurement with <paramref name="clientName"/>.</summary>
    public RetryMetrics For(string clientName)
    {
        var bound = (RetryMetrics)MemberwiseClone();
        bound._client = MetricTags.Client(clientName);
        return bound;
    }

    public void Retried(RetryReason reason, int status)
    {
        if (reason == RetryReason.Status)
        {
            _retried.Add(1, _client, new KeyValuePair<string, object?>("reason", "status"), new KeyValuePair<string, object?>("http.response.status_code", status));
        }
        else
        {
            _retried.Add(1, _client, new KeyValuePair<string, object?>("reason", "connection_failure"));
        }
    }

    public void Refused(RetryRefusal refusal) => _refused.Add(1, _client, new KeyValuePair<string, object?>("reason", RefusalName(refusal)));

    public void GateWaited() => _gate.Add(1, _client, new KeyValuePair<string, object?>("outcome", "waited"));

    /// <summary>Counts a request held by an announced quota: <c>waited</c> or <c>failed_fast</c>.</summary>
    public void QuotaWait(string outcome) => _quota.Add(1, _client, new KeyValuePair<string, object?>("outcome", outcome));

    public void GateFailedFast() => _gate.Add(1, _client, new KeyValuePair<string, object?>("outcome", "failed_fast"));

    public static string RefusalName(RetryRefusal refusal) => refusal switch
    {
        RetryRefusal.NotIdempotent => "not_idempotent",
        RetryRefusal.BodyNotResendable => "body_not_resendable",
        RetryRefusal.Exhausted => "exhausted",
        RetryRefusal.RetryAfterOverCap => "retry_after_over_cap",
        RetryRefusal.PastTimeLeft => "past_time_left",
        RetryRefusal.Budget => "budget",
        RetryRefusal.Vetoed => "vetoed",
        _ => "other",
    };
}
