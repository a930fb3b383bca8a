using System.Net;
using StatusAwareHttp.Errors.Internal;
using StatusAwareHttp.Internal;
using StatusAwareHttp.Retries.Internal.RateLimit;

namespace StatusAwareHttp.Retries.Internal;

/// <summary>
/// The retry handler's pacing by announced quotas (draft-ietf-httpapi-ratelimit-headers-11) and its use of
/// <c>Idempotency-Key</c> (draft-ietf-httpapi-idempotency-key-header-07).
/// </summary>
internal sealed partial class RetryHandler
{
    /// <summary>
    /// Waits until the request's origin (and partition) has a free unit of every quota it announced, and takes one;
    /// fails fast with <see cref="RetryGateClosedException"/> when the wait is longer than the cap or the time left.
    /// </summary>
    private async Task<QuotaTicket?> PassQuotaAsync(HttpRequestMessage request, long start, bool async, CancellationToken cancellationToken)
    {
        if (request.RequestUri is not { IsAbsoluteUri: true } uri)
        {
            return null;
        }

        var origin = OriginGate.Describe(uri);
        var partition = _quotas.HasPartitions(origin) ? RequestPartition.Of(request) : string.Empty;
        var waited = TimeSpan.Zero;
        while (true)
        {
            var decision = _quotas.TryTake(origin, partition, _time.GetUtcNow(), _spread);
            if (decision.Action == QuotaAction.Send)
            {
                if (waited > TimeSpan.Zero)
                {
                    StatusAwareTracing.QuotaWaited(waited);
                }

                return decision.Ticket;
            }

            var timeLeft = RetryDelays.TimeLeft(_timeLimit, _time.GetElapsedTime(start));
            var left = decision.Wait ?? timeLeft;
            var overCap = decision.Wait > _cap;
            if (RetryDelays.AtGate(left, overCap, timeLeft) == GateAction.FailFast)
            {
                Log.QuotaFailFast(_logger, request.Method.Method, UriRedaction.Redact(uri), decision.Policy ?? string.Empty, left);
                _metrics.QuotaWait("failed_fast");
                throw new RetryGateClosedException(origin, HttpStatusCode.TooManyRequests, left);
            }

            Log.QuotaWait(_logger, left, request.Method.Method, UriRedaction.Redact(uri), decision.Policy ?? string.Empty);
            if (waited == TimeSpan.Zero)
            {
                _metrics.QuotaWait("waited");
            }

            var before = _time.GetTimestamp();
            await WaitAsync(left, decision.Changed, async, cancellationToken).ConfigureAwait(false);
            waited += _time.GetElapsedTime(before);
        }
    }

