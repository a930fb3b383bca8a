namespace StatusAwareHttp.Authentication;

/// <summary>Options of the answers to 401 challenges.</summary>
public sealed class AuthenticationOptions
{
    /// <summary>Gets or sets a value indicating whether 401 challenges are answered. Default: <see langword="true"/>.</summary>
    public bool Enabled { get; set; } = true;
}
