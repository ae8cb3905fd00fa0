namespace Pipeline.Stages.Rewards;

/// <summary>
/// Options of the remote reward component (an LLM judge or a reward-model server). Every bound
/// has a default; <see cref="Validate"/> runs when the component is built.
/// </summary>
public sealed class HttpRewardOptions
{
    /// <summary>The component's name in logs and reward breakdowns.</summary>
    public string Name { get; set; } = "remote";

    /// <summary>POST target; it receives a JSON request and answers {"score": number, "reason": string?}.</summary>
    public Uri? Endpoint { get; set; }

    /// <summary>Budget for one rollout's score, all attempts and backoff included (outermost strategy).</summary>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Budget for one HTTP attempt (innermost strategy).</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(20);

    public int MaxRetries { get; set; } = 3;
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Share of failed attempts within <see cref="BreakerSamplingDuration"/> that opens the circuit.</summary>
    public double BreakerFailureRatio { get; set; } = 0.5;

    public int BreakerMinimumThroughput { get; set; } = 20;
    public TimeSpan BreakerSamplingDuration { get; set; } = TimeSpan.FromSeconds(30);
    public TimeSpan BreakerBreakDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The reward recorded when the remote call fails for good; the rollout is kept with the reason.</summary>
    public double FallbackScore { get; set; }

    /// <summary>A larger response body is a failure, not something to buffer.</summary>
    public int MaxResponseBytes { get; set; } = 64 * 1024;

    /// <summary>Longer completions are sent cut to their last this-many chars, with "truncated": true.</summary>
    public int MaxCompletionChars { get; set; } = 256 * 1024;

    public void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Name, nameof(Name));
        if (Endpoint is null || !Endpoint.IsAbsoluteUri || (Endpoint.Scheme != Uri.UriSchemeHttp && Endpoint.Scheme != Uri.UriSchemeHttps))
            throw new ArgumentException($"Endpoint must be an absolute http(s) URI, got '{Endpoint}'", nameof(Endpoint));
        Check(TotalTimeout >= TimeSpan.FromMilliseconds(10), nameof(TotalTimeout), TotalTimeout, "at least 10 ms");
        Check(AttemptTimeout >= TimeSpan.FromMilliseconds(10), nameof(AttemptTimeout), AttemptTimeout, "at least 10 ms");
        Check(MaxRetries is >= 0 and <= 100, nameof(MaxRetries), MaxRetries, "0 to 100");
        Check(RetryBaseDelay > TimeSpan.Zero && RetryMaxDelay >= RetryBaseDelay, nameof(RetryMaxDelay), RetryMaxDelay, "positive, and at least RetryBaseDelay");
        Check(BreakerFailureRatio is > 0 and <= 1, nameof(BreakerFailureRatio), BreakerFailureRatio, "in (0, 1]");
        Check(BreakerMinimumThroughput >= 2, nameof(BreakerMinimumThroughput), BreakerMinimumThroughput, "at least 2");
        Check(BreakerSamplingDuration >= TimeSpan.FromMilliseconds(500), nameof(BreakerSamplingDuration), BreakerSamplingDuration, "at least 500 ms");
        Check(BreakerBreakDuration >= TimeSpan.FromMilliseconds(500), nameof(BreakerBreakDuration), BreakerBreakDuration, "at least 500 ms");
        Check(double.IsFinite(FallbackScore), nameof(FallbackScore), FallbackScore, "finite");
        Check(MaxResponseBytes >= 16, nameof(MaxResponseBytes), MaxResponseBytes, "at least 16");
        Check(MaxCompletionChars >= 1, nameof(MaxCompletionChars), MaxCompletionChars, "positive");
    }

    private static void Check(bool ok, string name, object value, string rule)
    {
        if (!ok)
            throw new ArgumentOutOfRangeException(name, value, $"HttpRewardOptions.{name} must be {rule}");
    }
}
