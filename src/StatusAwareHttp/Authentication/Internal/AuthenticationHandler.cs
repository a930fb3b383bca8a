using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using StatusAwareHttp.Errors.Internal;
using StatusAwareHttp.Internal;

namespace StatusAwareHttp.Authentication.Internal;

/// <summary>
/// Answers 401 (RFC 9110 §11.6.1, §15.5.2) through one <see cref="IChallengeResponder"/>. Credentials go only to the
/// origin the caller sent the request to; one request is answered at most <c>MaxChallengeResponses</c> times and never
/// twice with the same <c>Authorization</c>, so a wrong password ends in the 401. Every dropped 401 is disposed.
/// </summary>
internal sealed class AuthenticationHandler : DelegatingHandler
{
    private readonly AuthenticationOptions _options;
    private readonly IChallengeResponder _responder;
    private readonly AuthenticationMetrics _metrics;
    private readonly ILogger _logger;

    public AuthenticationHandler(AuthenticationOptions options, IChallengeResponder responder, AuthenticationMetrics metrics, ILogger logger)
    {
        _options = options;
        _responder = responder;
        _metrics = metrics;
        _logger = logger;
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        SendCoreAsync(request, async: true, cancellationToken);

    /// <summary>
    /// <see cref="HttpClient.Send(HttpRequestMessage)"/>: the same exchange, each request sent synchronously. A token
    /// provider or authenticator that completes asynchronously is waited on.
    /// </summary>
    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken) =>
        SyncPath.Result(SendCoreAsync(request, async: false, cancellationToken));

    private Task<HttpResponseMessage> Next(HttpRequestMessage request, bool async, CancellationToken cancellationToken) =>
        async ? base.SendAsync(request, cancellationToken) : Task.FromResult(base.Send(request, cancellationToken));

    private async Task<HttpResponseMessage> SendCoreAsync(HttpRequestMessage request, bool async, CancellationToken cancellationToken)
    {
        if (request.RequestUri is not { IsAbsoluteUri: true } uri)
        {
            return await Next(request, async, cancellationToken).ConfigureAwait(false);
        }

        // The first time the handler sees this message is the caller's hop; later ones are redirect hops.
        if (!request.Options.TryGetValue(AuthenticationState.Key, out var state))
        {
            state = new AuthenticationState(AuthenticationState.OriginOf(uri), callerManaged: request.Headers.Authorization is not null);
            request.Options.Set(AuthenticationState.Key, state);
        }

        // The caller's own Authorization is the caller's business.
        if (state.CallerManaged)
        {
            return await Next(request, async, cancellationToken).ConfigureAwait(false);
        }

        var sameOrigin = string.Equals(AuthenticationState.OriginOf(uri), state.Origin, StringComparison.Ordinal);
        if (!sameOrigin)
        {
            // Credentials belong to the origin that asked; a redirect elsewhere never carries ours.
            RemoveOurs(request, state);
            var elsewhere = await Next(request, async, cancellationToken).ConfigureAwait(false);
            if (elsewhere.StatusCode == HttpStatusCode.Unauthorized)
            {
                Log.OtherOrigin(_logger, UriRedaction.Redact(uri), state.Origin);
                _metrics.Refused("other_origin");
            }

            return elsewhere;
        }

        if (request.Headers.Authorization is null)
        {
            var pending = _responder.PreemptAsync(request, state, cancellationToken);
            var preemptive = async ? await pending.ConfigureAwait(false) : SyncPath.Result(pending);
            if (preemptive is not null)
            {
                Put(request, state, preemptive);
            }
        }

        var response = await Next(request, async, cancellationToken).ConfigureAwait(false);
        var sentOurs = state.Added is not null;
        while (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            var answer = await AnswerAsync(request, response, state, async, cancellationToken).ConfigureAwait(false);
            if (answer is null)
            {
                break;
            }

            response.Dispose();
            Put(request, state, answer);
            sentOurs = true;
            state.Responses++;
            cancellationToken.ThrowIfCancellationRequested();
            response = await Next(request, async, cancellationToken).ConfigureAwait(false);
        }

        if (sentOurs)
        {
            _responder.Completed(request, state, accepted: response.StatusCode != HttpStatusCode.Unauthorized);
        }

        return response;
    }

    /// <summary>The credentials to send again with, or <see langword="null"/> to hand the 401 back (logged and counted).</summary>
    private async Task<AuthenticationHeaderValue?> AnswerAsync(HttpRequestMessage request, HttpResponseMessage response, AuthenticationState state, bool async, CancellationToken cancellationToken)
    {
        var uri = UriRedaction.Redact(request.RequestUri);
        if (state.Responses >= _options.MaxChallengeResponses)
        {
            Log.LimitReached(_logger, uri, state.Responses);
            _metrics.Refused("limit");
            return null;
        }

        if (!RequestBody.CanResend(request.Content))
        {
            Log.BodyNotResendable(_logger, uri);
            _metrics.Refused("body_not_resendable");
            return null;
        }

        var challenges = response.Headers.NonValidated.TryGetValues("WWW-Authenticate", out var values) ? ChallengeParser.Parse(values) : [];
        var answering = _responder.AnswerAsync(request, response, challenges, state, cancellationToken);
        var answer = async ? await answering.ConfigureAwait(false) : SyncPath.Result(answering);
        if (answer.Header is null)
        {
            if (answer.Refusal == "basic_over_http")
            {
                Log.BasicOverHttpRefused(_logger, uri);
            }
            else
            {
                Log.NotAnswered(_logger, uri, answer.Scheme, answer.Refusal ?? "declined");
            }

            _metrics.Refused(answer.Refusal ?? "declined");
            return null;
        }

        // The library never builds a header .NET refuses to send (obs-text in a realm or nonce, RFC 9110 §5.5): the 401
        // goes back with its challenges instead of the request failing locally.
        if (!HeaderText.IsSendable(answer.Header.Scheme) || !HeaderText.IsSendable(answer.Header.Parameter))
        {
            Log.ChallengeNotSendable(_logger, uri, answer.Scheme);
            _metrics.Refused("not_ascii");
            return null;
        }

        // The same credentials twice cannot fare better: a wrong password ends in the 401, never a loop.
        if (state.Sent.Contains(answer.Header.ToString()))
        {
            Log.SameCredentials(_logger, uri);
            _metrics.Refused("same_credentials");
            return null;
        }

        Log.Answering(_logger, uri, answer.Scheme, state.Responses + 1);
        _metrics.Answered(answer.Scheme);
        return answer.Header;
    }

    private static void Put(HttpRequestMessage request, AuthenticationState state, AuthenticationHeaderValue header)
    {
        request.Headers.Authorization = header;
        state.Added = header;
        state.Sent.Add(header.ToString());

        // The redirect handler strips what the library added before any hop; this handler adds it again only for the origin.
        StatusAwareRequestOptions.MarkLibraryAdded(request, "Authorization");
    }

    private static void RemoveOurs(HttpRequestMessage request, AuthenticationState state)
    {
        if (state.Added is not null && request.Headers.Authorization is { } current && ReferenceEquals(current, state.Added))
        {
            request.Headers.Authorization = null;
        }
    }
}
