using System.Buffers;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.Retry;
using StatusAwareHttp.Internal;

namespace StatusAwareHttp.Downloads.Internal;

/// <summary>
/// One download: sends GET (with <c>Range</c> and <c>If-Range</c> when there are bytes to continue), asks
/// <see cref="RangePolicy"/> what each answer means, and streams bodies to the target. A dropped connection ends the
/// attempt; the Polly retry strategy starts the next one after its backoff, from the last byte written.
/// </summary>
internal sealed partial class Downloader
{
    private const int BufferSize = 81920;

    /// <summary>How many unusable answers (bad <c>Content-Range</c> and the like) are followed by a request without <c>Range</c>.</summary>
    private const int MaxRestartsWithoutRange = 3;

    private static readonly StringWithQualityHeaderValue s_identity = new("identity");

    private readonly HttpClient _client;
    private readonly Uri _uri;
    private readonly string _redactedUri;
    private readonly DownloadTarget _target;
    private readonly DownloadOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly DownloadMetrics _metrics;
    private readonly ProgressThrottle _progress;

    // What the target holds: bytes [0, _offset) of the representation that _validator names.
    private long _offset;
    private ResumeValidator? _validator;
    private long? _total;

    // The representation's validators as last sent (for the result), whether or not they can be resumed with.
    private EntityTagHeaderValue? _eTag;
    private DateTimeOffset? _lastModified;

    // Bytes in the target that belong to no known representation (an earlier run without a usable sidecar).
    private RestartReason _pendingRestart;
    private bool _sidecarOnDisk;
    private Sidecar? _savedSidecar;

    private long _startOffset;
    private long _fetched;
    private int _resumes;
    private int _restarts;
    private int _requests;
    private int _restartsWithoutRange;
    private bool _alreadyComplete;
    private bool _transportFailure;

    // The Repr-Digest of the representation the target holds (RFC 9530 §3), checked over the whole file after a resume.
    private string? _reprDigest;
    private bool _restartedForDigest;

    private Downloader(HttpClient client, Uri uri, DownloadTarget target, DownloadOptions options)
    {
        _client = client;
        _uri = uri;
        _redactedUri = UriRedaction.Redact(uri);
        _target = target;
        _options = options;
        _time = options.TimeProvider ?? TimeProvider.System;
        _logger = options.Logger ?? NullLogger.Instance;
        _metrics = DownloadMetrics.For(options.MeterFactory);
        _progress = new ProgressThrottle(options.Progress, _time, options.ProgressInterval);
    }

    public static async Task<DownloadResult> RunAsync(HttpClient client, Uri uri, DownloadTarget target, DownloadOptions options, CancellationToken cancellationToken)
    {
        var downloader = new Downloader(client, uri, target, options);
        await downloader.LoadAsync(cancellationToken).ConfigureAwait(false);
        return await downloader.RunAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Decides what the bytes already in the target are worth: resumable (a sidecar for this URI) or not.</summary>
    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        var length = _target.Length;
        if (_target.SidecarPath is null)
        {
            _pendingRestart = length > 0 ? RestartReason.NoSidecar : RestartReason.None;
            return;
        }

        var (exists, sidecar) = await Sidecar.ReadAsync(_target.SidecarPath, cancellationToken).ConfigureAwait(false);
        _sidecarOnDisk = exists;
        if (length == 0)
        {
            return;
        }

        if (sidecar is null)
        {
            // No sidecar (or one we cannot read): nothing says which representation these bytes belong to.
            _pendingRestart = RestartReason.NoSidecar;
        }
        else if (!sidecar.IsFor(_uri))
        {
            _pendingRestart = RestartReason.DifferentUri;
        }
        else if (sidecar.TotalLength is { } total && length > total)
        {
            _pendingRestart = RestartReason.TooLong;
        }
        else
        {
            _offset = _startOffset = length;
            _validator = sidecar.Validator;
            _total = sidecar.TotalLength;
            _eTag = sidecar.Validator.ETag;
            _lastModified = sidecar.Validator.LastModified;
            _savedSidecar = sidecar;
        }
    }

    private async Task<DownloadResult> RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            var pipeline = BuildPipeline();
            while (true)
            {
                await pipeline.ExecuteAsync(static (self, token) => self.AttemptAsync(token), this, cancellationToken).ConfigureAwait(false);

                // §14.4, §8.6: the final length must be the total the server announced.
                var length = _target.Length;
                if (length != _offset || (_total is { } total && length != total))
                {
                    throw Fail(DownloadFailureReason.LengthMismatch, $"The download of {_redactedUri} holds {length} bytes but the server announced {_total}.", null);
                }

                if (await ReprDigestMismatchAsync(cancellationToken).ConfigureAwait(false) is not { } mismatch)
                {
                    break;
                }

                // RFC 9530 §3: the bytes spliced together are not the representation the server digested. Once from
                // byte 0 (the earlier part may be what is wrong), then the download fails.
                if (_restartedForDigest)
                {
                    throw Fail(
                        DownloadFailureReason.DigestMismatch,
                        $"The download of {_redactedUri} does not match its Repr-Digest ({mismatch}), even downloaded again from byte 0.",
                        null);
                }

                Digests.Internal.Log.ResumedDownloadMismatch(_logger, _redactedUri, mismatch.ToString());
                _restartedForDigest = true;
                _alreadyComplete = false;
                await RestartAsync(RestartReason.DigestMismatch, cancellationToken).ConfigureAwait(false);
            }

