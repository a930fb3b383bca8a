namespace StatusAwareHttp.Internal;

/// <summary>Origins of absolute URIs (RFC 6454: scheme, host, port).</summary>
internal static class UriOrigin
{
    /// <summary>Whether two absolute URIs share scheme, host and port.</summary>
    public static bool IsSameOrigin(Uri a, Uri b) =>
        string.Equals(a.Scheme, b.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(a.IdnHost, b.IdnHost, StringComparison.OrdinalIgnoreCase)
        && a.Port == b.Port;
}
