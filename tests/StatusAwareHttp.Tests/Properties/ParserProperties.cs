using System.Net;
using System.Net.Http.Headers;
using System.Text;
using CsCheck;
using StatusAwareHttp.Tests.Infrastructure;
using StatusAwareHttp.Authentication.Internal;
using StatusAwareHttp.Caching.Distributed.Internal;
using StatusAwareHttp.Caching.Internal;
using StatusAwareHttp.Downloads.Internal;
using StatusAwareHttp.Errors.Internal;
using StatusAwareHttp.Internal;
using StatusAwareHttp.Tests.Internal;

namespace StatusAwareHttp.Tests.Properties;

/// <summary>
/// Generated input for every parser (CsCheck): any text or bytes (obs-text, controls, huge numbers, 64 KiB values)
/// give a result or the parser's documented "invalid", never an exception; and writer then reader gives back what was
/// written. Each property runs <see cref="Iterations"/> cases from a fixed seed on one thread, so a run is repeatable.
/// </summary>
public sealed class ParserProperties
{
    private const int Iterations = 3000;

    private static readonly DateTimeOffset s_now = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Characters that matter to header parsers: separators, quotes, digits, controls, obs-text, and any char.</summary>
    private static readonly Gen<char> s_headerChar = Gen.Frequency(
        (6, Gen.Char["\"\\,;=:/ \t-+*0123456789WwGgMmTt"]),
        (4, Gen.Char['a', 'z']),
        (2, Gen.Char[' ', '~']),
        (1, Gen.Char['\0', '\u001F']),
        (2, Gen.Char['\u0080', '\u00FF']),
        (1, Gen.Char));

    /// <summary>Header-like text: mostly short, sometimes up to 64 KiB, sometimes built of known words and huge numbers.</summary>
    private static readonly Gen<string> s_headerText = Gen.Frequency(
        (8, s_headerChar.Array[0, 80].Select(chars => new string(chars))),
        (3, Gen.Select(Words().Array[0, 12], s_headerChar.Array[0, 4], (words, glue) => string.Join(new string(glue), words))),
        (1, Gen.Select(s_headerChar, Gen.Int[1, 64 * 1024], (c, n) => new string(c, n))),
        (1, Gen.Select(s_headerChar.Array[0, 64 * 1024], chars => new string(chars))));

    private static readonly Gen<byte[]> s_bytes = Gen.Frequency(
        (8, Gen.Byte.Array[0, 200]),
        (1, Gen.Byte.Array[0, 64 * 1024]));

    private static Gen<string> Words() => Gen.OneOf(
        "max-age", "s-maxage", "no-cache", "no-store", "private", "public", "must-revalidate", "stale-if-error",
        "stale-while-revalidate", "=", "\"", "99999999999999999999999", "-1", "0", "2147483648", "Digest", "Basic",
        "Bearer", "realm", "nonce", "qop", "algorithm", "SHA-256", "stale", "true", "Sun, 06 Nov 1994 08:49:37 GMT",
        "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994", "gmt", "bytes", "*", "/", "GET", "\u00E9", "\u00C3\u00A9");

    private static void Sample<T>(Gen<T> gen, Action<T> property) =>
        gen.Check(property, Iterations);

    [Fact]
    public void Cache_Control_directives_parse_any_text()
    {
        Sample(s_headerText, text =>
        {
            var directives = CacheDirectives.Empty;
            directives.ParseLine(text);
            _ = CacheDirectives.ParseDeltaSeconds(text);
        });
    }

    [Fact]
    public void A_stored_response_parses_any_header_lines()
    {
        var lines = Gen.Select(
                Gen.OneOf("Cache-Control", "Date", "Expires", "Last-Modified", "ETag", "Age", "Vary", "Content-Length", "Set-Cookie", "Pragma", "X"),
                s_headerText,
                (name, value) => new KeyValuePair<string, string>(name, value))
            .List[0, 8];
        Sample(Gen.Select(Gen.Int[100, 999], lines), pair =>
        {
            var stored = ResponseFields.Parse(pair.Item1, pair.Item2, TestClock.Received);

            // A validator the library keeps can always be sent back as a request header.
            Assert.True(stored.ETag is null || HeaderText.IsSendable(stored.ETag));
            Assert.True(stored.LastModifiedRaw is null || HeaderText.IsSendable(stored.LastModifiedRaw));
        });
    }

