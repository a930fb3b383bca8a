using Microsoft.Extensions.Logging;
using StatusAwareHttp.Internal;

namespace StatusAwareHttp.Caching.Internal;

/// <summary>
/// Collapsed requests (RFC 9111 §4): a miss becomes the leader of its key in the client's table of GETs in flight
/// (<see cref="ClientCache.TryLead"/>) or joins the leader's response, reading the same body; the leader's response
/// body is teed into a <see cref="SharedBody"/> owned by a <see cref="SharedResponse"/>, which stores it once read
/// whole and ends the flight. Keys whose answer could not be stored go uncollapsed for a while (hit-for-pass).
/// </summary>
internal sealed class CacheCoalescing
{
    private readonly CacheContext _context;

    public CacheCoalescing(CacheContext context)
    {
        _context = context;
    }

    /// <summary>
    /// Whether the request may share another's response: a caller that asks for a response made after its request
    /// (no-cache, max-age=0, or a request directive that forwarded it) or forbids storing goes alone.
    /// </summary>
    public static bool MayCollapse(CacheExchange exchange) =>
        !exchange.Directives.NoStore
        && !exchange.Directives.NoCache
        && exchange.Directives.MaxAge is not (0 or CacheDirectives.Invalid)
        && exchange.Reason != ForwardReason.Request;

    /// <summary>Waits for the in-flight request's response and reads its body as well; null when it cannot be shared.</summary>
    public async Task<HttpResponseMessage?> JoinAsync(InFlightRequest flight, CacheExchange exchange, bool async, CancellationToken cancellationToken)
    {
        SharedResponse? shared;
        var cache = _context.Cache;
        cache.EnterWaiting();
        try
        {
            var waiting = flight.Response.WaitAsync(cancellationToken);
            shared = async ? await waiting.ConfigureAwait(false) : waiting.GetAwaiter().GetResult();
        }
        finally
        {
            cache.ExitWaiting();
        }

        // §4.1: the shared response must be one this request could have been served from storage.
        var request = exchange.Request;
        if (shared is null || !CacheVary.Matches(shared.VaryValues, request.Headers) || shared.Body.TryAddReader() is not { } reader)
        {
            return null;
        }

        var content = new SharedBodyContent(shared.Body, reader);
        var response = new HttpResponseMessage(shared.StatusCode)
        {
            Version = shared.Version,
            ReasonPhrase = shared.ReasonPhrase,
            RequestMessage = request,
            Content = content,
        };
        CacheHeaders.AddLines(response, content, shared.Headers, shared.Parsed.Targets);
        response.Headers.TryAddWithoutValidation(CacheStatus.FieldName, _context.Status.Forward(exchange.Reason, (int)shared.StatusCode, collapsed: true));
        _context.Metrics.Coalesced();
        if (_context.Logger.IsEnabled(LogLevel.Debug))
        {
            Log.Coalesced(_context.Logger, UriRedaction.Redact(exchange.Uri));
        }

        return response;
    }

    /// <summary>
    /// Hit-for-pass (as Varnish names it): whether the key's last answer could not be stored, a short while ago; the
    /// requests for it then go to the origin each on its own, at once, instead of waiting on one another's headers.
    /// </summary>
    public bool IsPass(string key) => _context.Cache.IsPass(key, _context.Time.GetUtcNow());

    /// <summary>Remembers that the key's answer could not be stored (for <see cref="ClientCache.PassDuration"/>).</summary>
    public void RememberPass(string key) => _context.Cache.RememberPass(key, _context.Time.GetUtcNow());

    /// <summary>
    /// Tees the response's body into a <see cref="SharedBody"/> that the requests joining the flight read too, and
    /// publishes it to them. The <see cref="SharedResponse"/> made here owns the body: it stores it once read whole and
    /// ends the flight.
    /// </summary>
    public void Share(HttpResponseMessage response, CacheExchange exchange, IReadOnlyList<KeyValuePair<string, string>> headers, ResponseFields parsed, DateTimeOffset responseTime)
    {
        _context.Cache.ForgetPass(exchange.Key);
        var origin = response.Content;
        var shared = new SharedResponse(_context, exchange, response, headers, parsed, responseTime);
        var body = shared.Body;
        var content = new SharedBodyContent(body, body.FirstReader());

        // Line by line, as strings: the enumerable overload would box each field's values and their enumerator.
        foreach (var field in origin.Headers.NonValidated)
        {
            foreach (var value in field.Value)
            {
                content.Headers.TryAddWithoutValidation(field.Key, value);
            }
        }

        response.Content = content;
        exchange.Flight?.Publish(shared);
    }
}
