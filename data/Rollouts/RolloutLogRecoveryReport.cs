namespace Pipeline.Data.Rollouts;

/// <summary>What opening a rollout directory found and did. Logged by the run at start.</summary>
public sealed class RolloutLogRecoveryReport
{
    private readonly List<string> _messages = [];
    private readonly List<string> _recovered = [];
    private readonly List<string> _setAside = [];

    /// <summary>True when the directory held nothing but complete files consistent with the start step.</summary>
    public bool IsClean => _recovered.Count == 0 && _setAside.Count == 0;

    public IReadOnlyList<string> Messages => _messages;

    /// <summary>Complete files rebuilt from an interrupted file or cut back to the resume step.</summary>
    public IReadOnlyList<string> RecoveredFiles => _recovered;

    /// <summary>Originals moved under <c>set-aside/</c>; never read by replay, never deleted.</summary>
    public IReadOnlyList<string> SetAsideFiles => _setAside;

    internal void Note(string message) => _messages.Add(message);

    internal void Recovered(string path, string message)
    {
        _recovered.Add(path);
        _messages.Add(message);
    }

    internal void SetAside(string path) => _setAside.Add(path);

    public override string ToString() => IsClean ? "rollout log: clean" : "rollout log recovery:\n  " + string.Join("\n  ", _messages);
}