    [Fact]
    public void Cache_Status_gives_a_status_or_null_for_any_header_bytes()
    {
        // Pieces of Cache-Status members (RFC 9211, RFC 8941 items of every kind), glued by any header characters.
        var pieces = Gen.OneOf(
            "StatusAwareHttp", "\"StatusAwareHttp\"", "CDN", ";", "; ", ",", ", ", "\t", " ", "=", "hit", "fwd", "fwd-status",
            "ttl", "stored", "collapsed", "key", "detail", "uri-miss", "stale", "?0", "?1", "?", "-", "0", "304", "-5",
            "999999999999999", "9999999999999999", "1.5", "1.2345", "\"", "\\", "\"a\\\"b\"", ":AQID:", ":", "@1", "@", "%\"a%c3\"", "%\"",
            "(", ")", "(a b)", "*", "é");
        var members = Gen.Frequency(
            (4, Gen.Select(pieces.Array[0, 24], s_headerChar.Array[0, 2], (words, glue) => string.Join(new string(glue), words))),
            (2, s_bytes.Select(bytes => System.Text.Encoding.Latin1.GetString(bytes))),
            (1, s_headerText));
        Sample(members, line =>
        {
            var status = CacheStatusParser.ParseLast(line, name => name == "StatusAwareHttp");
            Assert.True(status is null || status.CacheName == "StatusAwareHttp");

            // The same bytes as a response's field line, read by the public extension.
            using var response = new HttpResponseMessage();
            if (response.Headers.TryAddWithoutValidation("Cache-Status", line))
            {
                _ = response.GetCacheStatus();
            }
        });
    }

    [Fact]
    public void RateLimit_fields_give_a_reading_or_ignored_for_any_header_bytes()
    {
        // Pieces of RateLimit and RateLimit-Policy items (draft-ietf-httpapi-ratelimit-headers-11; RFC 9651 items),
        // glued by any header characters, and any bytes: a reading, or "malformed" (ignored); never an exception.
        var pieces = Gen.OneOf(
            "\"default\"", "\"a\"", "default", ";", "; ", ",", ", ", "\t", " ", "=", "r", "t", "q", "w", "pk", "qu", "r=0", "t=2",
            "q=5", "w=2", ":cHsdsRa894==:", ":", "-1", "0", "999999999999999", "9999999999999999", "1.5", "?1", "\"", "\\",
            "@1", "%\"a\"", "(", ")", "(\"a\")", "*", "é");
        var lines = Gen.Frequency(
            (4, Gen.Select(pieces.Array[0, 24], s_headerChar.Array[0, 2], (words, glue) => string.Join(new string(glue), words))),
            (2, s_bytes.Select(bytes => System.Text.Encoding.Latin1.GetString(bytes))),
            (1, s_headerText));
        Sample(Gen.Select(lines, lines, Gen.Enum<StatusAwareHttp.XRateLimitReset>()), input =>
        {
            var (limit, policy, reset) = input;
            var limits = new List<StatusAwareHttp.Retries.Internal.RateLimit.ServiceLimit>();
            if (!StatusAwareHttp.Retries.Internal.RateLimit.RateLimitFieldParser.TryParseLimits([limit], limits))
            {
                Assert.Empty(limits);
            }

            Assert.All(limits, l => Assert.True(l.Remaining >= 0 && l.ResetSeconds is null or >= 0));
            _ = StatusAwareHttp.Retries.Internal.RateLimit.RateLimitFieldParser.TryParsePolicies([policy], []);

            using var response = new HttpResponseMessage();
            response.Headers.TryAddWithoutValidation("RateLimit", limit);
            response.Headers.TryAddWithoutValidation("RateLimit-Policy", policy);
            response.Headers.TryAddWithoutValidation("X-RateLimit-Remaining", policy);
            response.Headers.TryAddWithoutValidation("X-RateLimit-Reset", limit);
            var reading = StatusAwareHttp.Retries.Internal.RateLimit.QuotaFieldReader.Read(response, reset, s_now);
            Assert.True(reading.Kind != StatusAwareHttp.Retries.Internal.RateLimit.QuotaReadingKind.Read || reading.Reports.Count > 0);
            response.Headers.Remove("RateLimit");
            _ = StatusAwareHttp.Retries.Internal.RateLimit.QuotaFieldReader.Read(response, reset, s_now);
        });
    }

