using System.Text;

namespace Pipeline.Data.Verifiers;

/// <summary>
/// Σ weightᵢ · scoreᵢ over its components. Every component's part is kept (a nested composite's
/// parts are flattened with the weights multiplied), so Σ parts.Weighted == Score and each
/// component can be logged as rewards/{name}.
/// </summary>
public sealed class WeightedCompositeVerifier : IVerifier
{
    private readonly (IVerifier Verifier, double Weight)[] _components;

    public WeightedCompositeVerifier(string name, IEnumerable<(IVerifier Verifier, double Weight)> components)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        _components = components.ToArray();
        if (_components.Length == 0)
            throw new ArgumentException("a composite needs at least one component", nameof(components));
        foreach (var (v, w) in _components)
        {
            if (!double.IsFinite(w))
                throw new ArgumentOutOfRangeException(nameof(components), w, $"weight of '{v.Name}' must be finite");
        }
        var duplicate = _components.GroupBy(c => c.Verifier.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new ArgumentException($"component '{duplicate.Key}' appears twice; give each a distinct name", nameof(components));
        Name = name;
    }

    public string Name { get; }

    public IReadOnlyList<(IVerifier Verifier, double Weight)> Components => _components;

    public VerifierResult Verify(in VerifyInput input)
    {
        var parts = new List<RewardPart>(_components.Length);
        var total = 0.0;
        var reason = new StringBuilder();
        foreach (var (verifier, weight) in _components)
        {
            var result = verifier.Verify(input);
            total += weight * result.Score;
            foreach (var p in result.Parts)
                parts.Add(p with { Weight = p.Weight * weight });
            if (reason.Length > 0)
                reason.Append("; ");
            reason.Append(verifier.Name).Append('=').Append(result.Score.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture))
                .Append(" (").Append(result.Reason).Append(')');
        }
        return new VerifierResult(total, reason.ToString(), parts);
    }
}
