namespace Pipeline.Tests.TestSupport;

/// <summary>Files the tests ship with, found next to the test assembly (copied there by the csproj).</summary>
internal static class RepoPaths
{
    public static string TestData(params string[] parts) => Path.Combine([AppContext.BaseDirectory, .. parts]);
}
