namespace Pipeline.Cli.Setup;

/// <summary>What setup found missing: Debian packages to install, steps to run, and problems only the user can fix.</summary>
public sealed record SetupPlan(
    IReadOnlyList<string> MissingPackages,
    IReadOnlyList<SetupStep> Steps,
    IReadOnlyList<string> Problems)
{
    public bool NothingToDo => MissingPackages.Count == 0 && Steps.Count == 0 && Problems.Count == 0;
}

public enum SetupStepKind
{
    /// <summary>Point the system libblas/liblapack alternatives at OpenBLAS.</summary>
    SelectOpenBlas,

    /// <summary>Install the test oracles (npm ci in tests/oracles).</summary>
    InstallOracles,

    /// <summary>Configure and build model/native into model/native/build.</summary>
    BuildNative,
}

public sealed record SetupStep(SetupStepKind Kind, string Reason);
