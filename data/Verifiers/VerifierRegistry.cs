namespace Pipeline.Data.Verifiers;

/// <summary>
/// Verifiers by stable config name. An unknown name throws and lists the valid ones; a duplicate
/// registration throws.
/// </summary>
public sealed class VerifierRegistry
{
    private readonly Dictionary<string, Func<VerifierOptions, IVerifier>> _factories = new(StringComparer.Ordinal);

    /// <summary>A registry holding the built-ins: answer, countdown, exact, format, length_penalty, math, overlong.</summary>
    public static VerifierRegistry CreateDefault()
    {
        var r = new VerifierRegistry();
        r.Register(MathAnswerVerifier.DefaultName, o => new MathAnswerVerifier(o.Math));
        r.Register(ExactAnswerVerifier.DefaultName, o => new ExactAnswerVerifier(o.Exact));
        r.Register(CountdownVerifier.DefaultName, o => new CountdownVerifier(o.Countdown));
        r.Register(FormatVerifier.DefaultName, o => new FormatVerifier(o.Format));
        r.Register(LengthPenaltyVerifier.DefaultName, o => new LengthPenaltyVerifier(o.LengthPenalty));
        r.Register(OverlongShapingVerifier.DefaultName, o => new OverlongShapingVerifier(o.Overlong));
        r.Register(TaskAnswerVerifier.DefaultName, o => new TaskAnswerVerifier(name => r.Create(name, o)));
        return r;
    }

    public IReadOnlyList<string> Names => _factories.Keys.Order(StringComparer.Ordinal).ToArray();

    public void Register(string name, Func<VerifierOptions, IVerifier> factory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!_factories.TryAdd(name, factory))
            throw new ArgumentException($"verifier '{name}' is already registered", nameof(name));
    }

    public IVerifier Create(string name, VerifierOptions? options = null)
    {
        if (!_factories.TryGetValue(name, out var factory))
            throw new ArgumentException($"unknown verifier '{name}'; valid names: {string.Join(", ", Names)}", nameof(name));
        return factory(options ?? new VerifierOptions());
    }

    /// <summary>A weighted composite of registered verifiers, e.g. [("answer", 1.0), ("format", 0.1), ("overlong", 1.0)].</summary>
    public WeightedCompositeVerifier CreateComposite(string name, IEnumerable<(string Name, double Weight)> components, VerifierOptions? options = null)
    {
        options ??= new VerifierOptions();
        return new WeightedCompositeVerifier(name, components.Select(c => (Create(c.Name, options), c.Weight)).ToArray());
    }
}
