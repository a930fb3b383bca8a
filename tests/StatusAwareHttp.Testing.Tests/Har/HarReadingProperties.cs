using System.Text;
using CsCheck;
using StatusAwareHttp.Tests.Infrastructure;

namespace StatusAwareHttp.Testing.Tests.Har;

/// <summary>
/// Generated input for the HAR reader (CsCheck, fixed seed, one thread): any bytes are a recording or a
/// <see cref="HarFormatException"/>, never another exception.
/// </summary>
public sealed class HarReadingProperties
{
    private const int Iterations = 3000;

    private static readonly byte[][] s_files =
        [Encoding.UTF8.GetBytes(HarSamples.Chrome), Encoding.UTF8.GetBytes(HarSamples.Firefox), Encoding.UTF8.GetBytes(HarSamples.Playwright)];

    private static readonly Gen<string> s_words = Gen.OneOf(
        "{", "}", "[", "]", ",", ":", "\"", "null", "true", "-1", "1e999", "0.5", "\"log\"", "\"entries\"", "\"request\"",
        "\"response\"", "\"method\"", "\"url\"", "\"status\"", "\"content\"", "\"text\"", "\"encoding\"", "\"base64\"",
        "\"startedDateTime\"", "\"headers\"", "\"name\"", "\"value\"", "\"GET\"", "\"http://a/\"", "\"2026-01-01T00:00:00Z\"",
        "\\u0000", "\\ud800", "\uFEFF", "/*", "*/");

    /// <summary>Valid files cut, with bytes changed, or with JSON words spliced in; and plain random bytes.</summary>
    private static readonly Gen<byte[]> s_bytes = Gen.Frequency(
        (3, Gen.Byte.Array[0, 400]),
        (3, s_words.Array[0, 60].Select(words => Encoding.UTF8.GetBytes(string.Concat(words)))),
        (4, Gen.Select(Gen.Int[0, s_files.Length - 1], Gen.Int[0, 5000], Gen.Byte.Array[0, 4], (file, at, noise) =>
        {
            var bytes = s_files[file];
            var cut = Math.Min(at, bytes.Length);
            return bytes[..cut].Concat(noise).Concat(bytes[Math.Min(bytes.Length, cut + noise.Length)..]).ToArray();
        })),
        (3, Gen.Select(Gen.Int[0, s_files.Length - 1], Gen.Int[0, 5000], s_words, (file, at, word) =>
        {
            var bytes = s_files[file];
            var cut = Math.Min(at, bytes.Length);
            return bytes[..cut].Concat(Encoding.UTF8.GetBytes(word)).Concat(bytes[cut..]).ToArray();
        })));

    [Fact]
    public void Any_bytes_are_a_recording_or_a_har_format_exception() =>
        s_bytes.Check(bytes =>
        {
            try
            {
                var recording = HarRecording.Parse(bytes);
                Assert.True(recording.Count >= 0);
                using var stream = new MemoryStream();
                recording.WriteTo(stream);
                Assert.Equal(recording.Count, HarRecording.Parse(stream.ToArray()).Count);
            }
            catch (HarFormatException)
            {
            }
        }, Iterations);
}
