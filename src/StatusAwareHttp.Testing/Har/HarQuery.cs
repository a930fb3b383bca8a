namespace StatusAwareHttp.Testing.Har;

/// <summary>A URL's query as HAR lists it (<c>queryString</c>): decoded name and value pairs, in order.</summary>
internal static class HarQuery
{
    public static List<KeyValuePair<string, string>> Parse(string query)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        if (query.StartsWith('?'))
        {
            query = query[1..];
        }

        if (query.Length == 0)
        {
            return pairs;
        }

        foreach (var part in query.Split('&'))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            pairs.Add(equals < 0 ? new(Unescape(part), string.Empty) : new(Unescape(part[..equals]), Unescape(part[(equals + 1)..])));
        }

        return pairs;
    }

    public static string Unescape(string text) => Uri.UnescapeDataString(text.Replace('+', ' '));
}