    /// <summary>
    /// Reads the quotas a fresh answer reports and hands back the request's units; an origin-wide quota it shows
    /// exhausted closes the origin's gate (and the farm's, as a 429 does).
    /// </summary>
    /// <returns>Whether the answer closed the gate (it must then not open it).</returns>
    private bool ObserveQuota(HttpRequestMessage request, HttpResponseMessage response, QuotaTicket? ticket)
    {
        if (!_readQuotas || request.RequestUri is not { IsAbsoluteUri: true } uri)
        {
            _quotas.Return(ticket);
            return false;
        }

        var now = _time.GetUtcNow();
        var reading = QuotaFieldReader.Read(response, _xReset, now);
        if (reading.Kind != QuotaReadingKind.Read)
        {
            if (reading.Kind == QuotaReadingKind.Malformed && _malformedLogged.Count < 1024 && _malformedLogged.TryAdd(OriginGate.Describe(uri), true))
            {
                // §7: "Malformed RateLimit header fields MUST be ignored"; said once per origin.
                Log.QuotaFieldMalformed(_logger, reading.MalformedField ?? QuotaFieldReader.RateLimitField, OriginGate.Describe(uri));
            }

            _quotas.Return(ticket);
            return false;
        }

        var reports = reading.Reports;
        if ((int)response.StatusCode >= 400 && RetryAfterParser.TryParse(response, now, out var retryAfter))
        {
            // §7: "If a response contains both the RateLimit and Retry-After fields, the Retry-After field MUST take
            // precedence and the effective window MAY be ignored."
            var replaced = new List<QuotaReport>(reports.Count);
            foreach (var report in reports)
            {
                replaced.Add(report with { ResetIn = retryAfter });
            }

            reports = replaced;
        }

        var origin = OriginGate.Describe(uri);
        var partitioned = false;
        foreach (var report in reports)
        {
            partitioned |= report.Partitioned;
        }

        var update = _quotas.Report(origin, partitioned ? RequestPartition.Of(request) : string.Empty, ticket, reports, now);
        if (!update.OriginExhausted)
        {
            return false;
        }

        Log.QuotaExhausted(_logger, origin, update.Policy ?? string.Empty, update.Remaining, update.Hold, _clientName);
        if (!_useGate)
        {
            return false;
        }

        // Held as after a 429 with Retry-After: the same gate, the same cap, the same message to the farm.
        var hold = RetryDelays.GateHold(update.Hold, _cap);
        _gate.Close(uri, now + hold, overCap: update.Hold > _cap, HttpStatusCode.TooManyRequests);
        _farm?.Publish(uri, hold, HttpStatusCode.TooManyRequests);
        return true;
    }

    /// <summary>Gives the request a generated key when the client generates them (and says so on the span and in the log).</summary>
    private void EnsureIdempotencyKey(HttpRequestMessage request)
    {
        if (!_generateKeys)
        {
            return;
        }

        var key = IdempotencyKeys.Ensure(request, out var added);
        if (added && key is not null)
        {
            Log.IdempotencyKeyAdded(_logger, request.Method.Method, UriRedaction.Redact(request.RequestUri), IdempotencyKeys.ForLog(key));
        }

        if ((key ?? (IdempotencyKeys.IsKeyedMethod(request.Method) ? IdempotencyKeys.Of(request) : null)) is { } shown)
        {
            StatusAwareTracing.IdempotencyKey(shown);
        }
    }

    /// <summary>
    /// The retry reason of a status: the configured set, and, when the client generates keys, a 409 to a keyed POST or
    /// PATCH (draft §2.7: the original request is still being processed; retried with backoff within the budget).
    /// </summary>
    private RetryReason ClassifyStatus(HttpRequestMessage request, int status)
    {
        var reason = RetryPolicy.Classify(status, _statuses);
        return reason == RetryReason.None && status == 409 && IsKeyedRequest(request) ? RetryReason.Status : reason;
    }

    /// <summary>
    /// When the client generates keys, a 422 (the key was used with other content) or a 400 (the key is required) to a
    /// POST or PATCH becomes <see cref="HttpStatusException"/> with the RFC 9457 problem (draft §2.7): the request must
    /// be corrected, not repeated.
    /// </summary>
    private bool IsRefusedKeyedAnswer(HttpRequestMessage request, HttpResponseMessage response) =>
        _generateKeys && (int)response.StatusCode is 422 or 400 && IdempotencyKeys.IsKeyedMethod(request.Method);

    /// <summary>The exception for a 422 or 400 to a keyed request (asked only when <see cref="IsRefusedKeyedAnswer"/> says so).</summary>
    private static Task<HttpStatusException> KeyedAnswerExceptionAsync(HttpResponseMessage response, bool async, CancellationToken cancellationToken) =>
        ErrorResponseReader.CreateExceptionAsync(response, ErrorContext.From(response), async, cancellationToken);

    private bool IsKeyedRequest(HttpRequestMessage request) =>
        _generateKeys && IdempotencyKeys.IsKeyedMethod(request.Method) && request.Headers.NonValidated.Contains(RetryPolicy.IdempotencyKeyHeader);
}
