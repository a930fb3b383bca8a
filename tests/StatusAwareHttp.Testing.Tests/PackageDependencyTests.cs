using System.Reflection;

namespace StatusAwareHttp.Testing.Tests;

/// <summary>The package works under xunit, NUnit and MSTest alike: it references none of them.</summary>
public sealed class PackageDependencyTests
{
    [Fact]
    public void The_package_references_no_test_framework()
    {
        var package = Assembly.Load("StatusAwareHttp.Testing");
        var references = package.GetReferencedAssemblies().Select(a => a.Name ?? "").ToList();

        Assert.DoesNotContain(references, name =>
            name.StartsWith("xunit", StringComparison.OrdinalIgnoreCase)
            || name.StartsWith("nunit", StringComparison.OrdinalIgnoreCase)
            || name.StartsWith("Microsoft.VisualStudio.TestPlatform", StringComparison.OrdinalIgnoreCase)
            || name.StartsWith("MSTest", StringComparison.OrdinalIgnoreCase));
    }
}
