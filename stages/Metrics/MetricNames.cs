namespace Pipeline.Stages.Metrics;

/// <summary>
/// The keys of metrics.jsonl, one line per step. Where TRL or verl log the same quantity the
/// key is theirs (research notes, peers.md section 2), so dashboards and habits carry over;
/// the rest follow the same slash-separated style.
/// </summary>
public static class MetricNames
{
    public const string Step = "step";
    public const string PolicyVersion = "policy_version";

    // Rewards (TRL).
    public const string Reward = "reward";
    public const string RewardStd = "reward_std";

    public static string RewardComponentMean(string name) => $"rewards/{name}/mean";

    public static string RewardComponentStd(string name) => $"rewards/{name}/std";

    public const string PassRate = "pass_rate";

    // Groups (TRL frac_reward_zero_std; ROLL group/*).
    public const string FracRewardZeroStd = "frac_reward_zero_std";
    public const string GroupsAllCorrect = "group/all_correct_ratio";
    public const string GroupsAllWrong = "group/all_incorrect_ratio";
    public const string GroupsFiltered = "group/filtered_ratio";

    // Advantages (verl critic/advantages/*).
    public const string AdvantageMean = "critic/advantages/mean";
    public const string AdvantageMax = "critic/advantages/max";
    public const string AdvantageMin = "critic/advantages/min";

    // Loss and optimisation (verl actor/*, TRL clip_ratio/*).
    public const string PolicyLoss = "actor/pg_loss";
    public const string Loss = "loss";
    public const string ClipRatioLow = "clip_ratio/low_mean";
    public const string ClipRatioHigh = "clip_ratio/high_mean";
    public const string ClipFrac = "actor/pg_clipfrac";
    public const string ClipFracLower = "actor/pg_clipfrac_lower";
    public const string PpoKl = "actor/ppo_kl";
    public const string RatioMean = "ratio/mean";
    public const string RatioMax = "ratio/max";
    public const string Kl = "kl";
    public const string Entropy = "entropy";
    public const string GradNorm = "grad_norm";
    public const string LearningRate = "learning_rate";

    // Lengths (TRL completions/*).
    public const string MeanLength = "completions/mean_length";
    public const string MeanLengthCorrect = "completions/mean_length_correct";
    public const string MeanLengthIncorrect = "completions/mean_length_incorrect";
    public const string TruncationRate = "completions/clipped_ratio";

    // Asynchrony (verl training/off_policy/*).
    public const string StalenessMean = "training/off_policy/trajectory_staleness/mean";
    public const string StalenessMax = "training/off_policy/trajectory_staleness/max";

    // Time and throughput (verl timing_s/*, perf/*).
    public const string TimeGenerate = "timing_s/gen";
    public const string TimeVerify = "timing_s/reward";
    public const string TimeTrain = "timing_s/update_actor";
    public const string TimeStep = "timing_s/step";
    public const string TokensPerSecond = "perf/throughput";
    public const string RolloutsPerSecond = "perf/rollouts_per_second";

    public static string QueueDepth(string block) => $"queue/{block}";

    // Share of wall time a stage's workers were busy since the previous line: busy / (wall × parallelism).
    public const string StageUtilisationPrefix = "perf/utilisation/";

    public static string StageUtilisation(string stage) => StageUtilisationPrefix + stage;
}
