namespace StatusAwareHttp.Testing;

/// <summary>
/// The bytes given to <see cref="HarRecording"/> are not a HAR 1.2 log it can replay: not UTF-8 JSON, no
/// <c>log.entries</c>, an entry without a request method, an absolute URL, a response status or a start time, or
/// content whose <c>encoding</c> is not <c>base64</c> (or whose base64 is invalid). The message names the first fault
/// and where it is (<c>log.entries[3].request.url</c>).
/// </summary>
public sealed class HarFormatException : FormatException
{
    /// <summary>Creates the exception with the default message.</summary>
    public HarFormatException()
        : this("The input is not a valid HAR 1.2 log.")
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    /// <param name="message">What is wrong, and where.</param>
    public HarFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and the error that revealed it.</summary>
    /// <param name="message">What is wrong, and where.</param>
    /// <param name="innerException">The reader's own error (a <c>JsonException</c>, for example).</param>
    public HarFormatException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
