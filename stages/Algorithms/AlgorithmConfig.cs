using Pipeline.Stages.Algorithms.Advantages;
using Pipeline.Stages.Algorithms.Filters;
using Pipeline.Stages.Algorithms.Kl;
using Pipeline.Stages.Algorithms.Losses;
using Pipeline.Stages.Algorithms.Regularizers;
using Pipeline.Stages.Algorithms.Schedules;
using Pipeline.Stages.Algorithms.Shaping;
using Pipeline.Stages.Algorithms.TokenCredit;

namespace Pipeline.Stages.Algorithms;

/// <summary>
/// The "algorithm" section of a run config: which named component fills each variable part, and
/// their settings. Defaults are GRPO as TRL and verl run it (PPO clip 0.2, token-mean, no KL).
/// Names follow verl and TRL where they have one; configs/*.json hold ready presets.
/// </summary>
public sealed record AlgorithmConfig
{
    /// <summary>Advantage estimator: grpo, dr_grpo, rloo, reinforce_plus_plus, ngrpo.</summary>
    public string Advantage { get; init; } = "grpo";

    /// <summary>Added to the std before dividing.</summary>
    public double Epsilon { get; init; } = 1e-6;

    /// <summary>Discount of token-level returns (reinforce_plus_plus).</summary>
    public double Gamma { get; init; } = 1.0;

    /// <summary>GRPO's std: "group", or "batch" (Lite PPO).</summary>
    public string StdLevel { get; init; } = "group";

    /// <summary>NGRPO's virtual sample reward.</summary>
    public double MaxReward { get; init; } = 1.0;

    /// <summary>Policy loss: ppo, gspo, cispo, reinforce.</summary>
    public string Loss { get; init; } = "ppo";

    public double ClipLow { get; init; } = 0.2;

    public double ClipHigh { get; init; } = 0.2;

    /// <summary>Dual clip for negative advantages; null turns it off.</summary>
    public double? ClipC { get; init; } = 3.0;

    /// <summary>NGRPO's asymmetric bounds for negative advantages; null = same as clip_low / clip_high.</summary>
    public double? NegativeClipLow { get; init; }

    public double? NegativeClipHigh { get; init; }

    /// <summary>token-mean, seq-mean-token-mean, seq-mean-token-sum, seq-mean-token-sum-norm.</summary>
    public string LossAgg { get; init; } = "token-mean";

    /// <summary>Constant divisor of seq-mean-token-sum-norm (Dr. GRPO); null = the batch's padded width.</summary>
    public int? LossNormLength { get; init; }

    public double KlCoef { get; init; }

    public string KlEstimator { get; init; } = "k3";

    public bool KlInReward { get; init; }

    public int ReferenceResetEvery { get; init; }

    public double EntropyCoef { get; init; }

    public double SftCoef { get; init; }

    /// <summary>Group filter: none, dynamic_sampling, pass_rate_window.</summary>
    public string GroupFilter { get; init; } = "none";

    public string FilterMetric { get; init; } = "acc";

    public int MaxExtraRounds { get; init; } = 4;

    public double MinPassRate { get; init; } = 0.05;

    public double MaxPassRate { get; init; } = 0.95;

    public bool GuideUnsolved { get; init; }

    /// <summary>Group reward transform: none or grpo_lambda.</summary>
    public string GroupReward { get; init; } = "none";

    public double GrpoLambdaThreshold { get; init; } = 0.5;

    public double GrpoLambdaWeight { get; init; } = 1.0;

    /// <summary>Token credit: none, tempo, gtpo.</summary>
    public string TokenCredit { get; init; } = "none";

    public double TempoTdScale { get; init; } = 1.0;

    public double GtpoConflictBoost { get; init; } = 2.0;

    public double GtpoEntropyThreshold { get; init; } = 2.0;

    /// <summary>Zero the loss of completions cut at the length limit (DAPO overlong filtering).</summary>
    public bool MaskTruncated { get; init; }

    /// <summary>Token-budget curriculum (Train Long, Think Short); null = a fixed max_new_tokens.</summary>
    public TokenBudgetOptions? TokenBudget { get; init; }

    public static IReadOnlyList<string> GroupRewardNames { get; } = ["grpo_lambda", "none"];

    /// <summary>Every problem with the settings, each naming its field; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        void Name<T, TO>(string field, string value, ComponentRegistry<T, TO> registry)
        {
            if (!registry.Contains(value))
            {
                errors.Add($"algorithm.{field}: unknown {registry.Kind} '{value}'; valid names: {string.Join(", ", registry.Names)}.");
            }
        }

