namespace StatusAwareHttp;

/// <summary>How far a download is: the bytes in the destination so far and the total length when it is known.</summary>
/// <param name="BytesDownloaded">
/// The bytes in the destination so far, counting bytes kept from an earlier run. It goes back to 0 when the download
/// restarts from zero (the server answered 200 to a range request, or the file changed).
/// </param>
/// <param name="TotalBytes">The length of the whole representation, or <see langword="null"/> when the server did not say.</param>
public readonly record struct DownloadProgress(long BytesDownloaded, long? TotalBytes)
{
    /// <summary>Gets the fraction done, from 0 to 1, or <see langword="null"/> when the total is not known.</summary>
    public double? Fraction => TotalBytes is > 0 and var total ? (double)BytesDownloaded / total : TotalBytes == 0 ? 1d : null;
}
