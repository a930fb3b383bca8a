using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using StatusAwareHttp.Internal;

namespace StatusAwareHttp.Downloads.Internal;

/// <summary>Counters of downloads on the <c>StatusAwareHttp</c> meter.</summary>
internal sealed class DownloadMetrics
{
    private static readonly ConditionalWeakTable<IMeterFactory, DownloadMetrics> s_byFactory = [];
    private static readonly Lazy<DownloadMetrics> s_shared = new(() => new DownloadMetrics(new Meter(StatusAwareHttpMeter.Name)));

    private readonly Counter<long> _bytes;
    private readonly Counter<long> _resumed;
    private readonly Counter<long> _restarted;
    private readonly Counter<long> _completed;
    private readonly Counter<long> _failed;

    private DownloadMetrics(Meter meter)
    {
        _bytes = meter.CreateCounter<long>("statusawarehttp.download.bytes", "By", "Body bytes received by downloads.");
        _resumed = meter.CreateCounter<long>("statusawarehttp.download.resumed", "{response}", "206 answers that continued a partial download.");
        _restarted = meter.CreateCounter<long>("statusawarehttp.download.restarted", "{download}", "Partial downloads discarded and started from zero, by reason.");
        _completed = meter.CreateCounter<long>("statusawarehttp.download.completed", "{download}", "Downloads completed, by outcome.");
        _failed = meter.CreateCounter<long>("statusawarehttp.download.failed", "{download}", "Downloads stopped before completion, by reason.");
    }

    /// <summary>The counters on the meter of <paramref name="meterFactory"/>, or on the library's own meter when it is null.</summary>
    public static DownloadMetrics For(IMeterFactory? meterFactory) =>
        meterFactory is null ? s_shared.Value : s_byFactory.GetValue(meterFactory, static factory => new DownloadMetrics(factory.Create(StatusAwareHttpMeter.Name)));

    public void Bytes(long count) => _bytes.Add(count);

    public void Resumed() => _resumed.Add(1);

    public void Restarted(RestartReason reason) => _restarted.Add(1, new KeyValuePair<string, object?>("reason", ReasonName(reason)));

    public void Completed(bool alreadyComplete) => _completed.Add(1, new KeyValuePair<string, object?>("outcome", alreadyComplete ? "already_complete" : "downloaded"));

    public void Failed(string reason) => _failed.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public static string ReasonName(RestartReason reason) => reason switch
    {
        RestartReason.NoSidecar => "no_sidecar",
        RestartReason.DifferentUri => "different_uri",
        RestartReason.NoValidator => "no_validator",
        RestartReason.Changed => "changed",
        RestartReason.RangeIgnored => "range_ignored",
        RestartReason.BadContentRange => "bad_content_range",
        RestartReason.ValidatorMismatch => "validator_mismatch",
        RestartReason.LengthChanged => "length_changed",
        RestartReason.RangeNotSatisfiable => "range_not_satisfiable",
        RestartReason.TooLong => "too_long",
        RestartReason.DigestMismatch => "digest_mismatch",
        _ => "other",
    };

    public static string FailureName(DownloadFailureReason reason) => reason switch
    {
        DownloadFailureReason.UnexpectedStatus => "unexpected_status",
        DownloadFailureReason.MultipartByteRanges => "multipart_byteranges",
        DownloadFailureReason.InvalidRange => "invalid_range",
        DownloadFailureReason.LengthMismatch => "length_mismatch",
        DownloadFailureReason.DigestMismatch => "digest_mismatch",
        _ => "other",
    };
}