    [Fact]
    public void HTTP_dates_parse_any_text_and_a_formatted_date_reads_back()
    {
        Sample(s_headerText, text => _ = HttpDate.TryParse(text, TestClock.Received, out _));

        var dates = Gen.Long[DateTimeOffset.UnixEpoch.Ticks, new DateTimeOffset(9999, 1, 1, 0, 0, 0, TimeSpan.Zero).Ticks]
            .Select(ticks => new DateTimeOffset(ticks - (ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero));
        Sample(dates, date =>
        {
            Assert.True(HttpDate.TryParse(HttpDate.Format(date), TestClock.Received, out var back));
            Assert.Equal(date, back);
        });
    }

    [Fact]
    public void Retry_After_parses_any_text_to_a_delay_that_is_never_negative()
    {
        Sample(s_headerText, text =>
        {
            if (RetryAfterParser.TryParse(text, s_now, out var delay))
            {
                Assert.True(delay >= TimeSpan.Zero);
            }
        });
    }

    [Fact]
    public void WWW_Authenticate_and_Digest_challenges_parse_any_text()
    {
        Sample(s_headerText, text =>
        {
            foreach (var challenge in ChallengeParser.Parse(text))
            {
                if (DigestScheme.TryRead(challenge) is { } digest)
                {
                    _ = DigestScheme.Strength(digest);
                    _ = DigestScheme.Parameters(digest, "alice", "wonderland", "GET", "/", "0a4f113b", 1);
                }
            }
        });
    }

    [Fact]
    public void Content_Range_decisions_take_any_header_and_offsets()
    {
        var responses = Gen.Select(
            Gen.Int[100, 599],
            s_headerText,
            Gen.Long,
            Gen.Long[-1, long.MaxValue],
            Gen.Bool);
        Sample(responses, r =>
        {
            var (status, contentRange, offset, expected, withValidator) = r;
            var range = ContentRangeHeaderValue.TryParse(contentRange, out var parsed) ? parsed : null;
            var validator = withValidator ? new ResumeValidator(new EntityTagHeaderValue("\"v\""), null) : null;
            var request = new RangeRequest(Math.Max(0, offset), offset > 0 ? validator ?? new ResumeValidator(null, s_now) : validator, expected < 0 ? null : expected);
            var response = new RangeResponse((HttpStatusCode)status, range, "text/plain", expected < 0 ? null : expected, null, s_now, s_now, false, false);
            _ = RangePolicy.Decide(request, response);
        });
    }

    [Fact]
    public void Allow_parses_any_text()
    {
        Sample(s_headerText.List[0, 4], values => Assert.All(AllowParser.Parse(values), method => Assert.False(string.IsNullOrEmpty(method))));
    }

    [Fact]
    public void Problem_details_parse_any_bytes()
    {
        var json = Gen.Frequency(
            (3, s_bytes),
            (2, s_headerText.Select(text => Encoding.Latin1.GetBytes(text))),
            (2, Gen.Select(Gen.OneOf("title", "detail", "status", "type", "instance", "x"), s_headerText, (name, value) =>
                Encoding.Latin1.GetBytes("{\"" + name + "\":\"" + value + "\",\"status\":" + value.Length + "}"))));
        Sample(json, bytes => _ = ProblemParser.TryParse(bytes));
    }

    [Fact]
    public void The_distributed_entry_format_reads_any_bytes_as_entries_or_an_error()
    {
        Sample(s_bytes, bytes =>
        {
            var read = HttpCacheEntryFormat.TryRead(bytes, out var entries, out var error);
            Assert.Equal(read, entries is not null);
            Assert.Equal(read, error is null);
        });

        // A valid head followed by generated bytes reaches the field checks, not just the magic.
        Sample(s_bytes, tail =>
        {
            var payload = new byte[9 + tail.Length];
            "SAHC"u8.CopyTo(payload);
            payload[4] = 1;
            BitConverter.TryWriteBytes(payload.AsSpan(5), (uint)tail.Length);
            tail.CopyTo(payload, 9);
            _ = HttpCacheEntryFormat.TryRead(payload, out _, out _);
        });
    }

    [Fact]
    public void The_distributed_entry_format_reads_back_what_it_wrote()
    {
        var text = s_headerChar.Array[0, 40].Select(chars => new string(chars));
        var entry = Gen.Select(
            Gen.Int[100, 999],
            Gen.Select(text.Where(t => t.Length > 0), text, (n, v) => new KeyValuePair<string, string>(n, v)).List[0, 6],
            Gen.Byte.Array[0, 300],
            Gen.Long[0, DateTime.MaxValue.Ticks],
            Gen.Long[0, DateTime.MaxValue.Ticks],
            Gen.Select(text.Where(t => t.Length > 0), text.Null(), (n, v) => new KeyValuePair<string, string?>(n, v)).List[0, 3],
            (status, headers, body, request, response, vary) =>
                new HttpCacheEntry(status, headers, body, new DateTimeOffset(request, TimeSpan.Zero), new DateTimeOffset(response, TimeSpan.Zero), vary));
        Sample(entry.List[1, 4], entries =>
        {
            Assert.True(HttpCacheEntryFormat.TryRead(HttpCacheEntryFormat.Write(entries), out var back, out var error), error);
            Assert.Equal(entries.Count, back!.Count);
            for (var i = 0; i < entries.Count; i++)
            {
                Assert.Equal(entries[i].StatusCode, back[i].StatusCode);
                Assert.Equal(entries[i].Headers, back[i].Headers);
                Assert.Equal(entries[i].Body.ToArray(), back[i].Body.ToArray());
                Assert.Equal(entries[i].RequestTime, back[i].RequestTime);
                Assert.Equal(entries[i].ResponseTime, back[i].ResponseTime);
                Assert.Equal(entries[i].VaryHeaders, back[i].VaryHeaders);
            }
        });
    }

    [Fact]
    public void The_download_sidecar_parses_any_text_and_reads_back_what_it_wrote()
    {
        var lines = Gen.Select(Gen.OneOf("uri", "uri-sha256", "etag", "last-modified", "length", "x"), s_headerText, (n, v) => n + ": " + v).List[0, 6];
        Sample(lines, l => _ = Sidecar.Parse(string.Join('\n', l.Prepend(SidecarHeader()))));
        Sample(s_headerText, text => _ = Sidecar.Parse(text));

        var uri = new Uri("https://example.org/file.bin?token=secret");
        var sidecars = Gen.Select(Gen.Bool, Gen.Char['a', 'z'].Array[1, 20], Gen.Long[0, long.MaxValue].Nullable(), (byTag, tag, length) =>
            Sidecar.For(uri, byTag ? new ResumeValidator(new EntityTagHeaderValue("\"" + new string(tag) + "\""), null) : new ResumeValidator(null, s_now), length));
        Sample(sidecars, sidecar =>
        {
            var back = Sidecar.Parse(sidecar.Format(uri));
            Assert.NotNull(back);
            Assert.Equal(sidecar.UriHash, back.UriHash);
            Assert.Equal(sidecar.TotalLength, back.TotalLength);
            Assert.Equal(sidecar.Validator.ETag?.Tag, back.Validator.ETag?.Tag);
            Assert.Equal(sidecar.Validator.LastModified, back.Validator.LastModified);
        });
    }

    private static string SidecarHeader() => Sidecar.For(new Uri("https://example.org/"), new ResumeValidator(null, s_now), null).Format(new Uri("https://example.org/")).Split('\n')[0];
}
