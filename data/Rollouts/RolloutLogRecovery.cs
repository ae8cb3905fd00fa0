using Pipeline.Data.Parquet;
using Pipeline.Data.Parquet.Metadata;

namespace Pipeline.Data.Rollouts;

/// <summary>
/// Brings a rollout directory to a state consistent with where the run (re)starts:
/// <list type="bullet">
/// <item>interrupted files are rebuilt from their journal (complete row groups only);</item>
/// <item>when resuming after step k, rows of steps after k are cut from the log, because the run will
/// produce those steps again;</item>
/// <item>on a fresh start every earlier file is set aside, so two runs never mix.</item>
/// </list>
/// Originals are moved under <c>set-aside/&lt;time&gt;/</c>, never deleted, and every action is reported.
/// </summary>
internal static class RolloutLogRecovery
{
    public static RolloutLogRecoveryReport Run(RolloutLogOptions options, long? resumeAfterStep)
    {
        var report = new RolloutLogRecoveryReport();
        string dir = options.Directory;
        Directory.CreateDirectory(dir);
        string? setAside = null;
        string SetAsideDir()
        {
            setAside ??= Directory.CreateDirectory(Path.Combine(dir, RolloutFileNames.SetAsideFolder, DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture))).FullName;
            return setAside;
        }
        void MoveAside(string path)
        {
            if (!File.Exists(path)) return;
            string target = Path.Combine(SetAsideDir(), Path.GetFileName(path));
            File.Move(path, target);
            report.SetAside(target);
        }

        long cutoff = resumeAfterStep ?? long.MaxValue;
        string prefix = options.FilePrefix;

        // 1. Interrupted files: rebuild what the journal proves complete.
        foreach (var data in Directory.EnumerateFiles(dir, prefix + "-*" + RolloutFileNames.InProgressSuffix).OrderBy(p => p, StringComparer.Ordinal).ToList())
        {
            string journal = RolloutFileNames.Journal(data);
            var contents = File.Exists(journal) ? SafeRead(journal) : null;
            long length = new FileInfo(data).Length;
            if (contents is null)
            {
                report.Note($"{Path.GetFileName(data)}: interrupted file without a readable journal; set aside unread.");
                MoveAside(data);
                MoveAside(journal);
                continue;
            }
            var kept = contents.RowGroups.Where(g => g.DataEnd <= length).TakeWhile(g => g.Step <= cutoff).ToList();
            int dropped = contents.RowGroups.Count - kept.Count;
            if (kept.Count == 0)
            {
                report.Note($"{Path.GetFileName(data)}: interrupted file with no complete step{(resumeAfterStep is null ? "" : $" at or before step {cutoff}")}; set aside.");
                MoveAside(data);
                MoveAside(journal);
                continue;
            }
            long first = kept[0].Step, last = kept[^1].Step;
            string final = Path.Combine(dir, RolloutFileNames.Final(prefix, first, last));
            WritePrefix(data, final, contents.Skeleton, kept.Select(g => g.Group).ToList(), kept[^1].DataEnd, first, last);
            report.Recovered(final,
                $"{Path.GetFileName(data)}: interrupted file recovered as {Path.GetFileName(final)} with steps {first}..{last}" +
                (dropped > 0 ? $"; {dropped} later step(s) dropped" : "") +
                (contents.TornTail || kept[^1].DataEnd < length ? "; an unfinished step's partial bytes dropped" : "") +
                "; original set aside.");
            MoveAside(data);
            MoveAside(journal);
        }
        foreach (var journal in Directory.EnumerateFiles(dir, prefix + "-*" + RolloutFileNames.InProgressSuffix + RolloutFileNames.JournalSuffix).ToList())
        {
            report.Note($"{Path.GetFileName(journal)}: journal without its data file (crash after the file was completed); set aside.");
            MoveAside(journal);
        }

