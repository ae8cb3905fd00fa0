namespace Pipeline.Data.Tasks;

/// <summary>Generated tasks by stable config name; an unknown name throws and lists the valid ones.</summary>
public sealed class TaskRegistry
{
    private readonly Dictionary<string, ITask> _tasks = new(StringComparer.Ordinal);

    public static TaskRegistry CreateDefault()
    {
        var r = new TaskRegistry();
        r.Register(new ArithmeticTask());
        r.Register(ArithmeticTask.Addition());
        r.Register(new CountdownTask());
        r.Register(new StringFunctionsTask());
        return r;
    }

    public IReadOnlyList<string> Names => _tasks.Keys.Order(StringComparer.Ordinal).ToArray();

    public void Register(ITask task)
    {
        if (!_tasks.TryAdd(task.Name, task))
            throw new ArgumentException($"task '{task.Name}' is already registered", nameof(task));
    }

    public ITask Get(string name) =>
        _tasks.TryGetValue(name, out var task)
            ? task
            : throw new ArgumentException($"unknown task '{name}'; valid names: {string.Join(", ", Names)}", nameof(name));
}
