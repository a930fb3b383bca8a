using System.Net;
using StatusAwareHttp.Internal;

namespace StatusAwareHttp.Errors.Internal;

/// <summary>Builds the <see cref="HttpStatusException"/> for a response: reads the bounded body, parses the headers, disposes the response.</summary>
internal static class ErrorResponseReader
{
    /// <summary>Builds the exception; with <paramref name="async"/> false the excerpt is read synchronously (for <c>Send</c>).</summary>
    public static async Task<HttpStatusException> CreateExceptionAsync(HttpResponseMessage response, ErrorContext context, bool async, CancellationToken cancellationToken)
    {
        try
        {
            var options = context.Options;
            var status = response.StatusCode;
            var content = response.Content;
            var mediaType = content?.Headers.ContentType?.MediaType;
            var isProblem = ProblemParser.IsProblemMediaType(mediaType);

            var limit = isProblem ? Math.Max(options.MaxBodyExcerptBytes, options.MaxProblemBytes) : options.MaxBodyExcerptBytes;
            var (buffer, count, truncated) = await BodyExcerptReader.ReadAsync(content, limit, async, cancellationToken).ConfigureAwait(false);

            var excerptLength = Math.Min(count, options.MaxBodyExcerptBytes);
            var excerptTruncated = truncated || count > excerptLength;
            var excerpt = BodyExcerptReader.Decode(buffer.AsSpan(0, excerptLength), content?.Headers.ContentType?.CharSet, excerptTruncated);

            // RFC 9457 §3: only a whole document is parsed; one cut by the bound is left as the excerpt.
            var problem = isProblem && !truncated ? ProblemParser.TryParse(buffer.AsSpan(0, count)) : null;

            var challenges = (int)status switch
            {
                401 => Challenges(response, "WWW-Authenticate"),
                407 => Challenges(response, "Proxy-Authenticate"),
                _ => [],
            };

            var allowed = Allowed(response);
            TimeSpan? retryAfter = RetryAfterParser.TryParse(response, context.Time.GetUtcNow(), out var delay) ? delay : null;
            var transient = ErrorClassifier.IsTransient(status, retryAfter.HasValue);

            var request = response.RequestMessage;
            var method = request?.Method ?? HttpMethod.Get;
            var uri = request?.RequestUri;
            var message = Describe(method, uri, status, response.ReasonPhrase, problem, challenges, allowed, (int)status == 405);

            Log.StatusError(context.Logger, method.Method, UriRedaction.Redact(uri), (int)status, excerptLength, problem is not null);
            context.Metrics?.Thrown((int)status);

            return new HttpStatusException(
                message,
                method,
                uri,
                status,
                response.ReasonPhrase,
                HeaderSnapshot.Copy(response.Headers),
                HeaderSnapshot.Copy(content),
                excerpt,
                excerptTruncated,
                problem,
                challenges,
                allowed,
                retryAfter,
                transient);
        }
        finally
        {
            // The body was read only in part: the response is of no further use, and its connection goes back (or closes).
            response.Dispose();
        }
    }

    private static IReadOnlyList<AuthenticationChallenge> Challenges(HttpResponseMessage response, string header) =>
        response.Headers.NonValidated.TryGetValues(header, out var values) ? ChallengeParser.Parse(values) : [];

    private static IReadOnlyList<string> Allowed(HttpResponseMessage response)
    {
        // .NET files Allow among the content headers; a handler may also have put it on the response headers.
        if (response.Content is { } content && content.Headers.NonValidated.TryGetValues("Allow", out var values))
        {
            return AllowParser.Parse(values);
        }

        return response.Headers.NonValidated.TryGetValues("Allow", out var other) ? AllowParser.Parse(other) : [];
    }

    private static string Describe(
        HttpMethod method,
        Uri? uri,
        HttpStatusCode status,
        string? reason,
        HttpProblem? problem,
        IReadOnlyList<AuthenticationChallenge> challenges,
        IReadOnlyList<string> allowed,
        bool is405)
    {
        var text = new System.Text.StringBuilder();
        text.Append(method.Method).Append(' ').Append(UriRedaction.Redact(uri)).Append(" answered ").Append((int)status);
        var phrase = string.IsNullOrEmpty(reason) ? ReasonPhrases.For(status) : reason;
        if (!string.IsNullOrEmpty(phrase))
        {
            text.Append(' ').Append(phrase);
        }

        text.Append('.');
        if (problem is not null)
        {
            if (problem.Title is not null)
            {
                text.Append(' ').Append(problem.Title.TrimEnd('.')).Append('.');
            }

            if (problem.Detail is not null)
            {
                text.Append(' ').Append(problem.Detail.TrimEnd('.')).Append('.');
            }
        }

        if (challenges.Count > 0)
        {
            text.Append(" Challenges: ").AppendJoin(", ", challenges.Select(c => c.Realm is null ? c.Scheme : $"{c.Scheme} (realm \"{c.Realm}\")")).Append('.');
        }

        if (is405)
        {
            text.Append(allowed.Count > 0 ? " Allowed: " + string.Join(", ", allowed) + "." : " The server sent no Allow.");
        }

        return text.ToString();
    }
}

/// <summary>Reason phrases for statuses that came without one (HTTP/2 and HTTP/3).</summary>
internal static class ReasonPhrases
{
    public static string? For(HttpStatusCode status) => (int)status switch
    {
        400 => "Bad Request",
        401 => "Unauthorized",
        402 => "Payment Required",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        407 => "Proxy Authentication Required",
        408 => "Request Timeout",
        409 => "Conflict",
        410 => "Gone",
        411 => "Length Required",
        412 => "Precondition Failed",
        413 => "Content Too Large",
        414 => "URI Too Long",
        415 => "Unsupported Media Type",
        416 => "Range Not Satisfiable",
        417 => "Expectation Failed",
        421 => "Misdirected Request",
        422 => "Unprocessable Content",
        425 => "Too Early",
        426 => "Upgrade Required",
        428 => "Precondition Required",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        451 => "Unavailable For Legal Reasons",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        505 => "HTTP Version Not Supported",
        _ => null,
    };
}
