using System.Globalization;
using Pipeline.Stages.Metrics;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Pipeline.Cli.Training;

/// <summary>
/// A panel redrawn in place on a terminal: step bar, ETA, reward, pass rate, tokens/s and how busy
/// each graph stage was. Spectre's live display owns the cursor, so notes are kept in the panel
/// instead of being written between redraws.
/// </summary>
public sealed class LiveProgress : IProgressReporter
{
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<string> _notes = [];
    private readonly Lock _gate = new();
    private readonly EtaClock _clock;
    private readonly long _steps;
    private readonly Task _display;
    private ProgressSnapshot? _last;
    private LiveDisplayContext? _context;

    public LiveProgress(IAnsiConsole console, long steps, EtaClock? clock = null)
    {
        _steps = steps;
        _clock = clock ?? new EtaClock(steps);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _display = console.Live(Render(null, _notes, steps)).AutoClear(false).StartAsync(async ctx =>
        {
            _context = ctx;
            started.SetResult();
            await _done.Task.ConfigureAwait(false);
            Refresh();
        });
        started.Task.Wait();
    }

    public void Note(string message)
    {
        lock (_gate)
        {
            _notes.Add(message);
            if (_notes.Count > 3) _notes.RemoveAt(0);
        }
        Refresh();
    }

    public void Step(IReadOnlyDictionary<string, double> metrics)
    {
        long step = (long)metrics[MetricNames.Step];
        lock (_gate) _last = new ProgressSnapshot(step, _steps, _clock.Next(step), metrics);
        Refresh();
    }

    private void Refresh()
    {
        lock (_gate)
        {
            _context?.UpdateTarget(Render(_last, _notes, _steps));
        }
    }

    /// <summary>The panel for a snapshot (null before the first step).</summary>
    public static IRenderable Render(ProgressSnapshot? s, IReadOnlyList<string> notes, long steps)
    {
        var c = CultureInfo.InvariantCulture;
        var grid = new Grid().AddColumn().AddColumn();
        long step = s?.Step ?? 0;
        double done = steps > 0 ? Math.Clamp(step / (double)steps, 0, 1) : 0;
        grid.AddRow(new Markup("[bold]step[/]"), new Markup($"{step}/{steps}  [green]{new string('#', (int)(done * 30))}[/][grey]{new string('-', 30 - (int)(done * 30))}[/]  eta {ProgressSnapshot.FormatEta(s?.Eta)}"));
        if (s is not null)
        {
            grid.AddRow(new Markup("[bold]reward[/]"), new Text(s.Get(MetricNames.Reward).ToString("0.000", c)));
            grid.AddRow(new Markup("[bold]pass rate[/]"), new Text(s.Get(MetricNames.PassRate).ToString("0.000", c)));
            grid.AddRow(new Markup("[bold]tokens/s[/]"), new Text(s.Get(MetricNames.TokensPerSecond).ToString("0", c)));
            grid.AddRow(new Markup("[bold]loss / kl[/]"), new Text($"{s.Get(MetricNames.Loss).ToString("0.0000", c)} / {s.Get(MetricNames.Kl).ToString("0.0000", c)}"));
            var stages = s.FormatStages();
            if (stages.Length > 0) grid.AddRow(new Markup("[bold]stages busy[/]"), new Text(stages));
        }

        foreach (var note in notes) grid.AddRow(new Text(string.Empty), new Text(note, new Style(Color.Grey)));
        return new Panel(grid).Header("pipeline train").Border(BoxBorder.Rounded);
    }

    public void Dispose()
    {
        _done.TrySetResult();
        _display.GetAwaiter().GetResult();
    }
}
