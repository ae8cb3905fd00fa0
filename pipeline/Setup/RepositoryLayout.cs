namespace Pipeline.Cli.Setup;

/// <summary>Where setup finds and puts things inside a checkout.</summary>
public sealed record RepositoryLayout(string Root)
{
    public string NativeSource => Path.Combine(Root, "model", "native");
    public string NativeBuild => Path.Combine(NativeSource, "build");
    public string NativeStamp => Path.Combine(NativeBuild, ".source-hash");
    public string NativeLibtorchStamp => Path.Combine(NativeBuild, ".libtorch");
    public string Oracles => Path.Combine(Root, "tests", "oracles");
    public string OraclesStamp => Path.Combine(Oracles, "node_modules", ".lock-hash");

    /// <summary>The checkout holding <paramref name="start"/>: the nearest folder with Pipeline.sln.</summary>
    public static RepositoryLayout Find(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Pipeline.sln")))
            {
                return new RepositoryLayout(dir.FullName);
            }
        }

        throw new InvalidOperationException(
            $"no Pipeline.sln above '{start}': run setup from inside a checkout of the repository.");
    }
}
