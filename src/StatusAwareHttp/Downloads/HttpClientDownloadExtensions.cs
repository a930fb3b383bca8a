using System.Runtime.CompilerServices;
using StatusAwareHttp.Downloads.Internal;

namespace StatusAwareHttp;

/// <summary>
/// Resumable downloads with <c>Range</c> and <c>If-Range</c> (RFC 9110 §14) on any <see cref="HttpClient"/>, and
/// especially one with <c>AddStatusHandling</c>, whose redirects carry <c>Range</c> and <c>If-Range</c> to the file.
/// </summary>
public static class HttpClientDownloadExtensions
{
    /// <summary>
    /// Downloads <paramref name="uri"/> to the file at <paramref name="path"/>, continuing a partial file left by an
    /// earlier run when its sidecar (<c>&lt;path&gt;.download</c>) names the same URI and a validator the server still
    /// has, and resuming after a dropped connection. Bytes of two versions of the resource are never put together.
    /// </summary>
    /// <param name="client">The client; its handlers (redirects, authentication, ...) apply to every request.</param>
    /// <param name="uri">What to download; relative to <see cref="HttpClient.BaseAddress"/> when it is relative.</param>
    /// <param name="path">The file to write. While <c>&lt;path&gt;.download</c> exists, the file is partial.</param>
    /// <param name="progress">
    /// Where progress is reported (at most every 100 ms, and once at the end). Default: none. A <see langword="null"/>
    /// literal here picks this overload (no progress, default options), not the one taking <see cref="DownloadOptions"/>.
    /// </param>
    /// <param name="cancellationToken">Stops the download; the partial file and its sidecar stay, ready to be resumed.</param>
    /// <returns>What happened: the final length, bytes fetched, whether the file was resumed or restarted, the validator.</returns>
    /// <exception cref="DownloadException">The server answered with an error status, a multipart range, or inconsistent ranges.</exception>
    /// <exception cref="IOException">The connection kept dropping after <see cref="DownloadOptions.MaxRetries"/> retries (or the disk failed).</exception>
    /// <exception cref="HttpRequestException">No connection could be made after <see cref="DownloadOptions.MaxRetries"/> retries.</exception>
    [OverloadResolutionPriority(1)]
    public static Task<DownloadResult> DownloadToFileAsync(
        this HttpClient client,
        Uri uri,
        string path,
        IProgress<DownloadProgress>? progress = null,
        CancellationToken cancellationToken = default) =>
        DownloadToFileAsync(client, uri, path, new DownloadOptions { Progress = progress }, cancellationToken);

    /// <summary>
    /// Downloads <paramref name="uri"/> to the file at <paramref name="path"/> as
    /// <see cref="DownloadToFileAsync(HttpClient, Uri, string, IProgress{DownloadProgress}?, CancellationToken)"/> does,
    /// with <paramref name="options"/> (progress interval, retries, clock, logger, meter).
    /// </summary>
    /// <param name="client">The client; its handlers (redirects, authentication, ...) apply to every request.</param>
    /// <param name="uri">What to download; relative to <see cref="HttpClient.BaseAddress"/> when it is relative.</param>
    /// <param name="path">The file to write. While <c>&lt;path&gt;.download</c> exists, the file is partial.</param>
    /// <param name="options">The options of this download.</param>
    /// <param name="cancellationToken">Stops the download; the partial file and its sidecar stay, ready to be resumed.</param>
    /// <returns>What happened: the final length, bytes fetched, whether the file was resumed or restarted, the validator.</returns>
    public static async Task<DownloadResult> DownloadToFileAsync(
        this HttpClient client,
        Uri uri,
        string path,
        DownloadOptions options,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(uri);
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();

        var absolute = Absolute(client, uri);
        var fullPath = Path.GetFullPath(path);
        var sidecarPath = Sidecar.PathFor(fullPath);
        var existed = File.Exists(fullPath);
        var completed = false;
        try
        {
            var file = new FileStream(fullPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, bufferSize: 0, FileOptions.Asynchronous);
            await using (file.ConfigureAwait(false))
            {
                var result = await Downloader.RunAsync(client, absolute, new DownloadTarget(file, sidecarPath), options, cancellationToken).ConfigureAwait(false);
                completed = true;
                return result;
            }
        }
        finally
        {
            if (!completed && !existed)
            {
                RemoveIfEmpty(fullPath, sidecarPath);
            }
        }
    }

