using System.Net.Http;

namespace StatusAwareHttp.Retries.Internal;

/// <summary>
/// The <c>Idempotency-Key</c> request field (draft-ietf-httpapi-idempotency-key-header-07) as
/// <see cref="RetryOptions.GenerateIdempotencyKeys"/> uses it: a POST or PATCH without one gets a fresh random UUID
/// (§2.2: "It is RECOMMENDED that UUID or a similar random identifier be used"), written as an sf-string (§2.1). The
/// field is set on the request itself, so every retry and every 307/308 hop of that call (the redirect handler sends
/// the same request again) carries the same key, and no other call does. A caller's own key is never replaced.
/// </summary>
internal static class IdempotencyKeys
{
    /// <summary>Marks a request whose key the library generated (its value, unquoted).</summary>
    public static readonly HttpRequestOptionsKey<string> GeneratedKey = new("StatusAwareHttp.IdempotencyKey");

    /// <summary>How much of a key logs show.</summary>
    private const int LoggedLength = 8;

    /// <summary>Whether the method is one the draft's key makes safe to repeat (its abstract and §1: POST, PATCH).</summary>
    public static bool IsKeyedMethod(HttpMethod method) => method == HttpMethod.Post || method == HttpMethod.Patch;

    /// <summary>
    /// Gives a POST or PATCH without the field a fresh key; takes ours off a request a 303 (or a 301/302 from POST)
    /// turned into a GET. Returns the key the request now carries that we generated, or <see langword="null"/>.
    /// </summary>
    public static string? Ensure(HttpRequestMessage request, out bool added)
    {
        added = false;
        var has = request.Headers.NonValidated.Contains(RetryPolicy.IdempotencyKeyHeader);
        var ours = request.Options.TryGetValue(GeneratedKey, out var generated) ? generated : null;
        if (!IsKeyedMethod(request.Method))
        {
            if (ours is not null && has)
            {
                request.Headers.Remove(RetryPolicy.IdempotencyKeyHeader);
            }

            return null;
        }

        if (has)
        {
            // The caller's own (§2.5: the client makes keys; the library never replaces one), or ours from a hop before.
            return ours;
        }

        var key = Guid.NewGuid().ToString("D");
        request.Headers.TryAddWithoutValidation(RetryPolicy.IdempotencyKeyHeader, "\"" + key + "\"");
        request.Options.Set(GeneratedKey, key);
        added = true;
        return key;
    }

    /// <summary>The key as logs show it: its first characters only.</summary>
    public static string ForLog(string key) => key.Length <= LoggedLength ? key : key[..LoggedLength] + "…";

    /// <summary>The request's key field value, whoever set it, unquoted; <see langword="null"/> without one.</summary>
    public static string? Of(HttpRequestMessage request)
    {
        if (!request.Headers.NonValidated.TryGetValues(RetryPolicy.IdempotencyKeyHeader, out var values))
        {
            return null;
        }

        var value = values.ToString().Trim();
        return value.Length >= 2 && value[0] == '"' && value[^1] == '"' ? value[1..^1] : value;
    }
}
