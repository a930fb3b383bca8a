namespace StatusAwareHttp.Testing.Har;

/// <summary>A request as replay compares it: method, target (path and query as sent), fields and content.</summary>
internal sealed record ReplayRequest(string Method, string Target, IReadOnlyDictionary<string, string> Headers, ReadOnlyMemory<byte> Body)
{
    public string Path => Target.Split('?', 2)[0];

    public string Query => Target.Contains('?', StringComparison.Ordinal) ? Target.Split('?', 2)[1] : string.Empty;

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    public bool IsConditional => Header("If-None-Match") is not null || Header("If-Modified-Since") is not null;

    public string Describe() => $"{Method} {Target}";
}
