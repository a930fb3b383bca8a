using System.Collections.Concurrent;
using StatusAwareHttp.Testing.Internal;

namespace StatusAwareHttp.Testing;

/// <summary>
/// A path of a <see cref="TestOrigin"/>: its representation (fixed, or chosen per request), its scripted steps, an
/// optional Digest requirement, and the requests that reached it.
/// </summary>
public sealed class TestRoute
{
    private readonly Lock _sync = new();
    private readonly List<TestStep> _steps = [];
    private readonly ConcurrentQueue<ReceivedRequest> _requests = new();
    private readonly TimeProvider _time;
    private readonly Func<ReceivedRequest, TestRepresentation?>? _select;
    private TestRepresentation? _representation;
    private DateTimeOffset _changed;

    internal TestRoute(string path, TestRepresentation? representation, Func<ReceivedRequest, TestRepresentation?>? select, bool acceptsQuery, TimeProvider time)
    {
        Path = path;
        _time = time;
        _select = select;
        AcceptsQuery = acceptsQuery;
        _representation = representation;
        _changed = Now(time);
    }

    /// <summary>Gets the path this route answers (compared ordinally, without the query).</summary>
    public string Path { get; }

    /// <summary>Gets a value indicating whether the route answers QUERY (RFC 10008) by the request content.</summary>
    public bool AcceptsQuery { get; }

    /// <summary>
    /// Gets or sets the fixed representation; <see langword="null"/> when there is none (then GET is answered 404 after the
    /// steps). Setting one with other content (body or media type) changes the ETag, and the default Last-Modified to the
    /// origin's clock now; one with the same content and other fields keeps both.
    /// </summary>
    public TestRepresentation? Representation
    {
        get
        {
            lock (_sync)
            {
                return _representation;
            }
        }

        set
        {
            lock (_sync)
            {
                // New content is a modification; new metadata alone (Cache-Control, other fields) is not.
                if (value is null || _representation is null || value.ETag != _representation.ETag)
                {
                    _changed = Now(_time);
                }

                _representation = value;
            }
        }
    }

    /// <summary>Gets the scripted steps, in order.</summary>
    public IReadOnlyList<TestStep> Steps
    {
        get
        {
            lock (_sync)
            {
                return [.. _steps];
            }
        }
    }

    /// <summary>Gets the requests that reached this route, in order of arrival.</summary>
    public IReadOnlyList<ReceivedRequest> Requests => [.. _requests];

    internal DigestGuard? Digest { get; private set; }

    /// <summary>Appends steps, answered in order (each for its <see cref="TestStep.Planned"/> requests) before the representation.</summary>
    /// <param name="steps">The steps.</param>
    /// <returns>This route.</returns>
    public TestRoute Script(params TestStep[] steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        lock (_sync)
        {
            _steps.AddRange(steps);
        }

        return this;
    }

    /// <summary>
    /// Requires Digest access authentication (RFC 7616, qop=auth): a request without a valid <c>Authorization</c> is
    /// answered 401 with a challenge (a fresh nonce each time; <c>stale=true</c> when a correct response used an old one).
    /// </summary>
    /// <param name="userName">The user name.</param>
    /// <param name="password">The password.</param>
    /// <param name="realm">The realm. Default: <c>test</c>.</param>
    /// <param name="algorithm"><c>SHA-256</c> or <c>MD5</c>, optionally with <c>-sess</c>. Default: <c>SHA-256</c>.</param>
    /// <returns>This route.</returns>
    public TestRoute RequireDigest(string userName, string password, string realm = "test", string algorithm = "SHA-256")
    {
        Digest = new DigestGuard(userName, password, realm, algorithm);
        return this;
    }

    /// <summary>Gets the number of requests that reached this route.</summary>
    /// <param name="method">Only this method (such as <c>GET</c>); <see langword="null"/> for all. Default: <see langword="null"/>.</param>
    /// <returns>The count.</returns>
    public int Count(string? method = null) => _requests.Count(r => method is null || string.Equals(r.Method, method, StringComparison.OrdinalIgnoreCase));

    /// <summary>Gets the number of requests that reached this route with a header field (and value, when given).</summary>
    /// <param name="header">The field name (case-insensitive).</param>
    /// <param name="value">The exact value; <see langword="null"/> for any. Default: <see langword="null"/>.</param>
    /// <returns>The count.</returns>
    public int CountWithHeader(string header, string? value = null) =>
        _requests.Count(r => r.Header(header) is { } v && (value is null || v == value));

    /// <summary>Gets the number of requests this route answered with a status.</summary>
    /// <param name="status">The status code.</param>
    /// <returns>The count.</returns>
    public int CountAnswered(int status) => _requests.Count(r => r.Status == status);

    /// <inheritdoc />
    public override string ToString() => $"{Path} ({_requests.Count} requests)";

    internal void Record(ReceivedRequest request) => _requests.Enqueue(request);

    internal void ClearRequests() => _requests.Clear();

    /// <summary>The next step with answers left, taking one of them; null when the script is done.</summary>
    internal TestStep? TakeStep()
    {
        lock (_sync)
        {
            foreach (var step in _steps)
            {
                if (step.TryTake())
                {
                    return step;
                }
            }

            return null;
        }
    }

    /// <summary>The representation selected for a request, with its Last-Modified resolved; null when none.</summary>
    internal TestRepresentation? Select(ReceivedRequest request)
    {
        TestRepresentation? chosen;
        DateTimeOffset changed;
        lock (_sync)
        {
            chosen = _representation;
            changed = _changed;
        }

        if (_select is not null)
        {
            chosen = _select(request);
        }

        return chosen is null || chosen.LastModified is not null ? chosen : chosen with { LastModified = changed };
    }

    private static DateTimeOffset Now(TimeProvider time)
    {
        var now = time.GetUtcNow();
        return DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds());
    }
}