        // 2. Complete files: keep, cut back to the resume step, or set aside.
        foreach (var (path, first, last) in RolloutFileNames.ListFinal(dir, prefix))
        {
            string name = Path.GetFileName(path);
            if (resumeAfterStep is null)
            {
                report.Note($"{name}: left by an earlier run, but this run starts fresh; set aside so the two runs do not mix.");
                MoveAside(path);
            }
            else if (first > cutoff)
            {
                report.Note($"{name}: steps {first}..{last} come after the resume step {cutoff} and will be produced again; set aside.");
                MoveAside(path);
            }
            else if (last > cutoff)
            {
                CutBack(path, cutoff, prefix, report, MoveAside);
            }
        }
        return report;
    }

    private static RolloutJournal.Contents? SafeRead(string journal)
    {
        try
        {
            return RolloutJournal.Read(journal);
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static void CutBack(string path, long cutoff, string prefix, RolloutLogRecoveryReport report, Action<string> moveAside)
    {
        string name = Path.GetFileName(path);
        FileMetaData meta;
        var keep = new List<RowGroup>();
        long first = long.MaxValue, last = long.MinValue;
        try
        {
            using var reader = ParquetFileReader.Open(path);
            meta = reader.Metadata;
            for (int g = 0; g < reader.RowGroupCount; g++)
            {
                var steps = reader.ReadColumn(g, RolloutSchema.Step).Int64s!;
                if (steps.Length == 0) continue;
                if (steps.Max() > cutoff) break;
                keep.Add(meta.RowGroups[g]);
                first = Math.Min(first, steps.Min());
                last = Math.Max(last, steps.Max());
            }
        }
        catch (ParquetException e)
        {
            report.Note($"{name}: unreadable ({e.Message}); set aside.");
            moveAside(path);
            return;
        }
        if (keep.Count == 0)
        {
            report.Note($"{name}: no step at or before the resume step {cutoff}; set aside.");
            moveAside(path);
            return;
        }
        long end = keep.SelectMany(g => g.Columns).Max(c => Math.Min(c.MetaData!.DataPageOffset, c.MetaData.DictionaryPageOffset is { } d && d > 0 ? d : long.MaxValue) + c.MetaData.TotalCompressedSize);
        string final = Path.Combine(Path.GetDirectoryName(path)!, RolloutFileNames.Final(prefix, first, last));
        string staging = path + ".cut";
        WritePrefix(path, staging, meta, keep, end, first, last);
        moveAside(path);
        File.Move(staging, final);
        report.Recovered(final, $"{name}: holds steps after the resume step {cutoff}; cut back to {Path.GetFileName(final)} (steps {first}..{last}); original set aside.");
    }

    /// <summary>Copies <paramref name="source"/>[0, end) to <paramref name="destination"/> and appends a footer for the given row groups.</summary>
    private static void WritePrefix(string source, string destination, FileMetaData skeleton, List<RowGroup> groups, long end, long first, long last)
    {
        string temp = destination + ".tmp";
        using (var input = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read))
        using (var output = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            var buffer = new byte[1 << 20];
            long remaining = end;
            while (remaining > 0)
            {
                int n = input.Read(buffer, 0, (int)Math.Min(buffer.Length, remaining));
                if (n == 0) throw new IOException($"{source} ended before byte {end}.");
                output.Write(buffer, 0, n);
                remaining -= n;
            }
            var kv = (skeleton.KeyValueMetadata ?? []).Where(k => k.Key is not (RolloutLogWriter.FirstStepKey or RolloutLogWriter.LastStepKey)).ToList();
            kv.Add(new KeyValue(RolloutLogWriter.FirstStepKey, first.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            kv.Add(new KeyValue(RolloutLogWriter.LastStepKey, last.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            var footer = new FileMetaData
            {
                Version = skeleton.Version,
                Schema = skeleton.Schema,
                NumRows = groups.Sum(g => g.NumRows),
                RowGroups = groups,
                KeyValueMetadata = kv,
                CreatedBy = skeleton.CreatedBy,
                TypeDefinedColumnOrders = skeleton.TypeDefinedColumnOrders,
            };
            ParquetFileWriter.WriteFooter(output, footer);
            output.Flush(true);
        }
        File.Move(temp, destination, overwrite: false);
    }
}
