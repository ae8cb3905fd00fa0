using Pipeline.Data.Rollouts;
using Pipeline.Tests.Data.Parquet;

namespace Pipeline.Tests.Data.Rollouts;

public class RolloutLogRecoveryTests
{
    private static RolloutLogOptions Options(TempDir dir, int roll = 4) => new() { Directory = dir.Path, RollEverySteps = roll };

    /// <summary>Writes steps first..last and then "crashes": the open file keeps its temporary name, no footer.</summary>
    private static List<RolloutRecord> WriteAndCrash(RolloutLogOptions options, long first, long last, long? resumeAfter = null)
    {
        var all = new List<RolloutRecord>();
        var log = RolloutLogWriter.Open(options, resumeAfter);
        for (long s = first; s <= last; s++)
        {
            var r = RolloutFactory.Step(s, 6);
            log.WriteStep(s, r);
            all.AddRange(r);
        }
        log.Abandon();
        return all;
    }

    [Fact]
    public void An_interrupted_file_is_recovered_up_to_its_last_complete_step()
    {
        using var dir = new TempDir();
        var options = Options(dir);
        var written = WriteAndCrash(options, 1, 6); // file 1..4 complete, 5..6 interrupted
        string temp = Directory.GetFiles(dir.Path, "*.inprogress").Single();
        // A step half-written when the process died: bytes on disk, no journal record.
        File.AppendAllText(temp, "partial row group bytes");
        File.AppendAllBytes(temp + ".journal", [0x10, 0, 0, 0, 1, 2]);

        using var log = RolloutLogWriter.Open(options, resumeAfterStep: 6);
        Assert.False(log.Recovery.IsClean);
        Assert.Contains(log.Recovery.Messages, m => m.Contains("recovered as rollouts-0000000005-0000000006.parquet"));
        Assert.Contains(log.Recovery.Messages, m => m.Contains("partial bytes dropped"));
        Assert.Empty(Directory.GetFiles(dir.Path, "*.inprogress*"));
        Assert.Equal(2, log.Recovery.SetAsideFiles.Count);
        Assert.All(log.Recovery.SetAsideFiles, p => Assert.Contains("set-aside", p));

        log.WriteStep(7, RolloutFactory.Step(7, 6));
        written.AddRange(RolloutFactory.Step(7, 6));
        log.Dispose();
        var replayed = new ReplayReader(options).Read().ToList();
        Assert.Equal(written.Count, replayed.Count);
        for (int i = 0; i < written.Count; i++) RolloutFactory.AssertSame(written[i], replayed[i]);
    }

    [Fact]
    public void Resuming_from_an_earlier_checkpoint_cuts_later_steps_out_of_the_log()
    {
        using var dir = new TempDir();
        var options = Options(dir);
        var written = WriteAndCrash(options, 1, 10); // 1..4, 5..8 complete; 9..10 interrupted

        // The newest checkpoint is step 6: steps 7.. will be generated again and must not appear twice.
        using (var log = RolloutLogWriter.Open(options, resumeAfterStep: 6))
        {
            Assert.Contains(log.Recovery.Messages, m => m.Contains("cut back to rollouts-0000000005-0000000006.parquet"));
            Assert.Contains(log.Recovery.Messages, m => m.Contains("no complete step at or before step 6"));
            log.WriteStep(7, RolloutFactory.Step(7, 6, seed: 1));
        }
        var steps = new ReplayReader(options).Read().Select(r => r.Step).ToList();
        Assert.Equal(Enumerable.Range(1, 7).SelectMany(s => Enumerable.Repeat((long)s, 6)), steps);
        var replayed = new ReplayReader(options).Read(new ReplayFilter { MaxStep = 6 }).ToList();
        var expected = written.Where(r => r.Step <= 6).ToList();
        for (int i = 0; i < expected.Count; i++) RolloutFactory.AssertSame(expected[i], replayed[i]);
        Assert.Equal(3, Directory.GetFiles(Path.Combine(dir.Path, "set-aside"), "*", SearchOption.AllDirectories).Length);
    }

    [Fact]
    public void A_fresh_start_sets_every_earlier_file_aside()
    {
        using var dir = new TempDir();
        var options = Options(dir);
        WriteAndCrash(options, 1, 5);
        using var log = RolloutLogWriter.Open(options, resumeAfterStep: null);
        Assert.Contains(log.Recovery.Messages, m => m.Contains("starts fresh"));
        Assert.Empty(new ReplayReader(options).Read());
        // The interrupted file was still recovered, into set-aside, so nothing is lost.
        Assert.Equal(2, Directory.GetFiles(Path.Combine(dir.Path, "set-aside"), "*.parquet", SearchOption.AllDirectories).Length);
    }

    [Fact]
    public void A_file_without_a_journal_is_set_aside_unread()
    {
        using var dir = new TempDir();
        var options = Options(dir);
        WriteAndCrash(options, 1, 2);
        string temp = Directory.GetFiles(dir.Path, "*.inprogress").Single();
        File.Delete(temp + ".journal");
        using var log = RolloutLogWriter.Open(options, resumeAfterStep: 2);
        Assert.Contains(log.Recovery.Messages, m => m.Contains("without a readable journal"));
        Assert.Empty(new ReplayReader(options).Read());
    }

    [Fact]
    public void Journal_crc_is_the_standard_crc32()
    {
        // The check value of CRC-32/ISO-HDLC.
        Assert.Equal(0xCBF43926u, Crc32.Compute("123456789"u8));
    }
}
