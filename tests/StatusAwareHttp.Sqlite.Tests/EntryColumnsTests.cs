using StatusAwareHttp.Sqlite.Internal;

namespace StatusAwareHttp.Sqlite.Tests;

/// <summary>The header and Vary columns: round trips, and any bytes read as a result or "unreadable", never an exception.</summary>
public sealed class EntryColumnsTests
{
    [Fact]
    public void Headers_and_vary_values_round_trip_byte_for_byte()
    {
        KeyValuePair<string, string>[] headers = [new("ETag", "W/\"\u00e9t\u00e9\""), new("Cache-Control", "max-age=60"), new("X-Empty", "")];
        KeyValuePair<string, string?>[] vary = [new("accept-language", "en"), new("cookie", null)];
        Assert.True(EntryColumns.TryReadHeaders(EntryColumns.WriteHeaders(headers), out var readHeaders));
        Assert.True(EntryColumns.TryReadVary(EntryColumns.WriteVary(vary), out var readVary));
        Assert.Equal(headers, readHeaders);
        Assert.Equal(vary, readVary);
    }

    [Fact]
    public void Any_bytes_read_as_columns_or_as_unreadable_never_throw()
    {
        // Generated input with a fixed seed: random bytes, and valid columns cut short or with a byte changed.
        var random = new Random(15);
        var valid = EntryColumns.WriteHeaders([new("Content-Type", "text/plain"), new("Date", "Tue, 01 Dec 2026 12:00:00 GMT")]);
        for (var i = 0; i < 20_000; i++)
        {
            byte[] input;
            switch (i % 3)
            {
                case 0:
                    input = new byte[random.Next(0, 64)];
                    random.NextBytes(input);
                    if (input.Length > 0)
                    {
                        input[0] = 1;
                    }

                    break;
                case 1:
                    input = valid[..random.Next(0, valid.Length)];
                    break;
                default:
                    input = (byte[])valid.Clone();
                    input[random.Next(input.Length)] = (byte)random.Next(256);
                    break;
            }

            _ = EntryColumns.TryReadHeaders(input, out _);
            _ = EntryColumns.TryReadVary(input, out _);
        }
    }
}
