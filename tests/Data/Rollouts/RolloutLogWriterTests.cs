using Pipeline.Data.Parquet;
using Pipeline.Data.Rollouts;
using Pipeline.Tests.Data.Parquet;

namespace Pipeline.Tests.Data.Rollouts;

public class RolloutLogWriterTests
{
    [Fact]
    public void Steps_become_row_groups_and_files_roll_every_N_steps()
    {
        using var dir = new TempDir();
        var options = new RolloutLogOptions { Directory = dir.Path, RollEverySteps = 3 };
        var written = new List<RolloutRecord>();
        using (var log = RolloutLogWriter.Open(options))
        {
            Assert.True(log.Recovery.IsClean);
            for (long step = 1; step <= 7; step++)
            {
                var rollouts = RolloutFactory.Step(step, 10);
                log.WriteStep(step, rollouts);
                written.AddRange(rollouts);
            }
            // Steps 7.. are still being written: only the two complete files carry final names.
            Assert.Equal(["rollouts-0000000001-0000000003.parquet", "rollouts-0000000004-0000000006.parquet"],
                Directory.GetFiles(dir.Path, "*.parquet").Select(p => Path.GetFileName(p)!).Order().ToArray());
            Assert.Single(Directory.GetFiles(dir.Path, "*.inprogress"));
        }
        var files = Directory.GetFiles(dir.Path).Select(p => Path.GetFileName(p)!).Order().ToArray();
        Assert.Equal(["rollouts-0000000001-0000000003.parquet", "rollouts-0000000004-0000000006.parquet", "rollouts-0000000007-0000000007.parquet"], files);

        using (var reader = ParquetFileReader.Open(dir.File(files[0]!)))
        {
            Assert.Equal(3, reader.RowGroupCount);
            Assert.Equal("2", reader.KeyValueMetadata[RolloutSchema.VersionKey]);
            Assert.Equal("run-42", reader.KeyValueMetadata[RolloutSchema.RunIdKey]);
            Assert.Equal("3", reader.KeyValueMetadata[RolloutLogWriter.LastStepKey]);
        }
        var replayed = new ReplayReader(options).Read().ToList();
        Assert.Equal(written.Count, replayed.Count);
        for (int i = 0; i < written.Count; i++) RolloutFactory.AssertSame(written[i], replayed[i]);
    }

    [Fact]
    public void Sequential_encoding_writes_the_same_rows()
    {
        using var dir = new TempDir();
        var options = new RolloutLogOptions { Directory = dir.Path, EncodeParallelism = 1, Compression = Pipeline.Data.Parquet.Metadata.CompressionCodec.Gzip };
        var rollouts = RolloutFactory.Step(3, 20);
        using (var log = RolloutLogWriter.Open(options)) log.WriteStep(3, rollouts);
        var back = new ReplayReader(options).Read().ToList();
        Assert.Equal(rollouts.Count, back.Count);
        for (int i = 0; i < rollouts.Count; i++) RolloutFactory.AssertSame(rollouts[i], back[i]);
    }

    [Fact]
    public void A_log_closed_without_steps_leaves_no_files()
    {
        using var dir = new TempDir();
        using (var log = RolloutLogWriter.Open(new RolloutLogOptions { Directory = dir.Path }))
        {
            Assert.Throws<ArgumentException>(() => log.WriteStep(1, [RolloutFactory.Step(1, 1)[0] with { Step = 9 }]));
        }
        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void Steps_must_increase()
    {
        using var dir = new TempDir();
        using var log = RolloutLogWriter.Open(new RolloutLogOptions { Directory = dir.Path });
        log.WriteStep(5, RolloutFactory.Step(5, 2));
        var e = Assert.Throws<ArgumentException>(() => log.WriteStep(5, RolloutFactory.Step(5, 2)));
        Assert.Contains("Step 5", e.Message);
    }

    [Fact]
    public void Bad_rollouts_are_rejected_with_the_field_named()
    {
        using var dir = new TempDir();
        using var log = RolloutLogWriter.Open(new RolloutLogOptions { Directory = dir.Path });
        var good = RolloutFactory.Step(1, 3, completionTokens: 8);
        var mismatched = good[1] with { BehaviourLogProbs = new float[good[1].CompletionTokenIds.Length + 1] };
        var e1 = Assert.Throws<ArgumentException>(() => log.WriteStep(1, [good[0], mismatched]));
        Assert.Contains("BehaviourLogProbs", e1.Message);
        Assert.Contains("rollout 1", e1.Message);
        var e2 = Assert.Throws<ArgumentException>(() => log.WriteStep(1, [good[0] with { Step = 2 }]));
        Assert.Contains("field Step", e2.Message);
        var e3 = Assert.Throws<ArgumentException>(() => log.WriteStep(1, [good[0] with { RewardValues = [1.0, 2.0, 3.0] }]));
        Assert.Contains("RewardValues", e3.Message);
    }

    [Theory]
    [InlineData(nameof(RolloutLogOptions.RollEverySteps))]
    [InlineData(nameof(RolloutLogOptions.Compression))]
    [InlineData(nameof(RolloutLogOptions.FilePrefix))]
    [InlineData(nameof(RolloutLogOptions.DataPageSize))]
    [InlineData(nameof(RolloutLogOptions.EncodeParallelism))]
    public void Options_are_validated_with_the_field_named(string field)
    {
        var options = new RolloutLogOptions();
        switch (field)
        {
            case nameof(RolloutLogOptions.RollEverySteps): options.RollEverySteps = 0; break;
            case nameof(RolloutLogOptions.Compression): options.Compression = Pipeline.Data.Parquet.Metadata.CompressionCodec.Zstd; break;
            case nameof(RolloutLogOptions.FilePrefix): options.FilePrefix = "a-b"; break;
            case nameof(RolloutLogOptions.EncodeParallelism): options.EncodeParallelism = 0; break;
            default: options.DataPageSize = 10; break;
        }
        var e = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Contains("rollout_log." + field, e.Message);
    }
}
