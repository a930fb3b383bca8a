using System.Net;
using Microsoft.Extensions.Logging;
using StatusAwareHttp.Digests.Internal;
using StatusAwareHttp.Internal;

namespace StatusAwareHttp.Caching.Internal;

/// <summary>
/// An origin response whose headers are known and whose body is being read into a <see cref="SharedBody"/>: what the
/// requests joining its flight are served from, and the owner of that body, which stores itself once read whole
/// (<see cref="OriginAnswers.NewEntry"/>, through the client's <see cref="CacheVariants"/>) and ends its flight. One
/// object per stored miss holds all of it (no closure, no delegates); the request's own state stays in its exchange.
/// </summary>
internal sealed class SharedResponse : ISharedBodyOwner
{
    private readonly CacheContext _context;
    private readonly CacheExchange _exchange;
    private readonly DateTimeOffset _responseTime;

    public SharedResponse(CacheContext context, CacheExchange exchange, HttpResponseMessage response, IReadOnlyList<KeyValuePair<string, string>> headers, ResponseFields parsed, DateTimeOffset responseTime)
    {
        _context = context;
        _exchange = exchange;
        _responseTime = responseTime;
        StatusCode = response.StatusCode;
        Version = response.Version;
        ReasonPhrase = response.ReasonPhrase;
        Headers = headers;
        Parsed = parsed;
        VaryValues = CacheVary.Values(parsed.VaryNames, exchange.Snapshot);
        Body = new SharedBody(
            response.Content,
            parsed.ContentLength,
            context.Options.MaxEntryBytes,
            this,
            context.Time,
            context.Options.VerifyDigests ? BodyDigest.ForWholeBody(response) : null);
    }

    public HttpStatusCode StatusCode { get; }

    public Version Version { get; }

    public string? ReasonPhrase { get; }

    /// <summary>Gets the response's header lines as captured (the URL rule's lifetime in place).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; }

    public ResponseFields Parsed { get; }

    /// <summary>Gets the request's values of the fields the response varies on.</summary>
    public IReadOnlyList<KeyValuePair<string, string?>> VaryValues { get; }

    public SharedBody Body { get; }

    /// <summary>Stores the body, read whole, in place of the stored response the request was sent for (if any).</summary>
    public ValueTask StoreAsync(byte[] body)
    {
        var exchange = _exchange;
        var entry = OriginAnswers.NewEntry(Headers, Parsed, body, exchange.RequestTime, _responseTime, VaryValues);
        return _context.Variants.StoreAsync(exchange.Key, exchange.Uri, exchange.Variants, entry, replacing: exchange.Stale);
    }

    /// <summary>
    /// RFC 9111 §3.3: the start of a 200 the origin cut, kept as a part of its representation (as a 206 of bytes
    /// 0 to n-1 would be) when the response has a strong validator (§3.4) and there is no stored response it would
    /// replace; never over one. Another download or range request then fetches only the rest.
    /// </summary>
    public ValueTask StoreStartAsync(byte[] received, long length)
    {
        var exchange = _exchange;
        if (StatusCode != HttpStatusCode.OK || exchange.Request.Method != HttpMethod.Get || exchange.Stale is not null || PartialRules.StrongValidator(Parsed) is null)
        {
            return ValueTask.CompletedTask;
        }

        var parts = PartSet.Of(new ContentRange(0, received.Length - 1, length), received);
        var entry = PartEntries.Make(Headers, null, parts, exchange.RequestTime, _responseTime, VaryValues);
        return _context.Variants.StoreAsync(exchange.Key, exchange.Uri, exchange.Variants, entry, replacing: null);
    }

    /// <summary>The body ended: its flight ends (declined for any request still to come).</summary>
    public void Ended(BodyEnd end)
    {
        _context.Cache.EndFlight(_exchange.Key, _exchange.Flight);
        if (end == BodyEnd.DigestMismatch && Body.DigestFailure is { } digest)
        {
            Digests.Internal.Log.CachedBodyMismatch(_context.Logger, UriRedaction.Redact(_exchange.Uri), digest.ToString());
        }
        else if (end != BodyEnd.Complete && _context.Logger.IsEnabled(LogLevel.Debug))
        {
            Log.BodyIncomplete(_context.Logger, UriRedaction.Redact(_exchange.Uri), EndText(end));
        }
    }

    private static string EndText(BodyEnd end) => end switch
    {
        BodyEnd.TooLarge => "it is larger than Cache.MaxEntryBytes",
        BodyEnd.Abandoned => "the caller disposed the response before reading it whole",
        BodyEnd.OriginFailed => "the origin response failed before its end",
        BodyEnd.DigestMismatch => "it does not match its digest",
        _ => "complete",
    };
}
