using System.Security.Cryptography;
using System.Text;
using StatusAwareHttp.Internal;

namespace StatusAwareHttp.Retries.Internal.RateLimit;

/// <summary>
/// The quota partition a request is guessed to fall in: draft-ietf-httpapi-ratelimit-headers-11 §7.1 lets a client
/// that does not know how the server makes its partition keys use heuristics. Ours: requests with the same credentials
/// (the values of the sensitive header fields, <see cref="StatusHandlingOptions.SensitiveHeaders"/>) share a
/// partition. Only a SHA-256 of the values is kept, never the credentials.
/// </summary>
internal static class RequestPartition
{
    /// <summary>The request's partition: "" without credentials, else a hash of them.</summary>
    public static string Of(HttpRequestMessage request)
    {
        StringBuilder? text = null;
        foreach (var field in request.Headers.NonValidated)
        {
            if (!SensitiveHeaderNames.IsSensitive(field.Key))
            {
                continue;
            }

            text ??= new StringBuilder();
            text.Append(field.Key.ToLowerInvariant()).Append('\n');
            foreach (var value in field.Value)
            {
                text.Append(value).Append('\n');
            }
        }

        return text is null ? string.Empty : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())), 0, 16);
    }
}
