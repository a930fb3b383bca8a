using Microsoft.Extensions.Configuration;

namespace StatusAwareHttp.Shared;

/// <summary>
/// Strict binding of the library's configuration sections: a key that the options do not have (a misspelled
/// <c>MaxRetry</c>, a section named <c>Retry</c>) fails when the options are made, that is at start-up, with the key's
/// full path, instead of being ignored. Compiled into each package that binds options (shared source: the packages
/// see none of each other's internals).
/// </summary>
internal static class ConfigurationKeys
{
    /// <summary>Gets binder options that fail on a key the bound type does not have (at any depth).</summary>
    public static Action<BinderOptions> Strict { get; } = static o => o.ErrorOnUnknownConfiguration = true;

    /// <summary>Runs <paramref name="bind"/> on <paramref name="section"/>, naming the section's path in a failure to bind.</summary>
    public static void Bind(IConfigurationSection section, Action<IConfigurationSection> bind)
    {
        try
        {
            bind(section);
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidOperationException($"The configuration section '{section.Path}' could not be bound: {e.Message}", e);
        }
    }

    /// <summary>Throws when <paramref name="section"/> has a child key other than <paramref name="known"/> (compared as configuration does, ignoring case).</summary>
    public static void ThrowOnUnknown(IConfigurationSection section, IReadOnlyCollection<string> known)
    {
        foreach (var child in section.GetChildren())
        {
            if (!known.Contains(child.Key, StringComparer.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException(
                    $"The configuration key '{child.Path}' is not a setting of StatusAwareHttp; the keys of '{section.Path}' are {string.Join(", ", known)}.");
            }
        }
    }
}
