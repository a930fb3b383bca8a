using Microsoft.AspNetCore.Http;

namespace StatusAwareHttp.Testing.Internal;

/// <summary>
/// The answer to a request no declared route of a <see cref="TestOrigin"/> matches (such as a recording replayed):
/// it sees the whole request (method, target, fields, content, already read) and writes the status, fields and body
/// of the answer to <see cref="HttpResponse"/> itself. Set with <see cref="TestOrigin.Fallback"/>.
/// </summary>
internal interface ITestOriginFallback
{
    /// <summary>Answers <paramref name="request"/>; returns <see langword="false"/> without writing anything when it has no answer (the origin then answers 404).</summary>
    /// <param name="request">The request as it arrived (recorded in the origin's <see cref="TestOrigin.Requests"/>).</param>
    /// <param name="response">Kestrel's response: set <see cref="HttpResponse.StatusCode"/> and fields, then write the body.</param>
    /// <param name="cancellationToken">Signalled when the client goes away or the origin stops.</param>
    ValueTask<bool> TryAnswerAsync(ReceivedRequest request, HttpResponse response, CancellationToken cancellationToken);
}
