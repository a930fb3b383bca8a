using System.Net.Http.Headers;

namespace StatusAwareHttp.Internal;

/// <summary>
/// Field names compared as HTTP compares them (case-insensitively, RFC 9110 §5.1), against the short lists the handlers
/// keep (sensitive fields, conditional fields, fields a <c>Connection</c> line names).
/// </summary>
internal static class FieldNames
{
    /// <summary>Whether <paramref name="name"/> is one of <paramref name="names"/>.</summary>
    public static bool Contains(string[] names, string name)
    {
        foreach (var known in names)
        {
            if (string.Equals(known, name, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether any field of <paramref name="fields"/> is one of <paramref name="names"/>: one pass over the (few) fields, no lookup by name.</summary>
    public static bool AnyOf(HttpHeadersNonValidated fields, string[] names)
    {
        foreach (var field in fields)
        {
            if (Contains(names, field.Key))
            {
                return true;
            }
        }

        return false;
    }
}
