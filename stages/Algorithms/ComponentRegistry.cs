namespace Pipeline.Stages.Algorithms;

/// <summary>
/// Variants of one algorithm part, under stable config names. An unknown name is an error that
/// lists the valid ones; registering a name twice is an error, so two variants can never shadow
/// each other silently.
/// </summary>
public sealed class ComponentRegistry<TComponent, TOptions>(string kind)
{
    private readonly Dictionary<string, Func<TOptions, TComponent>> factories = new(StringComparer.Ordinal);

    public string Kind => kind;

    public IReadOnlyList<string> Names => [.. factories.Keys.Order(StringComparer.Ordinal)];

    public ComponentRegistry<TComponent, TOptions> Register(string name, Func<TOptions, TComponent> factory)
    {
        if (!factories.TryAdd(name, factory))
        {
            throw new InvalidOperationException($"{kind} '{name}' is registered twice.");
        }

        return this;
    }

    public bool Contains(string name) => factories.ContainsKey(name);

    public TComponent Create(string name, TOptions options) =>
        factories.TryGetValue(name, out var factory)
            ? factory(options)
            : throw new UnknownComponentException(kind, name, Names);
}

public sealed class UnknownComponentException(string kind, string name, IReadOnlyList<string> valid)
    : ArgumentException($"unknown {kind} '{name}'; valid names: {string.Join(", ", valid)}.")
{
    public string ComponentKind => kind;
    public string Name => name;
    public IReadOnlyList<string> ValidNames => valid;
}
