using System.Net.Http.Headers;
using System.Text;
using StatusAwareHttp.Internal;

namespace StatusAwareHttp.Caching.Internal;

/// <summary>
/// One client's way of making cache keys: <see cref="CacheKeys"/> with the client's sensitive headers as the credential
/// partition and its <see cref="CacheOptions.IgnoredQueryParameters"/> left out of the URI. The partition is computed
/// from the request's headers, never from the URI, so dropping parameters can never merge two partitions.
/// </summary>
internal sealed class CacheKeyPolicy
{
    private const string GetPrefix = "GET ";

    private readonly string[] _credentialHeaders;
    private readonly HashSet<string>? _ignored;

    public CacheKeyPolicy(IEnumerable<string>? sensitiveHeaders, IEnumerable<string>? ignoredQueryParameters)
    {
        _credentialHeaders = SensitiveHeaderNames.Declare(sensitiveHeaders);
        _ignored = ignoredQueryParameters is null ? null : new HashSet<string>(ignoredQueryParameters, StringComparer.Ordinal);
        if (_ignored is { Count: 0 })
        {
            _ignored = null;
        }
    }

    /// <summary>The key of a GET of <paramref name="uri"/> in the partition of <paramref name="headers"/>.</summary>
    public string ForGet(Uri uri, HttpRequestHeaders headers) => CacheKeys.ForGet(UriText(uri), headers, _credentialHeaders);

    /// <summary>
    /// Writes the key of a GET of <paramref name="uri"/> into <paramref name="destination"/>; false when it does not fit
    /// or when query parameters are ignored (then <see cref="ForGet"/> makes it).
    /// </summary>
    public bool TryWriteForGet(Uri uri, HttpRequestHeaders headers, Span<char> destination, out int written)
    {
        written = 0;
        return _ignored is null && CacheKeys.TryWriteForGet(CacheKeys.UriText(uri), headers, _credentialHeaders, destination, out written);
    }

    /// <summary>The key of a GET of <paramref name="uri"/> without credentials.</summary>
    public string Anonymous(Uri uri) => string.Concat(GetPrefix, UriText(uri));

    /// <summary>The keys a change to <paramref name="uri"/> invalidates: the request's partition and the anonymous one.</summary>
    public (string Partition, string? Anonymous) ForInvalidation(Uri uri, HttpRequestHeaders headers)
    {
        var key = ForGet(uri, headers);
        var anonymous = Anonymous(uri);
        return (key, key == anonymous ? null : anonymous);
    }

    /// <summary>The URI as keyed: <see cref="CacheKeys.UriText"/> without the ignored query parameters.</summary>
    public string UriText(Uri uri)
    {
        var text = CacheKeys.UriText(uri);
        return _ignored is null ? text : WithoutParameters(text, _ignored);
    }

    /// <summary>The key of a query (RFC 10008 §2.7) of <paramref name="uri"/> whose content has <paramref name="digest"/>, in the partition of <paramref name="headers"/>.</summary>
    public string ForQuery(string method, Uri uri, string digest, HttpRequestHeaders headers) =>
        CacheKeys.ForQuery(method, UriText(uri), digest, headers, _credentialHeaders);

    /// <summary>The URI of a key (<c>GET uri[ partition]</c>), and whether it has a credential partition; false when it is no GET key.</summary>
    public static bool TryParseKey(string key, out string uri, out bool partitioned) => TryParseKey(key, out _, out uri, out partitioned);

    /// <summary>
    /// The method and URI of a key (<c>GET uri[ partition]</c>, or a query's <c>METHOD uri #digest[ partition]</c>), and
    /// whether it has a credential partition; false when it is neither.
    /// </summary>
    public static bool TryParseKey(string key, out string method, out string uri, out bool partitioned)
    {
        method = string.Empty;
        uri = string.Empty;
        partitioned = false;
        var first = key.IndexOf(' ', StringComparison.Ordinal);
        if (first <= 0)
        {
            return false;
        }

        method = key[..first];
        var rest = key.AsSpan(first + 1);
        var space = rest.IndexOf(' ');
        uri = (space >= 0 ? rest[..space] : rest).ToString();
        var tail = space >= 0 ? rest[(space + 1)..] : [];
        if (method == "GET")
        {
            partitioned = space >= 0;
            return uri.Length > 0;
        }

        // A query's key has its content's digest after the URI.
        if (!tail.StartsWith("#"))
        {
            return false;
        }

        partitioned = tail.Contains(' ');
        return uri.Length > 0;
    }

    /// <summary>
    /// <paramref name="uriText"/> without the query parameters named in <paramref name="ignored"/> (by their name as
    /// sent or unescaped); the other parameters stay in their order, byte for byte. Never throws.
    /// </summary>
    internal static string WithoutParameters(string uriText, IReadOnlySet<string> ignored)
    {
        var question = uriText.IndexOf('?', StringComparison.Ordinal);
        if (question < 0)
        {
            return uriText;
        }

        var query = uriText.AsSpan(question + 1);
        var builder = (StringBuilder?)null;
        var kept = 0;
        var dropped = false;
        foreach (var range in query.Split('&'))
        {
            var parameter = query[range];
            var equals = parameter.IndexOf('=');
            var name = (equals >= 0 ? parameter[..equals] : parameter).ToString();
            if (name.Length > 0 && (ignored.Contains(name) || ignored.Contains(Unescape(name))))
            {
                dropped = true;
                continue;
            }

            builder ??= new StringBuilder(uriText.Length).Append(uriText, 0, question);
            builder.Append(kept++ == 0 ? '?' : '&').Append(parameter);
        }

        if (!dropped)
        {
            return uriText;
        }

        return builder?.ToString() ?? uriText[..question];
    }

    private static string Unescape(string name)
    {
        try
        {
            return Uri.UnescapeDataString(name.Replace('+', ' '));
        }
        catch (UriFormatException)
        {
            return name;
        }
    }
}
