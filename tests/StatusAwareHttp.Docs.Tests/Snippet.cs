using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace StatusAwareHttp.Docs.Tests;

/// <summary>
/// One C# block of the documentation. A block is complete as written: the whole <c>Program.cs</c> of a new console
/// project (<c>dotnet new console</c>, whose implicit usings it may rely on), its <c>using</c> lines included. A block
/// preceded by <c>&lt;!-- snippet: NAME --&gt;</c> has a name; one preceded by <c>&lt;!-- fragment of: NAME --&gt;</c>
/// continues the named block of the same file: its statements are compiled after the named block's statements (and
/// before the types that block declares).
/// </summary>
public sealed record Snippet(string File, int Line, string? Name, string? FragmentOf, string Code)
{
    private const string NameMark = "<!-- snippet:";
    private const string FragmentMark = "<!-- fragment of:";

    /// <summary>Gets the repository's root (the folder of StatusAwareHttp.sln above the test's output).</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>Every C# block of README.md, docs/*.md and the package READMEs, in file order.</summary>
    public static IReadOnlyList<Snippet> All()
    {
        var files = new List<string> { Path.Combine(Root, "README.md") };
        files.AddRange(Directory.GetFiles(Path.Combine(Root, "docs"), "*.md").Order(StringComparer.Ordinal));
        files.AddRange(Directory.GetFiles(Path.Combine(Root, "src"), "PACKAGE.md", SearchOption.AllDirectories).Order(StringComparer.Ordinal));
        return [.. files.SelectMany(Read)];
    }

    /// <summary>Reads the C# blocks of one Markdown file.</summary>
    public static IEnumerable<Snippet> Read(string path)
    {
        var lines = System.IO.File.ReadAllLines(path);
        var relative = Path.GetRelativePath(Root, path).Replace('\\', '/');
        string? mark = null;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.StartsWith("```csharp", StringComparison.Ordinal) || line.StartsWith("```cs", StringComparison.Ordinal) || line.StartsWith("```c#", StringComparison.Ordinal))
            {
                var start = i + 1;
                var end = start;
                while (end < lines.Length && lines[end].Trim() != "```")
                {
                    end++;
                }

                var code = string.Join('\n', lines[start..end]);
                yield return new Snippet(relative, start, Value(mark, NameMark), Value(mark, FragmentMark), code);
                i = end;
                mark = null;
            }
            else if (line.Length > 0)
            {
                mark = line;
            }
        }
    }

    /// <summary>Gets the program this block is compiled as: itself, or the named block it continues followed by it.</summary>
    public string Program(IReadOnlyList<Snippet> all)
    {
        if (FragmentOf is null)
        {
            return Code;
        }

        var whole = all.SingleOrDefault(s => s.File == File && s.Name == FragmentOf)
            ?? throw new InvalidOperationException($"{this} continues '{FragmentOf}', which no block of {File} is named");
        var program = whole.Program(all);
        var root = (CompilationUnitSyntax)CSharpSyntaxTree.ParseText(program).GetRoot();
        var firstType = root.Members.FirstOrDefault(m => m is not GlobalStatementSyntax);
        var at = firstType?.FullSpan.Start ?? program.Length;
        return program[..at] + "\n" + Code + "\n" + program[at..];
    }

    public override string ToString() => $"{File}:{Line}";

    private static string? Value(string? mark, string prefix) =>
        mark is not null && mark.StartsWith(prefix, StringComparison.Ordinal) && mark.EndsWith("-->", StringComparison.Ordinal)
            ? mark[prefix.Length..^3].Trim()
            : null;

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (System.IO.File.Exists(Path.Combine(dir.FullName, "StatusAwareHttp.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("StatusAwareHttp.sln not found above " + AppContext.BaseDirectory);
    }
}
