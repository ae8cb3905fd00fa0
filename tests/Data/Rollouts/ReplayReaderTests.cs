using Pipeline.Data.Rollouts;
using Pipeline.Tests.Data.Parquet;

namespace Pipeline.Tests.Data.Rollouts;

public class ReplayReaderTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly RolloutLogOptions _options;
    private readonly List<RolloutRecord> _all = [];

    public ReplayReaderTests()
    {
        _options = new RolloutLogOptions { Directory = _dir.Path, RollEverySteps = 3 };
        using var log = RolloutLogWriter.Open(_options);
        for (long s = 1; s <= 8; s++)
        {
            var r = RolloutFactory.Step(s, 12);
            log.WriteStep(s, r);
            _all.AddRange(r);
        }
    }

    public void Dispose() => _dir.Dispose();

    private void AssertFilter(ReplayFilter filter, Func<RolloutRecord, bool> predicate)
    {
        var expected = _all.Where(predicate).ToList();
        var actual = new ReplayReader(_options).Read(filter).ToList();
        Assert.NotEmpty(expected);
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++) RolloutFactory.AssertSame(expected[i], actual[i], filter.IncludeText);
    }

    [Fact]
    public void Filters_by_step_range() => AssertFilter(new ReplayFilter { MinStep = 3, MaxStep = 5 }, r => r.Step is >= 3 and <= 5);

    [Fact]
    public void Filters_by_provenance() =>
        AssertFilter(new ReplayFilter { Provenances = new HashSet<string> { Provenance.OnPolicy, Provenance.Teacher } },
            r => r.Provenance is Provenance.OnPolicy or Provenance.Teacher);

    [Fact]
    public void Filters_by_reward_range() => AssertFilter(new ReplayFilter { MinReward = 0.5, MaxReward = 1.0 }, r => r.RewardTotal is >= 0.5 and <= 1.0);

    [Fact]
    public void Filters_by_prompt_ids()
    {
        var ids = _all.Select(r => r.PromptId).Distinct().Take(3).ToHashSet();
        AssertFilter(new ReplayFilter { PromptIds = ids }, r => ids.Contains(r.PromptId));
    }

    [Fact]
    public void Combined_filters_without_text_yield_training_ready_rollouts() =>
        AssertFilter(new ReplayFilter { MinStep = 2, Provenances = new HashSet<string> { Provenance.OnPolicy }, MinReward = 0, IncludeText = false },
            r => r.Step >= 2 && r.Provenance == Provenance.OnPolicy && r.RewardTotal >= 0);

    [Fact]
    public void Inverted_ranges_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => new ReplayReader(_options).Read(new ReplayFilter { MinStep = 5, MaxStep = 1 }).ToList());
    }

    [Fact]
    public void A_file_with_another_schema_is_named_in_the_error()
    {
        string path = Path.Combine(_dir.Path, "rollouts-0000000100-0000000100.parquet");
        using (var fs = File.Create(path)) new SampleTable(3, 1).Write(fs, new(), 3);
        var e = Assert.Throws<InvalidDataException>(() => new ReplayReader(_options).Read(new ReplayFilter { MinStep = 100 }).ToList());
        Assert.Contains("rollouts-0000000100-0000000100.parquet", e.Message);
        Assert.Contains("run_id", e.Message);
    }
}
