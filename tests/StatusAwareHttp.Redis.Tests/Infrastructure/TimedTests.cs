namespace StatusAwareHttp.Redis.Tests.Infrastructure;

/// <summary>
/// The tests that hold a bound on time, run alone (after the others, not beside them) so that the 2-core machine's other
/// tests do not eat their margins.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TimedTests
{
    public const string Name = "timed, alone";
}
