using System.Net;

namespace StatusAwareHttp;

/// <summary>Why a download was stopped with a <see cref="DownloadException"/>.</summary>
public enum DownloadFailureReason
{
    /// <summary>The server answered with a status other than 200, 206 or 416 (see <see cref="HttpRequestException.StatusCode"/>).</summary>
    UnexpectedStatus,

    /// <summary>The server answered a single range with <c>multipart/byteranges</c>, which a download never asks for (RFC 9110 §14.6).</summary>
    MultipartByteRanges,

    /// <summary>The server kept answering with a <c>Content-Range</c> that does not match the request, even after a restart from zero.</summary>
    InvalidRange,

    /// <summary>The downloaded length does not match the total length the server announced.</summary>
    LengthMismatch,

    /// <summary>
    /// The file does not match the <c>Repr-Digest</c> the server announced (RFC 9530 §3), checked after a resume, even
    /// once downloaded again from byte 0.
    /// </summary>
    DigestMismatch,
}

/// <summary>
/// A download that cannot go on: an error status, a <c>multipart/byteranges</c> answer, or a server whose ranges or
/// lengths stay inconsistent. The partial file and its sidecar are left as they were, so a later call can resume when
/// the validator still matches. A dropped connection that outlasts the retries surfaces as the original
/// <see cref="IOException"/> or <see cref="HttpRequestException"/> instead.
/// </summary>
public sealed class DownloadException : HttpRequestException
{
    internal DownloadException(DownloadFailureReason reason, string message, HttpStatusCode? statusCode = null)
        : base(message, null, statusCode)
    {
        Reason = reason;
    }

    /// <summary>Gets why the download was stopped.</summary>
    public DownloadFailureReason Reason { get; }
}
