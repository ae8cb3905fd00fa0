using System.Diagnostics;
using System.Globalization;
using Pipeline.Data.Parquet;
using Pipeline.Data.Parquet.Metadata;

namespace Pipeline.Data.Rollouts;

/// <summary>
/// Appends one row group per training step to rolling Parquet files. A file is written under a
/// temporary name (with a journal beside it) and renamed to <c>{prefix}-{first}-{last}.parquet</c>
/// only once closed, so a complete name always denotes a complete file. Single writer; not
/// thread-safe (the pipeline feeds it from one ActionBlock).
/// </summary>
public sealed class RolloutLogWriter : IDisposable
{
    public const string FirstStepKey = "pipeline.first_step";
    public const string LastStepKey = "pipeline.last_step";

    private readonly RolloutLogOptions _options;
    private readonly List<string> _completed = [];
    private ParquetFileWriter? _file;
    private RolloutJournal? _journal;
    private string? _tempPath;
    private long _firstStep;
    private int _stepsInFile;
    private long? _lastStep;
    private readonly long? _resumeAfterStep;

    private RolloutLogWriter(RolloutLogOptions options, long? resumeAfterStep, RolloutLogRecoveryReport recovery)
    {
        _options = options;
        _resumeAfterStep = resumeAfterStep;
        _lastStep = resumeAfterStep;
        Recovery = recovery;
    }

    /// <summary>
    /// Opens the log directory: first reconciles leftovers (see <see cref="RolloutLogRecovery"/>), then
    /// returns a writer for steps after <paramref name="resumeAfterStep"/> (null: a fresh run).
    /// </summary>
    public static RolloutLogWriter Open(RolloutLogOptions options, long? resumeAfterStep = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var report = RolloutLogRecovery.Run(options, resumeAfterStep);
        return new RolloutLogWriter(options, resumeAfterStep, report);
    }

    /// <summary>What was found in the directory on open; log it.</summary>
    public RolloutLogRecoveryReport Recovery { get; }

    public IReadOnlyList<string> CompletedFiles => _completed;

    public long? LastStep => _lastStep;

    /// <summary>Wall time of the last <see cref="WriteStep"/>, for the "logging costs under 2% of a step" budget.</summary>
    public TimeSpan LastWriteDuration { get; private set; }

    /// <summary>Writes the rollouts of one step as one row group. Steps must increase.</summary>
    public void WriteStep(long step, IReadOnlyList<RolloutRecord> rollouts)
    {
        ArgumentNullException.ThrowIfNull(rollouts);
        if (_lastStep is { } last && step <= last)
            throw new ArgumentException($"Step {step} is not after the last logged step {last}{(_resumeAfterStep == last ? " (the resume step)" : "")}; each step is logged once, in order.");
        RolloutRowGroups.Validate(step, rollouts, _options.MaxRolloutsPerStep);
        var clock = Stopwatch.StartNew();
        if (_file is null) Start(step, rollouts.Count > 0 ? rollouts[0].RunId : null);
        RolloutRowGroups.Write(_file!, rollouts);
        _file!.Flush(_options.DurableSteps);
        _journal!.AppendRowGroup(step, _file.Position, _file.RowGroups[^1]);
        _lastStep = step;
        if (++_stepsInFile >= _options.RollEverySteps) Finish();
        LastWriteDuration = clock.Elapsed;
    }

    private void Start(long step, string? runId)
    {
        string dir = _options.Directory;
        Directory.CreateDirectory(dir);
        _tempPath = Path.Combine(dir, RolloutFileNames.InProgress(_options.FilePrefix, step));
        var stream = new FileStream(_tempPath, FileMode.CreateNew, FileAccess.Write, FileShare.Read, 1 << 20);
        try
        {
            _file = new ParquetFileWriter(stream, RolloutSchema.Schema, new ParquetWriteOptions
            {
                Compression = _options.Compression,
                DataPageSize = _options.DataPageSize,
            });
            _file.SetKeyValue(RolloutSchema.VersionKey, RolloutSchema.Version.ToString(CultureInfo.InvariantCulture));
            if (runId is not null) _file.SetKeyValue(RolloutSchema.RunIdKey, runId);
            _journal = RolloutJournal.Create(RolloutFileNames.Journal(_tempPath), _file.BuildFooter(), _options.DurableSteps);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
        _firstStep = step;
        _stepsInFile = 0;
    }

    /// <summary>Closes the current file (footer, fsync, rename to its final name).</summary>
    public void Finish()
    {
        if (_file is null) return;
        long last = _lastStep!.Value;
        _file.SetKeyValue(FirstStepKey, _firstStep.ToString(CultureInfo.InvariantCulture));
        _file.SetKeyValue(LastStepKey, last.ToString(CultureInfo.InvariantCulture));
        _file.Close();
        _file.Flush(_options.DurableSteps);
        _file.Dispose();
        _file = null;
        string final = Path.Combine(_options.Directory, RolloutFileNames.Final(_options.FilePrefix, _firstStep, last));
        File.Move(_tempPath!, final, overwrite: false);
        _journal!.Dispose();
        File.Delete(RolloutFileNames.Journal(_tempPath!));
        _journal = null;
        _completed.Add(final);
    }

    /// <summary>Drops the open file without finishing it, leaving the disk as a crash would (tests).</summary>
    internal void Abandon()
    {
        _file?.Abort();
        _file = null;
        _journal?.Dispose();
        _journal = null;
    }

    public void Dispose()
    {
        if (_file is not null && _stepsInFile > 0)
        {
            Finish();
            return;
        }
        _file?.Dispose();
        _journal?.Dispose();
    }
}
