using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace StatusAwareHttp.Sample.Tour;

/// <summary>
/// One feature's part of the tour: the demo origin's routes for it, how it configures the demo client, and its stops.
/// Sections are found by reflection and run in <see cref="Order"/>; add one by adding a class in Sections/.
/// </summary>
internal interface ITourSection
{
    /// <summary>Gets the position of the section in the tour (redirects 100, cache 200, retries 300, errors 400, downloads 500).</summary>
    int Order { get; }

    /// <summary>Gets the section's title.</summary>
    string Title { get; }

    /// <summary>Maps the section's routes on the demo origin (both ports serve the same routes), under a prefix of its own.</summary>
    void MapRoutes(WebApplication origin);

    /// <summary>Changes the demo client's options or registers what the section needs (another named client, say).</summary>
    void ConfigureServices(IServiceCollection services, IHttpClientBuilder demoClient);

    /// <summary>Gets the stops, in order.</summary>
    IReadOnlyList<TourStop> Stops { get; }
}

/// <summary>One stop: what is sent, and the code that sends it and says what happened.</summary>
/// <param name="Name">A short title, such as "303 See Other after POST".</param>
/// <param name="Sent">What the caller sends, such as "POST /redirects/303 (body 11 bytes)".</param>
/// <param name="RunAsync">Sends it through the demo client and reports.</param>
internal sealed record TourStop(string Name, string Sent, Func<TourContext, CancellationToken, Task<StopResult>> RunAsync);

/// <summary>What happened at a stop.</summary>
/// <param name="ServerAnswered">What the origin answered (first answer; hops included where it matters).</param>
/// <param name="LibraryDid">What StatusAwareHttp did with it.</param>
/// <param name="CallerGot">What the calling code got back.</param>
/// <param name="AsDocumented">Whether this is what the README says happens.</param>
internal sealed record StopResult(string ServerAnswered, string LibraryDid, string CallerGot, bool AsDocumented);
