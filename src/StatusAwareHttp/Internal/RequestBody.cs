using System.Net.Http.Json;

namespace StatusAwareHttp.Internal;

/// <summary>Whether a request's content can be sent again, whole, on another hop or attempt.</summary>
internal static class RequestBody
{
    /// <summary>
    /// True for no content and for content types that serialise the same bytes each time they are sent
    /// (byte arrays, strings, forms, memory, JSON values, multipart of those). A <see cref="StreamContent"/>
    /// or an unknown type may be a one-shot stream: it is not re-sent, so it is never sent empty or cut short.
    /// </summary>
    public static bool CanResend(HttpContent? content) => content switch
    {
        null => true,
        ByteArrayContent => true, // also StringContent, FormUrlEncodedContent
        ReadOnlyMemoryContent => true,
        JsonContent => true,
        MultipartContent multipart => multipart.All(CanResend),
        _ => false,
    };
}