        Name("advantage", Advantage, AdvantageEstimators.Registry);
        Name("loss", Loss, PolicyLosses.Registry);
        Name("group_filter", GroupFilter, GroupFilters.Registry);
        Name("token_credit", TokenCredit, TokenCreditAssigners.Registry);
        Check(errors, "loss_agg", () => LossAggregations.Parse(LossAgg));
        Check(errors, "kl_estimator", () => KlEstimators.Parse(KlEstimator));
        if (StdLevel is not ("group" or "batch"))
        {
            errors.Add($"algorithm.std_level: '{StdLevel}' is not one of: group, batch.");
        }

        if (!GroupRewardNames.Contains(GroupReward))
        {
            errors.Add($"algorithm.group_reward: unknown group reward transform '{GroupReward}'; valid names: {string.Join(", ", GroupRewardNames)}.");
        }

        if (ClipLow is < 0 or >= 1)
        {
            errors.Add($"algorithm.clip_low: {ClipLow} must be in [0, 1).");
        }

        if (ClipHigh < 0)
        {
            errors.Add($"algorithm.clip_high: {ClipHigh} must be >= 0.");
        }

        if (ClipC is { } c && c <= 1)
        {
            errors.Add($"algorithm.clip_c: {c} must be > 1 (the dual clip caps losses of ratios above it).");
        }

        if (MinPassRate > MaxPassRate)
        {
            errors.Add($"algorithm.min_pass_rate {MinPassRate} exceeds max_pass_rate {MaxPassRate}.");
        }

        if (Loss == "gspo" && LossAgg != "seq-mean-token-mean")
        {
            errors.Add($"algorithm.loss_agg: gspo always aggregates seq-mean-token-mean; '{LossAgg}' would be ignored.");
        }

        if (KlCoef < 0 || EntropyCoef < 0 || SftCoef < 0)
        {
            errors.Add("algorithm: kl_coef, entropy_coef and sft_coef must be >= 0.");
        }

        return errors;
    }

    /// <summary>True when the estimator compares completions of one prompt, so groups need two or more.</summary>
    public bool NeedsGroups => Advantage is "grpo" or "dr_grpo" or "rloo";

    public IAdvantageEstimator CreateEstimator() => AdvantageEstimators.Create(Advantage, new AdvantageOptions
    {
        Epsilon = Epsilon,
        Gamma = Gamma,
        StdLevel = StdLevel == "batch" ? Advantages.StdLevel.Batch : Advantages.StdLevel.Group,
        MaxReward = MaxReward,
    });

    public PolicyLossOptions PolicyLossOptions => new()
    {
        ClipLow = ClipLow,
        ClipHigh = ClipHigh,
        ClipC = ClipC,
        NegativeClipLow = NegativeClipLow,
        NegativeClipHigh = NegativeClipHigh,
        Aggregation = LossAggregations.Parse(LossAgg),
    };

    public RegularizedObjective CreateObjective() => new(
        PolicyLosses.Create(Loss, PolicyLossOptions),
        new RegularizerOptions
        {
            KlCoef = KlCoef,
            KlEstimator = KlEstimator,
            KlInReward = KlInReward,
            ReferenceResetEvery = ReferenceResetEvery,
            EntropyCoef = EntropyCoef,
            SftCoef = SftCoef,
        },
        Loss == "gspo" ? LossAggregation.SeqMeanTokenMean : LossAggregations.Parse(LossAgg));

    public IGroupFilter CreateGroupFilter() => GroupFilters.Create(GroupFilter, new GroupFilterOptions
    {
        Metric = FilterMetric,
        MaxExtraRounds = MaxExtraRounds,
        MinPassRate = MinPassRate,
        MaxPassRate = MaxPassRate,
        GuideUnsolved = GuideUnsolved,
    });

    public IGroupRewardTransform? CreateGroupReward() => GroupReward == "grpo_lambda"
        ? new GrpoLambdaTransform(new GrpoLambdaOptions { Threshold = GrpoLambdaThreshold, Weight = GrpoLambdaWeight })
        : null;

    public ITokenCreditAssigner CreateTokenCredit() => TokenCreditAssigners.Create(TokenCredit, new TokenCreditOptions
    {
        TempoTdScale = TempoTdScale,
        GtpoConflictBoost = GtpoConflictBoost,
        GtpoEntropyThreshold = GtpoEntropyThreshold,
    });

    private static void Check(List<string> errors, string field, Action parse)
    {
        try
        {
            parse();
        }
        catch (UnknownComponentException e)
        {
            errors.Add($"algorithm.{field}: {e.Message}");
        }
    }
}
