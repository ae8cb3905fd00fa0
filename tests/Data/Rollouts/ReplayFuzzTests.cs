using Pipeline.Data.Parquet;
using Pipeline.Data.Rollouts;
using Pipeline.Tests.Data.Parquet;

namespace Pipeline.Tests.Data.Rollouts;

/// <summary>A damaged rollout file must fail replay with a Parquet or data error that names the problem, never anything else.</summary>
public class ReplayFuzzTests
{
    [Fact]
    public void Damaged_log_files_fail_replay_cleanly()
    {
        using var source = new TempDir();
        var options = new RolloutLogOptions { Directory = source.Path, RollEverySteps = 3 };
        using (var log = RolloutLogWriter.Open(options))
        {
            for (long s = 1; s <= 3; s++) log.WriteStep(s, RolloutFactory.Step(s, 8));
        }
        byte[] original = File.ReadAllBytes(Directory.GetFiles(source.Path, "*.parquet").Single());
        using var dir = new TempDir();
        string path = dir.File("rollouts-0000000001-0000000003.parquet");
        var rng = new Random(7);
        int rejected = 0;
        for (int i = 0; i < 600; i++)
        {
            var bytes = (byte[])original.Clone();
            if (i % 5 == 0) bytes = bytes[..rng.Next(bytes.Length)];
            else for (int f = 0; f < 1 + rng.Next(3); f++) bytes[rng.Next(bytes.Length)] ^= (byte)(1 << rng.Next(8));
            File.WriteAllBytes(path, bytes);
            try
            {
                foreach (var r in new ReplayReader(dir.Path).Read()) GC.KeepAlive(r);
            }
            catch (Exception e) when (e is ParquetException or InvalidDataException)
            {
                rejected++;
            }
        }
        Assert.True(rejected > 100, $"only {rejected} of 600 damaged files were rejected");
    }
}