    /// <summary>
    /// Downloads <paramref name="uri"/> into <paramref name="destination"/>, from position 0 (the stream is emptied
    /// first), resuming after a dropped connection while the validator matches, and starting again from zero when
    /// the resource changed. A stream keeps no sidecar: to survive a restart of the process, download to a file.
    /// </summary>
    /// <param name="client">The client; its handlers (redirects, authentication, ...) apply to every request.</param>
    /// <param name="uri">What to download; relative to <see cref="HttpClient.BaseAddress"/> when it is relative.</param>
    /// <param name="destination">A stream that can write, seek and change its length.</param>
    /// <param name="progress">
    /// Where progress is reported (at most every 100 ms, and once at the end). Default: none. A <see langword="null"/>
    /// literal here picks this overload (no progress, default options), not the one taking <see cref="DownloadOptions"/>.
    /// </param>
    /// <param name="cancellationToken">Stops the download.</param>
    /// <returns>What happened: the final length, bytes fetched, whether it resumed or restarted, the validator.</returns>
    [OverloadResolutionPriority(1)]
    public static Task<DownloadResult> DownloadToStreamAsync(
        this HttpClient client,
        Uri uri,
        Stream destination,
        IProgress<DownloadProgress>? progress = null,
        CancellationToken cancellationToken = default) =>
        DownloadToStreamAsync(client, uri, destination, new DownloadOptions { Progress = progress }, cancellationToken);

    /// <summary>
    /// Downloads <paramref name="uri"/> into <paramref name="destination"/> as
    /// <see cref="DownloadToStreamAsync(HttpClient, Uri, Stream, IProgress{DownloadProgress}?, CancellationToken)"/> does,
    /// with <paramref name="options"/>.
    /// </summary>
    /// <param name="client">The client; its handlers (redirects, authentication, ...) apply to every request.</param>
    /// <param name="uri">What to download; relative to <see cref="HttpClient.BaseAddress"/> when it is relative.</param>
    /// <param name="destination">A stream that can write, seek and change its length.</param>
    /// <param name="options">The options of this download.</param>
    /// <param name="cancellationToken">Stops the download.</param>
    /// <returns>What happened: the final length, bytes fetched, whether it resumed or restarted, the validator.</returns>
    public static Task<DownloadResult> DownloadToStreamAsync(
        this HttpClient client,
        Uri uri,
        Stream destination,
        DownloadOptions options,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(uri);
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(options);
        if (!destination.CanWrite || !destination.CanSeek)
        {
            throw new ArgumentException("The destination stream must be writable and seekable.", nameof(destination));
        }

        options.Validate();
        var absolute = Absolute(client, uri);
        destination.SetLength(0);
        destination.Position = 0;
        return Downloader.RunAsync(client, absolute, new DownloadTarget(destination, sidecarPath: null), options, cancellationToken);
    }

    /// <summary>A failed first call leaves no empty file behind (a partial one, with its sidecar, stays to be resumed).</summary>
    private static void RemoveIfEmpty(string path, string sidecarPath)
    {
        try
        {
            if (new FileInfo(path) is { Exists: true, Length: 0 } && !File.Exists(sidecarPath))
            {
                File.Delete(path);
            }
        }
        catch (IOException)
        {
            // Best effort: the original failure is what the caller needs to see.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static Uri Absolute(HttpClient client, Uri uri)
    {
        if (uri.IsAbsoluteUri)
        {
            return uri;
        }

        return client.BaseAddress is { } baseAddress
            ? new Uri(baseAddress, uri)
            : throw new ArgumentException("A relative URI needs HttpClient.BaseAddress.", nameof(uri));
    }
}
