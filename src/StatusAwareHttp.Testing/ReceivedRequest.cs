using System.Text;

namespace StatusAwareHttp.Testing;

/// <summary>A request that reached a <see cref="TestOrigin"/>, as it arrived, with the status it was answered with.</summary>
public sealed class ReceivedRequest
{
    private int _status;

    internal ReceivedRequest(string method, string target, IReadOnlyDictionary<string, string> headers, byte[] body, DateTimeOffset receivedAt)
    {
        Method = method;
        Target = target;
        Headers = headers;
        Body = body;
        ReceivedAt = receivedAt;
    }

    /// <summary>Gets the method, such as <c>GET</c> or <c>QUERY</c>.</summary>
    public string Method { get; }

    /// <summary>Gets the request target: the path and query, such as <c>/items?page=2</c>.</summary>
    public string Target { get; }

    /// <summary>Gets the path, without the query.</summary>
    public string Path => Target.Split('?', 2)[0];

    /// <summary>Gets the request's header fields (case-insensitive names; the lines of a field joined with <c>", "</c>).</summary>
    public IReadOnlyDictionary<string, string> Headers { get; }

    /// <summary>Gets the request content (empty when none).</summary>
    public ReadOnlyMemory<byte> Body { get; }

    /// <summary>Gets the time the request arrived, on the origin's clock.</summary>
    public DateTimeOffset ReceivedAt { get; }

    /// <summary>Gets the status the origin answered with; 0 while the answer is not written yet, or when the connection was cut before it.</summary>
    public int Status => Volatile.Read(ref _status);

    /// <summary>Gets the value of a header field, or <see langword="null"/> when the request did not have it.</summary>
    /// <param name="name">The field name (case-insensitive).</param>
    /// <returns>The value, the lines joined with <c>", "</c>.</returns>
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    /// <summary>Gets a value indicating whether the request had a header field.</summary>
    /// <param name="name">The field name (case-insensitive).</param>
    /// <returns><see langword="true"/> when present.</returns>
    public bool HasHeader(string name) => Headers.ContainsKey(name);

    /// <summary>Gets the request content as UTF-8 text.</summary>
    /// <returns>The text (empty when none).</returns>
    public string BodyText() => Encoding.UTF8.GetString(Body.Span);

    /// <inheritdoc />
    public override string ToString() => $"{Method} {Target} -> {Status}";

    internal void Answered(int status) => Volatile.Write(ref _status, status);
}
