using System.Net.Http.Headers;

namespace StatusAwareHttp.Errors.Internal;

/// <summary>Copies of a response's headers that outlive the response (and its disposed content).</summary>
internal static class HeaderSnapshot
{
    public static HttpResponseHeaders Copy(HttpResponseHeaders source)
    {
        // Disposing a message without content leaves its header collection usable.
        using var holder = new HttpResponseMessage();
        foreach (var header in source.NonValidated)
        {
            holder.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        return holder.Headers;
    }

    public static HttpContentHeaders Copy(HttpContent? source)
    {
        var holder = new HeaderOnlyContent();
        if (source is not null)
        {
            foreach (var header in source.Headers.NonValidated)
            {
                holder.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        return holder.Headers;
    }

    /// <summary>Content that only carries headers: no bytes, no computed length (so Content-Length is only what the server sent).</summary>
    private sealed class HeaderOnlyContent : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) => Task.CompletedTask;

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
