namespace StatusAwareHttp.Downloads.Internal;

/// <summary>A download's fresh starts: the target discarded after an unusable answer or a <c>Repr-Digest</c> mismatch.</summary>
internal sealed partial class Downloader
{
    /// <summary>
    /// After a resume (or the restart a mismatch caused), the whole target hashed against the <c>Repr-Digest</c> the
    /// server announced; the first digest it does not match, or null (also when there is nothing to check).
    /// </summary>
    private async Task<Digests.Internal.ExpectedDigest?> ReprDigestMismatchAsync(CancellationToken cancellationToken)
    {
        if ((_resumes == 0 && !_restartedForDigest) || _reprDigest is null || Digests.Internal.BodyDigest.FromReprDigest(_reprDigest) is not { } digest)
        {
            return null;
        }

        using (digest)
        {
            return await _target.HashAsync(digest, cancellationToken).ConfigureAwait(false) ? digest.Mismatch() : null;
        }
    }

    /// <summary>Discards the target after an unusable answer, so the next request goes without <c>Range</c>; a bounded number of times.</summary>
    private async Task RestartOrFailAsync(RestartReason reason, HttpResponseMessage? response, CancellationToken cancellationToken)
    {
        if (++_restartsWithoutRange > MaxRestartsWithoutRange)
        {
            throw Fail(
                DownloadFailureReason.InvalidRange,
                $"{_redactedUri} kept answering with an unusable range ({DownloadMetrics.ReasonName(reason)}) after {MaxRestartsWithoutRange} restarts.",
                response);
        }

        await RestartAsync(reason, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Discards every byte in the target (truncation reaches the disk before anything else is written).</summary>
    private async Task RestartAsync(RestartReason reason, CancellationToken cancellationToken)
    {
        var discarded = _target.Length;
        _target.Truncate();
        _offset = 0;
        _startOffset = 0; // nothing of an earlier run is kept any more
        _validator = null;
        _total = null;
        _reprDigest = null;
        _pendingRestart = RestartReason.None;
        await SaveSidecarAsync(cancellationToken).ConfigureAwait(false);
        if (discarded > 0)
        {
            _restarts++;
            _metrics.Restarted(reason);
            Log.Restarting(_logger, _redactedUri, discarded, DownloadMetrics.ReasonName(reason));
        }
    }
}
