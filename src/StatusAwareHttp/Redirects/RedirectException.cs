using StatusAwareHttp.Internal;

namespace StatusAwareHttp;

/// <summary>A redirect chain that was stopped: too long, or a loop. The message names the hops (queries redacted).</summary>
public abstract class RedirectException : HttpRequestException
{
    private protected RedirectException(string reason, IReadOnlyList<RedirectHop> hops)
        : base(reason + " Hops: " + Describe(hops))
    {
        Hops = hops;
    }

    /// <summary>Gets the hops followed before the chain was stopped, the last one being the one refused.</summary>
    public IReadOnlyList<RedirectHop> Hops { get; }

    private static string Describe(IReadOnlyList<RedirectHop> hops)
    {
        if (hops.Count == 0)
        {
            return "(none)";
        }

        var parts = new string[hops.Count + 1];
        for (var i = 0; i < hops.Count; i++)
        {
            parts[i] = $"{UriRedaction.Redact(hops[i].Uri)} ({(int)hops[i].StatusCode})";
        }

        parts[^1] = UriRedaction.Redact(hops[^1].Location);
        return string.Join(" -> ", parts);
    }
}

/// <summary>Thrown when a request is redirected more than <see cref="RedirectOptions.MaxRedirects"/> times.</summary>
public sealed class RedirectLimitExceededException : RedirectException
{
    internal RedirectLimitExceededException(int maxRedirects, IReadOnlyList<RedirectHop> hops)
        : base($"The request was redirected more than {maxRedirects} times.", hops)
    {
        MaxRedirects = maxRedirects;
    }

    /// <summary>Gets the limit that was passed.</summary>
    public int MaxRedirects { get; }
}

/// <summary>Thrown when a redirect chain repeats a hop it already took (the same URI, status and target).</summary>
public sealed class RedirectLoopException : RedirectException
{
    internal RedirectLoopException(IReadOnlyList<RedirectHop> hops)
        : base("The request was redirected in a loop.", hops)
    {
    }
}
