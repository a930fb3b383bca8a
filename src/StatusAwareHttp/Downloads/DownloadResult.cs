using System.Net.Http.Headers;

namespace StatusAwareHttp;

/// <summary>What a download did: how many bytes it fetched, whether it resumed or restarted, the final length and validator.</summary>
public sealed class DownloadResult
{
    internal DownloadResult(
        Uri uri,
        long length,
        long bytesFetched,
        long startOffset,
        int resumes,
        int restarts,
        int requests,
        bool alreadyComplete,
        EntityTagHeaderValue? eTag,
        DateTimeOffset? lastModified)
    {
        Uri = uri;
        Length = length;
        BytesFetched = bytesFetched;
        StartOffset = startOffset;
        Resumes = resumes;
        Restarts = restarts;
        Requests = requests;
        AlreadyComplete = alreadyComplete;
        ETag = eTag;
        LastModified = lastModified;
    }

    /// <summary>Gets the absolute URI that was requested (before any redirect).</summary>
    public Uri Uri { get; }

    /// <summary>Gets the final length of the destination, which is the length of the whole representation.</summary>
    public long Length { get; }

    /// <summary>Gets the body bytes received by this call, including any that were discarded by a restart.</summary>
    public long BytesFetched { get; }

    /// <summary>
    /// Gets the bytes kept from an earlier run (a partial file with its sidecar) and used in the result; 0 when the call
    /// started from zero, or when it discarded them (the file changed, or the server could not resume it).
    /// </summary>
    public long StartOffset { get; }

    /// <summary>Gets the number of 206 answers that continued bytes already in the destination (from an earlier run or a dropped connection).</summary>
    public int Resumes { get; }

    /// <summary>
    /// Gets the number of times bytes already in the destination were discarded and the download started from zero:
    /// a partial file without a usable sidecar, a 200 answer to a range request, a changed file, or an invalid 206.
    /// </summary>
    public int Restarts { get; }

    /// <summary>Gets the number of requests sent.</summary>
    public int Requests { get; }

    /// <summary>Gets a value indicating whether the destination was already whole (416 with a matching complete length).</summary>
    public bool AlreadyComplete { get; }

    /// <summary>Gets a value indicating whether bytes from an earlier run or an earlier attempt were continued with a range request.</summary>
    public bool Resumed => Resumes > 0;

    /// <summary>Gets a value indicating whether bytes were discarded and the download started again from zero.</summary>
    public bool Restarted => Restarts > 0;

    /// <summary>Gets the entity tag of the representation as last sent, or <see langword="null"/> when the server sent none.</summary>
    public EntityTagHeaderValue? ETag { get; }

    /// <summary>Gets the <c>Last-Modified</c> date of the representation as last sent, or <see langword="null"/> when the server sent none.</summary>
    public DateTimeOffset? LastModified { get; }
}