            await _target.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Log.Cancelled(_logger, _redactedUri, _offset);
            _metrics.Failed("cancelled");
            throw;
        }
        catch (Exception ex) when (_transportFailure)
        {
            Log.GaveUp(_logger, _redactedUri, _offset, _requests, ex);
            _metrics.Failed("connection");
            throw;
        }
        finally
        {
            _progress.Final(_offset, _total);
        }

        if (_alreadyComplete)
        {
            Log.AlreadyComplete(_logger, _redactedUri, _offset);
        }
        else
        {
            Log.Completed(_logger, _redactedUri, _offset, _fetched, _requests);
        }

        _metrics.Completed(_alreadyComplete);
        return new DownloadResult(_uri, _offset, _fetched, _startOffset, _resumes, _restarts, _requests, _alreadyComplete, _eTag, _lastModified);
    }

    private ResiliencePipeline BuildPipeline()
    {
        if (_options.MaxRetries == 0)
        {
            return ResiliencePipeline.Empty;
        }

        return new ResiliencePipelineBuilder { TimeProvider = _time }
            .AddRetry(new RetryStrategyOptions
            {
                // Only failures of the connection are retried: not statuses, not the disk, not the caller's cancellation.
                ShouldHandle = args => new ValueTask<bool>(args.Outcome.Exception is not null && _transportFailure && !args.Context.CancellationToken.IsCancellationRequested),
                MaxRetryAttempts = _options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = _options.RetryDelay,
                MaxDelay = _options.MaxRetryDelay,
                OnRetry = args =>
                {
                    Log.ConnectionDropped(_logger, _redactedUri, _offset, args.AttemptNumber + 1, args.RetryDelay, args.Outcome.Exception!);
                    return default;
                },
            })
            .Build();
    }

    private async ValueTask AttemptAsync(CancellationToken cancellationToken)
    {
        _transportFailure = false;
        while (true)
        {
            if (_offset > 0 && _validator is null)
            {
                // §13.1.5: without a strong validator there is no If-Range, and a bare Range could splice two versions.
                await RestartAsync(RestartReason.NoValidator, cancellationToken).ConfigureAwait(false);
            }

            var asked = _offset > 0 ? new RangeRequest(_offset, _validator, _total) : new RangeRequest(0, null, null);
            using var request = new HttpRequestMessage(HttpMethod.Get, _uri);

            // §14.1.1, §8.4: ranges count the bytes of the content as sent, so ask for no content coding.
            request.Headers.AcceptEncoding.Add(s_identity);
            if (asked.Offset > 0)
            {
                // Range and If-Range are not marked library-added: they must follow a redirect to where the file is.
                request.Headers.Range = new RangeHeaderValue(asked.Offset, null);
                request.Headers.IfRange = asked.IfRange!.ToIfRange();
                Log.Resuming(_logger, _redactedUri, asked.Offset, asked.IfRange.ToString());
            }
            else
            {
                Log.Starting(_logger, _redactedUri);
            }

            _requests++;
            HttpResponseMessage response;
            try
            {
                response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsTransportFailure(ex, cancellationToken))
            {
                throw;
            }

            using (response)
            {
                var facts = RangeResponse.From(response);
                var decision = RangePolicy.Decide(asked, facts);
                switch (decision.Action)
                {
                    case RangeAction.Fail:
                        throw Fail(decision.Failure, FailureMessage(decision.Failure, response), response);

                    case RangeAction.Complete:
                        _alreadyComplete = true;
                        _total = decision.Total;
                        return;

                    case RangeAction.RestartWithoutRange:
                        await RestartOrFailAsync(decision.Restart, response, cancellationToken).ConfigureAwait(false);
                        continue;

                    case RangeAction.Replace when _target.Length > 0:
                    case RangeAction.Append when decision.Offset == 0 && _target.Length > 0:
                        // The answer starts at byte 0 and the target holds bytes of another (or an unknown) representation.
                        await RestartAsync(decision.Restart != RestartReason.None ? decision.Restart : _pendingRestart, cancellationToken).ConfigureAwait(false);
                        break;

                    case RangeAction.Append when decision.Offset > 0:
                        _resumes++;
                        _metrics.Resumed();
                        break;
                }

                _validator = decision.Validator;
                _total = decision.Total;
                if (response.Headers.NonValidated.TryGetValues(Digests.Internal.DigestFields.ReprDigest, out var reprDigest))
                {
                    _reprDigest = reprDigest.ToString();
                }
                else if (decision.Action == RangeAction.Replace)
                {
                    _reprDigest = null;
                }

                if (decision.Action == RangeAction.Replace && decision.Validator is null)
                {
                    Log.NotResumable(_logger, _redactedUri);
                }

                if (decision.Action == RangeAction.Replace || facts.ETag is not null || facts.LastModified is not null)
                {
                    _eTag = facts.ETag;
                    _lastModified = facts.LastModified;
                }

                await SaveSidecarAsync(cancellationToken).ConfigureAwait(false);

                if (await CopyBodyAsync(response, decision.BodyLength, cancellationToken).ConfigureAwait(false))
                {
                    // §14.4: more bytes than Content-Range (or Content-Length) announced: this answer cannot be trusted.
                    await RestartOrFailAsync(RestartReason.BadContentRange, response, cancellationToken).ConfigureAwait(false);
                    continue;
                }
            }

            if (_total is not { } total || _offset == total)
            {
                // Without a total, a body that ended cleanly is the whole representation.
                _total = _offset;
                return;
            }

            if (_offset > total)
            {
                await RestartOrFailAsync(RestartReason.TooLong, null, cancellationToken).ConfigureAwait(false);
            }

            // §15.3.7: the 206 names the range it carries (Content-Range); what is still missing is asked for next.
        }
    }

    /// <summary>Streams the body to the target; true when it is longer than announced.</summary>
    private async ValueTask<bool> CopyBodyAsync(HttpResponseMessage response, long? announced, CancellationToken cancellationToken)
    {
        Stream body;
        try
        {
            body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsTransportFailure(ex, cancellationToken))
        {
            throw;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        long received = 0;
        try
        {
            while (true)
            {
                int read;
                try
                {
                    read = await body.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (IsTransportFailure(ex, cancellationToken))
                {
                    throw;
                }

                if (read == 0)
                {
                    break;
                }

                received += read;
                if (announced is { } limit && received > limit)
                {
                    return true;
                }

                await _target.WriteAsync(buffer.AsMemory(0, read), _offset, cancellationToken).ConfigureAwait(false);
                _offset += read;
                _progress.Report(_offset, _total);
            }

            if (announced is { } expected && received < expected)
            {
                // The body ended early without an error from the transport: treat it as a dropped connection.
                _transportFailure = true;
                throw new IOException($"The response body of {_redactedUri} ended after {received} of {expected} bytes.");
            }

            return false;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            _fetched += received;
            _metrics.Bytes(received);
        }
    }

    /// <summary>Makes the sidecar say what the target holds now; writes only when that changed.</summary>
    private async Task SaveSidecarAsync(CancellationToken cancellationToken)
    {
        if (_target.SidecarPath is null)
        {
            return;
        }

        var wanted = _validator is null ? null : Sidecar.For(_uri, _validator, _total);
        if (wanted is null)
        {
            if (_sidecarOnDisk)
            {
                await _target.SaveAsync(null, _uri, cancellationToken).ConfigureAwait(false);
                _sidecarOnDisk = false;
                _savedSidecar = null;
            }

            return;
        }

        if (_sidecarOnDisk && wanted == _savedSidecar)
        {
            return;
        }

        await _target.SaveAsync(wanted, _uri, cancellationToken).ConfigureAwait(false);
        _sidecarOnDisk = true;
        _savedSidecar = wanted;
    }

    /// <summary>
    /// An exception filter: records whether <paramref name="exception"/> is a failure of the connection (which the
    /// retry strategy answers with another attempt) and lets it through unchanged.
    /// </summary>
    private bool IsTransportFailure(Exception exception, CancellationToken cancellationToken)
    {
        _transportFailure = exception switch
        {
            // The response stream failed: the connection dropped, reset, or ended early.
            IOException => true,

            // The handler could not get an answer. Statuses turned into exceptions (StatusCode set) and
            // the library's own refusals (redirect loops, downloads) are not connection failures.
            HttpRequestException { StatusCode: null } http => http.HttpRequestError is not HttpRequestError.Unknown,

            // HttpClient.Timeout, not the caller's token.
            OperationCanceledException => !cancellationToken.IsCancellationRequested,
            _ => false,
        };
        return _transportFailure;
    }

    private DownloadException Fail(DownloadFailureReason reason, string message, HttpResponseMessage? response)
    {
        Log.Failed(_logger, _redactedUri, DownloadMetrics.FailureName(reason), response is null ? 0 : (int)response.StatusCode);
        _metrics.Failed(DownloadMetrics.FailureName(reason));
        return new DownloadException(reason, message, response?.StatusCode);
    }

    private string FailureMessage(DownloadFailureReason reason, HttpResponseMessage response) => reason switch
    {
        DownloadFailureReason.MultipartByteRanges =>
            $"{_redactedUri} answered a single range with multipart/byteranges, which a download does not accept (RFC 9110 §14.6).",
        _ => $"{_redactedUri} answered {(int)response.StatusCode} {response.ReasonPhrase} to a download.",
    };
}
